package io.trinity.pool.budget;

import java.util.Map;
import java.util.TreeMap;

/**
 * The price table: cost per 1,000 tokens of each resource. A resource without a price costs
 * nothing (its tokens still count against token budgets). Immutable.
 */
public final class Prices {

    /** An empty price table: everything costs nothing. */
    public static final Prices NONE = new Prices(Map.of());

    private final Map<String, Double> per1k;

    /**
     * A price table.
     *
     * @param per1kTokens the price of 1,000 tokens by resource key, each finite and {@code >= 0}; copied
     * @throws IllegalArgumentException naming the resource, if a price is negative or not finite
     */
    public Prices(Map<String, Double> per1kTokens) {
        for (Map.Entry<String, Double> e : per1kTokens.entrySet()) {
            double p = e.getValue();
            if (Double.isNaN(p) || Double.isInfinite(p) || p < 0) {
                throw new IllegalArgumentException("price of resource '" + e.getKey()
                        + "' must be a finite number >= 0 per 1000 tokens (got " + p + ")");
            }
        }
        this.per1k = Map.copyOf(per1kTokens);
    }

    /**
     * The price of 1,000 tokens of a resource.
     *
     * @param resource the resource key
     * @return the price, 0 when it has none
     */
    public double per1k(String resource) {
        return per1k.getOrDefault(resource, 0.0);
    }

    /**
     * The cost of some tokens of one resource.
     *
     * @param resource the resource key
     * @param tokens the tokens
     * @return {@code tokens * per1k(resource) / 1000}
     */
    public double cost(String resource, long tokens) {
        return tokens * per1k(resource) / 1000.0;
    }

    /**
     * The cost of tokens by resource, summed in key order so the result does not depend on map order.
     *
     * @param tokensByResource tokens by resource key
     * @return the total cost
     */
    public double cost(Map<String, Long> tokensByResource) {
        double sum = 0;
        for (Map.Entry<String, Long> e : new TreeMap<>(tokensByResource).entrySet()) {
            sum += cost(e.getKey(), e.getValue());
        }
        return sum;
    }

    /** {@return the price of 1,000 tokens by resource key, immutable} */
    public Map<String, Double> asMap() {
        return per1k;
    }

    @Override
    public String toString() {
        return "Prices" + new TreeMap<>(per1k);
    }
}
