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

    public static final Budget NONE = new Budget(Long.MAX_VALUE, Double.POSITIVE_INFINITY);

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

    /** At most {@code maxTokens} tokens, any cost. */
    public static Budget tokens(long maxTokens) {
        return new Budget(maxTokens, Double.POSITIVE_INFINITY);
    }

    /** At most {@code maxCost}, any number of tokens. */
    public static Budget cost(double maxCost) {
        return new Budget(Long.MAX_VALUE, maxCost);
    }

    public boolean limitsTokens() {
        return maxTokens != Long.MAX_VALUE;
    }

    public boolean limitsCost() {
        return maxCost != Double.POSITIVE_INFINITY;
    }

    public boolean isNone() {
        return !limitsTokens() && !limitsCost();
    }

    /**
     * Which part of this budget {@code tokens} and {@code cost} would break: {@code "tokens"},
     * {@code "cost"}, or null when both fit. A tiny tolerance keeps a sum of prices from failing
     * on rounding alone.
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
