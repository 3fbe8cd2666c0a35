/**
 * Spending caps and spend accounting, in tokens and cost.
 *
 * <p>A {@link io.trinity.pool.budget.Budget} caps tokens and/or cost for one task or one tenant;
 * {@link io.trinity.pool.budget.Prices} turn tokens of each resource into cost; the
 * {@link io.trinity.pool.budget.Ledger} charges every ended attempt's reported usage to its
 * tenant, and {@link io.trinity.pool.budget.Spend} is what a tenant has used so far. A task
 * whose estimate would break a budget is not started (it ends FAILED); a running one whose
 * reported usage crosses it is cancelled. Tokens are exact sums; cost is derived from them, so
 * it does not depend on the order tasks finished in.
 */
package io.trinity.pool.budget;
