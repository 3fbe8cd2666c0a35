package io.trinity.pool.cli;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * Percentiles of a stream of waits in bounded memory. The first {@link #EXACT_LIMIT} values
 * are kept as they are, so the figures of an ordinary trace are exact (nearest rank); past
 * that they move into an HdrHistogram of microseconds at 3 significant digits (0.1% error,
 * like the summary's latency), so a million-task run costs a few kilobytes instead of a list
 * of every wait.
 */
final class WaitPercentiles {

    static final int EXACT_LIMIT = 100_000;

    private long[] exact = new long[64];
    private int size;
    private Histogram histogram;

    /** Records a wait in nanoseconds (negative counts as 0). */
    void record(long nanos) {
        long v = Math.max(0, nanos);
        if (histogram != null) {
            histogram.recordValue(v / 1_000);
            return;
        }
        if (size == EXACT_LIMIT) {
            histogram = new Histogram(3);
            for (int i = 0; i < size; i++) {
                histogram.recordValue(exact[i] / 1_000);
            }
            exact = null;
            histogram.recordValue(v / 1_000);
            return;
        }
        if (size == exact.length) {
            exact = Arrays.copyOf(exact, Math.min(EXACT_LIMIT, size * 2));
        }
        exact[size++] = v;
    }

    long count() {
        return histogram != null ? histogram.getTotalCount() : size;
    }

    /** The nearest-rank percentile {@code p} (0 to 100) in milliseconds; 0 when nothing was recorded. */
    double percentileMs(double p) {
        if (histogram != null) {
            return histogram.getValueAtPercentile(p) / 1_000.0;
        }
        if (size == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(exact, size);
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(p / 100 * size) - 1)] / 1e6;
    }
}
