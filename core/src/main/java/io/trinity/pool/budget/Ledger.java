package io.trinity.pool.budget;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tokens spent per tenant and resource: the book the pool charges finished attempts to.
 * Counts are exact longs; cost is derived on reading ({@link Spend#of}). Not thread-safe:
 * owned by the pool's control loop (the pool answers API reads on the loop).
 */
public final class Ledger {

    private final Prices prices;
    private final Map<String, Map<String, Long>> byTenant = new HashMap<>();

    public Ledger(Prices prices) {
        this.prices = prices;
    }

    public Prices prices() {
        return prices;
    }

    /** Charges {@code tokens} of {@code resource} to {@code tenant}. */
    public void charge(String tenant, String resource, long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("charge must be >= 0 tokens (got " + tokens + " of " + resource + ")");
        }
        if (tokens == 0) {
            return;
        }
        byTenant.computeIfAbsent(tenant, k -> new HashMap<>()).merge(resource, tokens, Long::sum);
    }

    /** Tokens charged to {@code tenant} over all resources. */
    public long tokens(String tenant) {
        Map<String, Long> m = byTenant.get(tenant);
        long sum = 0;
        if (m != null) {
            for (long t : m.values()) {
                sum += t;
            }
        }
        return sum;
    }

    /** Cost charged to {@code tenant} at the pool's prices. */
    public double cost(String tenant) {
        Map<String, Long> m = byTenant.get(tenant);
        return m == null ? 0 : prices.cost(m);
    }

    public Spend spend(String tenant) {
        Map<String, Long> m = byTenant.get(tenant);
        return m == null ? Spend.ZERO : Spend.of(m, prices);
    }

    /** Every tenant charged so far, sorted by name. */
    public Map<String, Spend> all() {
        Map<String, Spend> out = new TreeMap<>();
        byTenant.forEach((t, m) -> out.put(t, Spend.of(m, prices)));
        return out;
    }
}
