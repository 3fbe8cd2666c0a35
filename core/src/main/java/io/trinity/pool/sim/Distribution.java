package io.trinity.pool.sim;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * A seeded source of durations for simulated work: the same random generator state gives the same durations,
 * so a run replays. Implementations must be stateless; the randomness comes in.
 */
@FunctionalInterface
public interface Distribution {

    /**
     * Draws one duration.
     *
     * @param random the source of randomness, seeded by the caller
     * @return the duration, in nanoseconds, {@code >= 1}
     */
    long sampleNanos(RandomGenerator random);

    /**
     * Always the same duration.
     *
     * @param d the duration, {@code > 0}
     * @return the distribution
     */
    static Distribution fixed(Duration d) {
        long n = requirePositive("fixed", d);
        return r -> n;
    }

    /**
     * Uniform between two durations, both included.
     *
     * @param min the shortest, {@code > 0}
     * @param max the longest, {@code >= min}
     * @return the distribution
     */
    static Distribution uniform(Duration min, Duration max) {
        long lo = requirePositive("uniform min", min);
        long hi = requirePositive("uniform max", max);
        if (hi < lo) {
            throw new IllegalArgumentException("uniform: max must be >= min (got min=" + min + ", max=" + max + ")");
        }
        return r -> lo + (hi == lo ? 0 : r.nextLong(hi - lo + 1));
    }

    /**
     * Exponential with the given mean: memoryless, like independent arrivals.
     *
     * @param mean the mean, {@code > 0}
     * @return the distribution
     */
    static Distribution exponential(Duration mean) {
        long m = requirePositive("exponential mean", mean);
        return r -> Math.max(1, (long) (-Math.log(1 - r.nextDouble()) * m));
    }

    /**
     * Lognormal with the given median and shape: 1.0 is heavy-tailed, p99 about 10x the median.
     *
     * @param median the median, {@code > 0}
     * @param sigma the standard deviation of the logarithm, {@code > 0}
     * @return the distribution
     */
    static Distribution lognormal(Duration median, double sigma) {
        long m = requirePositive("lognormal median", median);
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("lognormal sigma must be > 0 (got " + sigma + ")");
        }
        return r -> Math.max(1, (long) (m * Math.exp(sigma * r.nextGaussian())));
    }

    /**
     * Pareto with the given minimum and tail index; samples are capped at 10^15 ns (about 11 days).
     *
     * @param min the shortest, {@code > 0}
     * @param alpha the tail index, {@code > 0}; smaller is heavier, 1.5 is typical
     * @return the distribution
     */
    static Distribution pareto(Duration min, double alpha) {
        long m = requirePositive("pareto min", min);
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("pareto alpha must be > 0 (got " + alpha + ")");
        }
        return r -> Math.max(1, (long) Math.min(m * Math.pow(1 - r.nextDouble(), -1 / alpha), 1e15));
    }

    private static long requirePositive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0 (got " + d + ")");
        }
        return d.toNanos();
    }
}
