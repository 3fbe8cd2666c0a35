package io.trinity.pool.bench.autoscale;

import io.trinity.pool.sim.Distribution;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * A seeded workload that every auto-scaler replays identically: arrival times (a
 * non-homogeneous Poisson process drawn by thinning) and each task's duration in whole
 * milliseconds (the resolution {@code SimulatedAgent}'s {@code duration_ms} input takes).
 *
 * @param arrivals  nanoseconds from the start, ascending
 * @param durations milliseconds
 */
record Workload(String name, String description, long[] arrivals, long[] durations, long lengthNanos) {

    static final Duration LENGTH = Duration.ofHours(6);
    /** Task durations of every workload: lognormal, median 2 s, σ 0.6 (mean about 2.4 s). */
    static final Distribution DURATIONS = Distribution.lognormal(Duration.ofSeconds(2), 0.6);

    static Workload steady(long seed) {
        return generate("steady", "5 tasks/s all the time", seed, t -> 5.0, 5.0);
    }

    /** One compressed day over the 6 hours: 1 task/s at night to 9 tasks/s at noon. */
    static Workload diurnal(long seed) {
        double period = LENGTH.toNanos() / 1e9;
        return generate("diurnal", "1 → 9 → 1 tasks/s, a sine over the 6 h (one compressed day)", seed,
                t -> 1 + 8 * (1 - Math.cos(2 * Math.PI * t / period)) / 2, 9.0);
    }

    /** 2 tasks/s, with a sudden 10× burst (20 tasks/s) for 5 minutes every 45 minutes. */
    static Workload spiky(long seed) {
        return generate("spiky", "2 tasks/s with 5-minute bursts of 20 tasks/s (10×) every 45 min", seed,
                t -> (t % 2700) >= 1800 && (t % 2700) < 2100 ? 20.0 : 2.0, 20.0);
    }

    private static Workload generate(String name, String description, long seed, DoubleUnaryOperator ratePerSecond,
                                     double maxRate) {
        SplittableRandom r = new SplittableRandom(seed);
        double end = LENGTH.toNanos() / 1e9;
        long[] arrivals = new long[1024];
        long[] durations = new long[1024];
        int n = 0;
        double t = 0;
        while (true) {
            t += -Math.log(1 - r.nextDouble()) / maxRate;
            if (t >= end) {
                break;
            }
            if (r.nextDouble() * maxRate > ratePerSecond.applyAsDouble(t)) {
                continue; // thinned out: the rate here is below the envelope
            }
            if (n == arrivals.length) {
                arrivals = java.util.Arrays.copyOf(arrivals, n * 2);
                durations = java.util.Arrays.copyOf(durations, n * 2);
            }
            arrivals[n] = (long) (t * 1e9);
            durations[n] = Math.max(1, Math.round(DURATIONS.sampleNanos(r) / 1e6));
            n++;
        }
        return new Workload(name, description, java.util.Arrays.copyOf(arrivals, n),
                java.util.Arrays.copyOf(durations, n), LENGTH.toNanos());
    }

    int size() {
        return arrivals.length;
    }
}
