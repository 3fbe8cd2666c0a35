package io.trinity.pool.tenant;

import io.trinity.pool.budget.Budget;
import java.util.Objects;

/**
 * How the pool treats one tenant. Register with {@code PoolConfig.Builder.tenant}; a tenant
 * nobody configured gets {@link #of(String)}: weight 1, no limits, no budget.
 *
 * <h2>Tuning guide</h2>
 * <ul>
 *   <li><b>weight</b>: the tenant's share of each agent type's capacity while several tenants
 *       have work queued for it. Shares are in proportion to weights (3 and 1 give 75% and
 *       25%); a tenant that needs less than its share leaves the rest to the others.</li>
 *   <li><b>maxQueued</b>: tasks of this tenant waiting in the queue. Past it, {@code submit}
 *       throws {@link io.trinity.pool.TenantLimitException} at once, while other tenants keep
 *       being accepted. It bounds how much of the pool's queue one tenant can fill.</li>
 *   <li><b>maxRunning</b>: tasks of this tenant running at once, over all agent types. Its
 *       further tasks wait in the queue without holding anyone else back.</li>
 *   <li><b>budget</b>: tokens and/or cost the tenant may spend over the pool's life.</li>
 * </ul>
 *
 * @param name       the tenant, as tasks name it
 * @param weight     share weight, > 0
 * @param maxQueued  most tasks queued at once, or {@link #UNLIMITED}
 * @param maxRunning most tasks running at once, or {@link #UNLIMITED}
 * @param budget     spending cap, or {@link Budget#NONE}
 */
public record TenantConfig(String name, double weight, int maxQueued, int maxRunning, Budget budget) {

    /** No limit on queued or running tasks: {@link Integer#MAX_VALUE}. */
    public static final int UNLIMITED = Integer.MAX_VALUE;
    /** The weight of a tenant nobody configured: {@value}. */
    public static final double DEFAULT_WEIGHT = 1.0;

    /**
     * Checks every component.
     *
     * @param name the tenant, as tasks name it, not blank
     * @param weight share weight, finite and {@code > 0}
     * @param maxQueued most tasks queued at once, {@code >= 1}, or {@link #UNLIMITED}
     * @param maxRunning most tasks running at once, {@code >= 1}, or {@link #UNLIMITED}
     * @param budget spending cap, not null; {@link Budget#NONE} for none
     * @throws IllegalArgumentException naming the tenant, the component and its value, if one is out of range
     */
    public TenantConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tenant name must be non-blank (got "
                    + (name == null ? "null" : "'" + name + "'") + ")");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight of tenant '" + name + "' must be a finite number > 0 (got "
                    + weight + ")");
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued of tenant '" + name + "' must be >= 1 (got " + maxQueued
                    + "); use TenantConfig.UNLIMITED for no limit");
        }
        if (maxRunning < 1) {
            throw new IllegalArgumentException("maxRunning of tenant '" + name + "' must be >= 1 (got " + maxRunning
                    + "); use TenantConfig.UNLIMITED for no limit");
        }
        Objects.requireNonNull(budget, () -> "budget of tenant '" + name + "' (use Budget.NONE for none)");
    }

    /**
     * A tenant with weight 1, no limits and no budget; start here and add the rest with the {@code with...}
     * methods.
     *
     * @param name the tenant, not blank
     * @return the settings
     */
    public static TenantConfig of(String name) {
        return new TenantConfig(name, DEFAULT_WEIGHT, UNLIMITED, UNLIMITED, Budget.NONE);
    }

    /**
     * A copy with another share weight.
     *
     * @param w the weight, finite and {@code > 0}
     * @return the changed copy
     */
    public TenantConfig withWeight(double w) {
        return new TenantConfig(name, w, maxQueued, maxRunning, budget);
    }

    /**
     * A copy that may have at most {@code n} tasks queued.
     *
     * @param n tasks, {@code >= 1}, or {@link #UNLIMITED}
     * @return the changed copy
     */
    public TenantConfig withMaxQueued(int n) {
        return new TenantConfig(name, weight, n, maxRunning, budget);
    }

    /**
     * A copy that may have at most {@code n} tasks running, over all agent types.
     *
     * @param n tasks, {@code >= 1}, or {@link #UNLIMITED}
     * @return the changed copy
     */
    public TenantConfig withMaxRunning(int n) {
        return new TenantConfig(name, weight, maxQueued, n, budget);
    }

    /**
     * A copy with a spending cap over the pool's life.
     *
     * @param b the budget, not null; {@link Budget#NONE} for none
     * @return the changed copy
     */
    public TenantConfig withBudget(Budget b) {
        return new TenantConfig(name, weight, maxQueued, maxRunning, b);
    }

    /** {@return whether queued tasks are capped} */
    public boolean limitsQueued() {
        return maxQueued != UNLIMITED;
    }

    /** {@return whether running tasks are capped} */
    public boolean limitsRunning() {
        return maxRunning != UNLIMITED;
    }
}
