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
 * @param affinityDelayFactor  delay scheduling: a keyed task whose agent is busy waits for it up to this
 *                             many times the type's mean observed run time before it goes to another
 *                             agent; 0 turns waiting off
 * @param affinityMaxDelay     delay scheduling: the longest such wait, whatever the run times; also the
 *                             wait before any run time of the type is known; zero turns waiting off
 */
public record BalancerSettings(double affinityLoadFactor, Duration affinityTtl, int affinityMaxBindings,
                               int powerOfTwoThreshold, Duration skillHalfLife, double skillExploration,
                               double affinityDelayFactor, Duration affinityMaxDelay) {

    /** Default {@link #affinityDelayFactor()}: {@value}. */
    public static final double DEFAULT_AFFINITY_DELAY_FACTOR = 3.0;
    /** Default {@link #affinityMaxDelay()}: 5 seconds. */
    public static final Duration DEFAULT_AFFINITY_MAX_DELAY = Duration.ofSeconds(5);

    /**
     * The defaults: load factor 1.25, TTL 10 minutes, 10,000 bindings, power of two from 32 agents, skill
     * half-life 5 minutes, exploration 0.05, affinity delay 3 x the mean run time up to 5 seconds.
     */
    public static final BalancerSettings DEFAULTS = new BalancerSettings(1.25, Duration.ofMinutes(10), 10_000,
            32, Duration.ofMinutes(5), 0.05, DEFAULT_AFFINITY_DELAY_FACTOR, DEFAULT_AFFINITY_MAX_DELAY);

    /**
     * The settings with the default affinity delay ({@link #DEFAULT_AFFINITY_DELAY_FACTOR},
     * {@link #DEFAULT_AFFINITY_MAX_DELAY}).
     *
     * @param affinityLoadFactor c in "an agent takes at most c x the average load", finite and {@code >= 1}
     * @param affinityTtl a binding unused this long is forgotten, {@code > 0}
     * @param affinityMaxBindings at most this many bindings, {@code >= 1}
     * @param powerOfTwoThreshold least-loaded samples two agents once this many are eligible, {@code >= 2}
     * @param skillHalfLife skill observations lose half their weight after this long, {@code > 0}
     * @param skillExploration probability of trying a random agent instead of the best one, 0 to 0.5
     * @throws IllegalArgumentException naming the component and its value, if one is out of range
     */
    public BalancerSettings(double affinityLoadFactor, Duration affinityTtl, int affinityMaxBindings,
                            int powerOfTwoThreshold, Duration skillHalfLife, double skillExploration) {
        this(affinityLoadFactor, affinityTtl, affinityMaxBindings, powerOfTwoThreshold, skillHalfLife, skillExploration,
                DEFAULT_AFFINITY_DELAY_FACTOR, DEFAULT_AFFINITY_MAX_DELAY);
    }

    /**
     * A copy with another affinity delay.
     *
     * @param factor the new {@link #affinityDelayFactor()}, finite and {@code >= 0}
     * @param max the new {@link #affinityMaxDelay()}, {@code >= 0}
     * @return the copy
     * @throws IllegalArgumentException naming the component and its value, if one is out of range
     */
    public BalancerSettings withAffinityDelay(double factor, Duration max) {
        return new BalancerSettings(affinityLoadFactor, affinityTtl, affinityMaxBindings, powerOfTwoThreshold,
                skillHalfLife, skillExploration, factor, max);
    }

    /**
     * Checks every component.
     *
     * @param affinityLoadFactor c in "an agent takes at most c x the average load", finite and {@code >= 1}
     * @param affinityTtl a binding unused this long is forgotten, {@code > 0}
     * @param affinityMaxBindings at most this many bindings, {@code >= 1}; least recently used go first
     * @param powerOfTwoThreshold least-loaded samples two agents once this many are eligible, {@code >= 2}
     * @param skillHalfLife skill observations lose half their weight after this long, {@code > 0}
     * @param skillExploration probability of trying a random agent instead of the best one, 0 to 0.5
     * @param affinityDelayFactor the affinity wait in mean run times of the type, finite and {@code >= 0}
     * @param affinityMaxDelay the longest affinity wait, {@code >= 0}
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
        if (!(affinityDelayFactor >= 0) || Double.isInfinite(affinityDelayFactor)) {
            throw new IllegalArgumentException("affinityDelayFactor must be a finite number >= 0 (got "
                    + affinityDelayFactor + "); 0 turns affinity waiting off");
        }
        if (affinityMaxDelay == null || affinityMaxDelay.isNegative()) {
            throw new IllegalArgumentException("affinityMaxDelay must be >= 0 (got " + affinityMaxDelay
                    + "); 0 turns affinity waiting off");
        }
    }
}
