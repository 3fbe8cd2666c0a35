package io.trinity.pool.budget;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tokens spent per tenant and resource: the book the pool charges finished attempts to.
 * Counts are exact longs, saturating at {@link Long#MAX_VALUE} rather than wrapping
 * ({@link Spend#addTokens}); cost is derived on reading ({@link Spend#of}). Not thread-safe:
 * owned by the pool's control loop (the pool answers API reads on the loop).
 */
public final class Ledger {

    private final Prices prices;
    private final Map<String, Map<String, Long>> byTenant = new HashMap<>();

    /**
     * An empty ledger.
     *
     * @param prices the price table costs are read with
     */
    public Ledger(Prices prices) {
        this.prices = prices;
    }

    /** {@return the price table costs are read with} */
    public Prices prices() {
        return prices;
    }

    /**
     * Charges tokens of a resource to a tenant; charges add up.
     *
     * @param tenant the tenant
     * @param resource the resource key
     * @param tokens tokens used, {@code >= 0}; 0 records nothing
     * @throws IllegalArgumentException if {@code tokens < 0}
     */
    public void charge(String tenant, String resource, long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("charge must be >= 0 tokens (got " + tokens + " of " + resource + ")");
        }
        if (tokens == 0) {
            return;
        }
        byTenant.computeIfAbsent(tenant, k -> new HashMap<>()).merge(resource, tokens, Spend::addTokens);
    }

    /**
     * Sets what a tenant was charged for a resource, replacing the count: how a restarted pool
     * takes back the totals its journal kept.
     *
     * @param tenant the tenant
     * @param resource the resource key
     * @param tokens tokens charged so far, {@code >= 0}; 0 forgets the resource
     * @throws IllegalArgumentException if {@code tokens < 0}
     */
    public void restore(String tenant, String resource, long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("restored spend must be >= 0 tokens (got " + tokens + " of " + resource
                    + " for tenant " + tenant + ")");
        }
        if (tokens == 0) {
            Map<String, Long> m = byTenant.get(tenant);
            if (m != null) {
                m.remove(resource);
                if (m.isEmpty()) {
                    byTenant.remove(tenant);
                }
            }
            return;
        }
        byTenant.computeIfAbsent(tenant, k -> new HashMap<>()).put(resource, tokens);
    }

    /**
     * The tokens of one resource charged to a tenant.
     *
     * @param tenant the tenant
     * @param resource the resource key
     * @return tokens, 0 if none were charged
     */
    public long tokens(String tenant, String resource) {
        Map<String, Long> m = byTenant.get(tenant);
        if (m == null) {
            return 0;
        }
        Long t = m.get(resource);
        return t == null ? 0 : t;
    }

    /**
     * Sums the tokens charged to a tenant over all resources.
     *
     * @param tenant the tenant
     * @return tokens, 0 for a tenant never charged
     */
    public long tokens(String tenant) {
        Map<String, Long> m = byTenant.get(tenant);
        long sum = 0;
        if (m != null) {
            for (long t : m.values()) {
                sum = Spend.addTokens(sum, t);
            }
        }
        return sum;
    }

    /**
     * The cost of what a tenant was charged, at the ledger's prices.
     *
     * @param tenant the tenant
     * @return the cost, 0 for a tenant never charged
     */
    public double cost(String tenant) {
        Map<String, Long> m = byTenant.get(tenant);
        return m == null ? 0 : prices.cost(m);
    }

    /**
     * What a tenant was charged: tokens by resource, their total and their cost.
     *
     * @param tenant the tenant
     * @return the spend, {@link Spend#ZERO} for a tenant never charged
     */
    public Spend spend(String tenant) {
        Map<String, Long> m = byTenant.get(tenant);
        return m == null ? Spend.ZERO : Spend.of(m, prices);
    }

    /** {@return every tenant charged so far with its spend, sorted by name, as a new map} */
    public Map<String, Spend> all() {
        Map<String, Spend> out = new TreeMap<>();
        byTenant.forEach((t, m) -> out.put(t, Spend.of(m, prices)));
        return out;
    }
}
