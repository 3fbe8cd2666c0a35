package io.trinity.pool.budget;

/**
 * A spending cap in tokens and/or cost, for one task or one tenant. Either part may be
 * unlimited ({@link Long#MAX_VALUE} tokens, {@link Double#POSITIVE_INFINITY} cost); a budget
 * with both unlimited is {@link #NONE}.
 *
 * <p>Tokens are summed over every resource a task uses; cost is tokens priced per resource
 * (see {@code PoolConfig.Builder.price}). A task whose estimate would exceed a budget is not
 * started (it ends FAILED); a running task whose reported usage crosses one is cancelled.
 *
 * @param maxTokens tokens allowed, over all resources
 * @param maxCost   cost allowed, in the unit of the price table (dollars, say)
 */
public record Budget(long maxTokens, double maxCost) {

    /** No limit on tokens or cost. */
    public static final Budget NONE = new Budget(Long.MAX_VALUE, Double.POSITIVE_INFINITY);

    /**
     * Checks both parts.
     *
     * @param maxTokens tokens allowed, over all resources, {@code >= 0}; {@link Long#MAX_VALUE} for no limit
     * @param maxCost cost allowed, {@code >= 0}; {@link Double#POSITIVE_INFINITY} for no limit
     * @throws IllegalArgumentException if a part is negative (or the cost NaN)
     */
    public Budget {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("budget maxTokens must be >= 0 (got " + maxTokens
                    + "); use Budget.NONE for no limit");
        }
        if (Double.isNaN(maxCost) || maxCost < 0) {
            throw new IllegalArgumentException("budget maxCost must be >= 0 (got " + maxCost
                    + "); use Budget.NONE for no limit");
        }
    }

    /**
     * A cap on tokens, any cost.
     *
     * @param maxTokens tokens allowed, over all resources, {@code >= 0}
     * @return the budget
     */
    public static Budget tokens(long maxTokens) {
        return new Budget(maxTokens, Double.POSITIVE_INFINITY);
    }

    /**
     * A cap on cost, any number of tokens.
     *
     * @param maxCost cost allowed, in the unit of the price table, {@code >= 0}
     * @return the budget
     */
    public static Budget cost(double maxCost) {
        return new Budget(Long.MAX_VALUE, maxCost);
    }

    /** {@return whether tokens are capped} */
    public boolean limitsTokens() {
        return maxTokens != Long.MAX_VALUE;
    }

    /** {@return whether cost is capped} */
    public boolean limitsCost() {
        return maxCost != Double.POSITIVE_INFINITY;
    }

    /** {@return whether neither tokens nor cost are capped, like {@link #NONE}} */
    public boolean isNone() {
        return !limitsTokens() && !limitsCost();
    }

    /**
     * Which part of this budget a spend would break. A tiny tolerance keeps a sum of prices from failing on
     * rounding alone.
     *
     * @param tokens tokens spent (or that would be)
     * @param cost their cost
     * @return {@code "tokens"} or {@code "cost"} (tokens checked first), or null when both fit
     */
    public String exceededBy(long tokens, double cost) {
        if (tokens > maxTokens) {
            return "tokens";
        }
        if (cost > maxCost + 1e-9 * Math.max(1, maxCost)) {
            return "cost";
        }
        return null;
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "Budget[none]";
        }
        return "Budget[" + (limitsTokens() ? maxTokens + " tokens" : "")
                + (limitsTokens() && limitsCost() ? ", " : "") + (limitsCost() ? "cost " + maxCost : "") + "]";
    }
}
