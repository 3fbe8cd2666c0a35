package io.trinity.pool.bench.sched;

import io.trinity.pool.sim.Distribution;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded job lists: Poisson arrivals at a given load, durations from a distribution. */
final class Jobs {

    private Jobs() {
    }

    /**
     * {@code n} jobs whose arrival rate is {@code load} times what {@code slots} normal-speed
     * slots can serve (using the sample mean of the drawn durations, so the offered load is
     * exact for this draw). Skills alternate at random between {@code skills}; with
     * {@code keys > 0}, each job gets one of that many affinity keys, Zipf(1) by popularity;
     * with {@code keys < 0}, one of {@code -keys} keys, all equally popular.
     */
    static List<Job> generate(long seed, int n, Distribution durations, double load, int slots, List<String> skills,
                              int keys) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] base = new long[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            base[i] = durations.sampleNanos(r);
            sum += base[i];
        }
        double meanNanos = sum / n;
        double rate = load * slots / meanNanos; // jobs per nanosecond
        double[] zipf = keys > 0 ? zipfCdf(keys) : null;
        int uniformKeys = Math.max(0, -keys);
        List<Job> jobs = new ArrayList<>(n);
        double t = 0;
        for (int i = 0; i < n; i++) {
            t += -Math.log(1 - r.nextDouble()) / rate;
            String skill = skills.get(r.nextInt(skills.size()));
            String key = zipf != null ? "key-" + pick(zipf, r.nextDouble())
                    : uniformKeys > 0 ? "key-" + r.nextInt(uniformKeys) : null;
            jobs.add(new Job((long) t, base[i], skill, key));
        }
        return jobs;
    }

    private static double[] zipfCdf(int keys) {
        double[] cdf = new double[keys];
        double total = 0;
        for (int k = 0; k < keys; k++) {
            total += 1.0 / (k + 1);
            cdf[k] = total;
        }
        for (int k = 0; k < keys; k++) {
            cdf[k] /= total;
        }
        return cdf;
    }

    private static int pick(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
