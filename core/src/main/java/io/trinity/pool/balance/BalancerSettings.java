package io.trinity.pool.balance;

import java.time.Duration;

/**
 * Tunables of the built-in balancers, part of the pool config.
 *
 * @param affinityLoadFactor   c in "an agent takes at most c x the average load" (>= 1)
 * @param affinityTtl          a binding unused this long is forgotten
 * @param affinityMaxBindings  at most this many bindings; least recently used go first
 * @param powerOfTwoThreshold  least-loaded samples two agents once this many are eligible
 * @param skillHalfLife        skill observations lose half their weight after this long
 * @param skillExploration     probability of trying a random agent instead of the best one
 */
public record BalancerSettings(double affinityLoadFactor, Duration affinityTtl, int affinityMaxBindings,
                               int powerOfTwoThreshold, Duration skillHalfLife, double skillExploration) {

    /**
     * The defaults: load factor 1.25, TTL 10 minutes, 10,000 bindings, power of two from 32 agents, skill
     * half-life 5 minutes, exploration 0.05.
     */
    public static final BalancerSettings DEFAULTS = new BalancerSettings(1.25, Duration.ofMinutes(10), 10_000,
            32, Duration.ofMinutes(5), 0.05);

    /**
     * Checks every component.
     *
     * @param affinityLoadFactor c in "an agent takes at most c x the average load", finite and {@code >= 1}
     * @param affinityTtl a binding unused this long is forgotten, {@code > 0}
     * @param affinityMaxBindings at most this many bindings, {@code >= 1}; least recently used go first
     * @param powerOfTwoThreshold least-loaded samples two agents once this many are eligible, {@code >= 2}
     * @param skillHalfLife skill observations lose half their weight after this long, {@code > 0}
     * @param skillExploration probability of trying a random agent instead of the best one, 0 to 0.5
     * @throws IllegalArgumentException naming the component and its value, if one is out of range
     */
    public BalancerSettings {
        if (!(affinityLoadFactor >= 1.0) || Double.isInfinite(affinityLoadFactor)) {
            throw new IllegalArgumentException("affinityLoadFactor must be >= 1 (got " + affinityLoadFactor + ")");
        }
        if (affinityTtl == null || affinityTtl.isNegative() || affinityTtl.isZero()) {
            throw new IllegalArgumentException("affinityTtl must be > 0 (got " + affinityTtl + ")");
        }
        if (affinityMaxBindings < 1) {
            throw new IllegalArgumentException("affinityMaxBindings must be >= 1 (got " + affinityMaxBindings + ")");
        }
        if (powerOfTwoThreshold < 2) {
            throw new IllegalArgumentException("powerOfTwoThreshold must be >= 2 (got " + powerOfTwoThreshold + ")");
        }
        if (skillHalfLife == null || skillHalfLife.isNegative() || skillHalfLife.isZero()) {
            throw new IllegalArgumentException("skillHalfLife must be > 0 (got " + skillHalfLife + ")");
        }
        if (!(skillExploration >= 0 && skillExploration <= 0.5)) {
            throw new IllegalArgumentException("skillExploration must be between 0 and 0.5 (got " + skillExploration + ")");
        }
    }
}
