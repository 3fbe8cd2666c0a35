package io.trinity.pool.bench.report;

import java.util.Arrays;

/** Exact order statistics over small samples (iteration scores, per-run percentiles). */
public final class Stats {

    private Stats() {
    }

    /** The median; for an even count, the mean of the two middle values. */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /** Nearest-rank percentile (p in 0..100) of already sorted values; 0 for no values. */
    public static long percentileSorted(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Half the spread between min and max, relative to the median: a plain noise measure. */
    public static double relativeHalfRange(double[] values) {
        double min = Arrays.stream(values).min().orElse(0);
        double max = Arrays.stream(values).max().orElse(0);
        double med = median(values);
        return med == 0 ? 0 : (max - min) / 2 / med;
    }
}
