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

    public static SimProfile of(Distribution duration) {
        return new SimProfile(duration, Duration.ofMillis(500), Duration.ofSeconds(1), 0, 0, 0, 1);
    }

    public SimProfile withSpawnDelay(Duration d) {
        return new SimProfile(duration, d, heartbeat, failRate, hangRate, crashRate, slowdown);
    }

    public SimProfile withFaults(double fail, double hang, double crash) {
        return new SimProfile(duration, spawnDelay, heartbeat, fail, hang, crash, slowdown);
    }

    public SimProfile withSlowdown(double factor) {
        return new SimProfile(duration, spawnDelay, heartbeat, failRate, hangRate, crashRate, factor);
    }

    public SimProfile withHeartbeat(Duration d) {
        return new SimProfile(duration, spawnDelay, d, failRate, hangRate, crashRate, slowdown);
    }

    private static void checkRate(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1 (got " + v + ")");
        }
    }
}
