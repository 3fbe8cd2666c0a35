package io.trinity.pool.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How simulated agents behave.
 *
 * @param duration    task durations when a task does not give {@code duration_ms} itself
 * @param spawnDelay  the cold start
 * @param heartbeat   how often a running task reports progress
 * @param failRate    probability an attempt throws (a retryable task failure)
 * @param hangRate    probability an attempt goes silent and never returns
 * @param crashRate   probability the agent breaks during an attempt (it is replaced)
 * @param slowdown    factor applied to every duration (3.0 = a three times slower agent)
 */
public record SimProfile(Distribution duration, Duration spawnDelay, Duration heartbeat,
                         double failRate, double hangRate, double crashRate, double slowdown) {

    /**
     * Checks every component.
     *
     * @param duration task durations when a task does not give {@code duration_ms} itself, not null
     * @param spawnDelay the cold start, {@code >= 0}
     * @param heartbeat how often a running task reports progress, {@code > 0}
     * @param failRate probability an attempt throws (a retryable task failure), 0 to 1
     * @param hangRate probability an attempt goes silent and never returns, 0 to 1
     * @param crashRate probability the agent breaks during an attempt (it is replaced), 0 to 1
     * @param slowdown factor applied to every duration, {@code > 0}
     * @throws IllegalArgumentException naming the component and its value, if one is out of range or the
     *     three rates add up to more than 1
     */
    public SimProfile {
        Objects.requireNonNull(duration, "duration");
        if (spawnDelay == null || spawnDelay.isNegative()) {
            throw new IllegalArgumentException("spawnDelay must be >= 0 (got " + spawnDelay + ")");
        }
        if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be > 0 (got " + heartbeat + ")");
        }
        checkRate("failRate", failRate);
        checkRate("hangRate", hangRate);
        checkRate("crashRate", crashRate);
        if (failRate + hangRate + crashRate > 1) {
            throw new IllegalArgumentException("failRate + hangRate + crashRate must be <= 1 (got "
                    + (failRate + hangRate + crashRate) + ")");
        }
        if (!(slowdown > 0)) {
            throw new IllegalArgumentException("slowdown must be > 0 (got " + slowdown + ")");
        }
    }

    /**
     * Well-behaved agents: a 500 ms cold start, a heartbeat every second, no faults, no slowdown.
     *
     * @param duration task durations
     * @return the profile
     */
    public static SimProfile of(Distribution duration) {
        return new SimProfile(duration, Duration.ofMillis(500), Duration.ofSeconds(1), 0, 0, 0, 1);
    }

    /**
     * A copy with another cold start.
     *
     * @param d the cold start, {@code >= 0}
     * @return the changed copy
     */
    public SimProfile withSpawnDelay(Duration d) {
        return new SimProfile(duration, d, heartbeat, failRate, hangRate, crashRate, slowdown);
    }

    /**
     * A copy with fault probabilities per attempt.
     *
     * @param fail probability an attempt throws, 0 to 1
     * @param hang probability an attempt goes silent, 0 to 1
     * @param crash probability the agent breaks, 0 to 1; the three add up to at most 1
     * @return the changed copy
     */
    public SimProfile withFaults(double fail, double hang, double crash) {
        return new SimProfile(duration, spawnDelay, heartbeat, fail, hang, crash, slowdown);
    }

    /**
     * A copy whose durations are multiplied by a factor (3.0 = a three times slower agent).
     *
     * @param factor the factor, {@code > 0}
     * @return the changed copy
     */
    public SimProfile withSlowdown(double factor) {
        return new SimProfile(duration, spawnDelay, heartbeat, failRate, hangRate, crashRate, factor);
    }

    /**
     * A copy that reports progress at another interval.
     *
     * @param d the interval, {@code > 0}
     * @return the changed copy
     */
    public SimProfile withHeartbeat(Duration d) {
        return new SimProfile(duration, spawnDelay, d, failRate, hangRate, crashRate, slowdown);
    }

    private static void checkRate(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1 (got " + v + ")");
        }
    }
}
