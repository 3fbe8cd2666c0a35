package io.trinity.pool.balance;

/**
 * How one attempt ended, as a balancer learns it.
 *
 * @param success      true if the attempt succeeded
 * @param latencyNanos time from start to end of the attempt
 * @param quality      the quality score the agent reported in 0..1, or NaN when none
 */
public record Outcome(boolean success, long latencyNanos, double quality) {
    /** {@return whether the agent reported a quality score} */
    public boolean hasQuality() {
        return !Double.isNaN(quality);
    }
}
