package io.trinity.pool.budget;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a tenant (or task) has used so far: tokens by resource, their total, and their cost at
 * the pool's prices. Tokens are exact sums of what agents reported; cost is derived from them
 * (never accumulated), so it does not depend on the order tasks finished in.
 *
 * @param tokens           tokens over all resources
 * @param cost             tokens priced per resource
 * @param tokensByResource tokens per resource key, sorted by key
 */
public record Spend(long tokens, double cost, Map<String, Long> tokensByResource) {

    /** Nothing spent. */
    public static final Spend ZERO = new Spend(0, 0, Map.of());

    /**
     * Copies the tokens by resource, sorted by key and immutable.
     *
     * @param tokens tokens over all resources
     * @param cost tokens priced per resource
     * @param tokensByResource tokens per resource key
     */
    public Spend {
        tokensByResource = java.util.Collections.unmodifiableMap(new TreeMap<>(tokensByResource));
    }

    /**
     * Adds two token counts, saturating at {@link Long#MAX_VALUE} (and {@link Long#MIN_VALUE})
     * instead of wrapping: a sum that large is over every budget that limits tokens, so a budget
     * check on a saturated sum still refuses, where a wrapped, negative one would let work through.
     *
     * @param a a token count
     * @param b another
     * @return {@code a + b}, or the bound it passed
     */
    public static long addTokens(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) { // both operands' sign differs from the sum's: it wrapped
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /**
     * The spend of some tokens, totalled and priced.
     *
     * @param tokensByResource tokens per resource key
     * @param prices the price table
     * @return the spend
     */
    public static Spend of(Map<String, Long> tokensByResource, Prices prices) {
        long total = 0;
        for (long t : tokensByResource.values()) {
            total = addTokens(total, t);
        }
        return new Spend(total, prices.cost(tokensByResource), tokensByResource);
    }
}
