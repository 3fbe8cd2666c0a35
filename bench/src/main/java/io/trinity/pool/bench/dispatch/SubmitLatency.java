package io.trinity.pool.bench.dispatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Submit-to-start latency with an idle pool: one task at a time, so the executor has nothing
 * queued and its workers are parked when the task arrives, which is the case a warm pool is
 * for. The submitter stamps {@code System.nanoTime()} just before submitting; the task body's
 * first act is to record the difference in an HdrHistogram. A pause after each task lets the
 * workers go back to sleep, so every sample pays the wake-up a real idle pool pays.
 *
 * <p>Targets are measured in rounds, interleaved, so slow drift of the machine affects them
 * alike; the report gives the median over rounds of each percentile.
 */
public final class SubmitLatency {

    /** Percentiles of one target over the rounds. */
    public record Result(String target, double[] p50Micros, double[] p99Micros) {
    }

    private final int warmup;
    private final int samples;
    private final long pauseNanos;

    public SubmitLatency(int warmup, int samples, long pauseNanos) {
        this.warmup = warmup;
        this.samples = samples;
        this.pauseNanos = pauseNanos;
    }

    public List<Result> run(List<String> targets, int rounds) {
        Map<String, double[][]> by = new LinkedHashMap<>();
        for (String t : targets) {
            by.put(t, new double[][] {new double[rounds], new double[rounds]});
        }
        for (int r = 0; r < rounds; r++) {
            for (String t : targets) {
                Histogram h = measure(t);
                by.get(t)[0][r] = h.getValueAtPercentile(50) / 1000.0;
                by.get(t)[1][r] = h.getValueAtPercentile(99) / 1000.0;
                System.out.printf("latency round %d %-24s p50 %8.1f us  p99 %8.1f us%n", r + 1, t,
                        by.get(t)[0][r], by.get(t)[1][r]);
            }
        }
        List<Result> out = new ArrayList<>();
        by.forEach((t, v) -> out.add(new Result(t, v[0], v[1])));
        return out;
    }

    private Histogram measure(String name) {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Semaphore done = new Semaphore(0);
        long[] submittedAt = new long[1];
        boolean[] recording = new boolean[1];
        // The body runs on another thread; the semaphore hand-off orders these plain fields.
        Runnable body = () -> {
            long started = System.nanoTime();
            if (recording[0]) {
                histogram.recordValue(Math.max(0, started - submittedAt[0]));
            }
            done.release();
        };
        settle();
        try (Target target = Target.create(name, body)) {
            for (int i = 0; i < warmup + samples; i++) {
                recording[0] = i >= warmup;
                submittedAt[0] = System.nanoTime();
                target.submit();
                done.acquireUninterruptibly();
                LockSupport.parkNanos(pauseNanos);
            }
        }
        return histogram;
    }

    /**
     * Lets the previous target's threads finish shutting down and collects its garbage before
     * the next one is measured: on two cores their leftovers otherwise land in the next p99.
     */
    private static void settle() {
        System.gc();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
}
