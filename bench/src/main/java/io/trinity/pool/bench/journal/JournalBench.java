package io.trinity.pool.bench.journal;

import io.trinity.pool.Task;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalRecord.Accepted;
import io.trinity.pool.journal.jdbc.JdbcJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The three measurements of one journal, each on a fresh journal so earlier rows do not slow
 * later ones:
 * <ol>
 *   <li><b>raw</b>: one producer hands over batches of 1,000 {@code Accepted} records with at
 *       most 64 batches in flight; records/s until the last is durable;</li>
 *   <li><b>submitters</b>: N threads each write one {@code Accepted} and wait for it to be
 *       durable before the next, as {@code submit} waits; tasks/s, and how many tasks share a
 *       commit (group commit at work);</li>
 *   <li><b>paced</b>: one {@code Accepted} per write at a fixed 1,000 writes/s; the time from
 *       {@code write()} to its future completing, in an HdrHistogram. The schedule does not wait
 *       for completions ({@code write} never blocks), so a slow commit shows as latency of the
 *       writes that queue behind it rather than hiding (no coordinated omission).</li>
 * </ol>
 */
final class JournalBench {

    record Raw(long records, double seconds, long commits) {
        double perSecond() {
            return records / seconds;
        }
    }

    record Submitters(int threads, long tasks, double seconds, long commits) {
        double perSecond() {
            return tasks / seconds;
        }

        double perCommit() {
            return commits == 0 ? 0 : tasks / (double) commits;
        }
    }

    record Paced(int rate, long writes, double p50Micros, double p99Micros, double p999Micros, double maxMicros,
                 long commits) {
    }

    private final JournalTarget target;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Object> task = Task.builder("noop").input(Map.of("n", 1)).build().toPlainData();

    JournalBench(JournalTarget target) {
        this.target = target;
    }

    private Accepted accepted() {
        return new Accepted(ids.incrementAndGet(), task, "default", null, System.currentTimeMillis());
    }

    Raw raw(long records) throws Exception {
        try (JdbcJournal j = target.open()) {
            int batch = 1_000;
            ConcurrentLinkedQueue<CompletableFuture<Void>> inFlight = new ConcurrentLinkedQueue<>();
            long start = System.nanoTime();
            for (long done = 0; done < records; done += batch) {
                List<JournalRecord> rs = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    rs.add(accepted());
                }
                inFlight.add(j.write(rs));
                while (inFlight.size() >= 64) {
                    inFlight.poll().get(60, TimeUnit.SECONDS);
                }
            }
            for (CompletableFuture<Void> f : inFlight) {
                f.get(60, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Raw(records, seconds, j.commits());
        }
    }

    Submitters submitters(int threads, double seconds) throws Exception {
        try (JdbcJournal j = target.open()) {
            AtomicLong tasks = new AtomicLong();
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().daemon().start(() -> {
                    try {
                        go.await();
                        while (System.nanoTime() < deadline) {
                            j.write(List.of(accepted())).get(60, TimeUnit.SECONDS);
                            tasks.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            long commitsBefore = j.commits();
            long start = System.nanoTime();
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
            double took = (System.nanoTime() - start) / 1e9;
            return new Submitters(threads, tasks.get(), took, j.commits() - commitsBefore);
        }
    }

    Paced paced(int rate, double warmupSeconds, double seconds) throws Exception {
        try (JdbcJournal j = target.open()) {
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long interval = 1_000_000_000L / rate;
            long warm = (long) (warmupSeconds * rate);
            long total = warm + (long) (seconds * rate);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            long commitsAtStart = 0;
            long next = System.nanoTime();
            for (long i = 0; i < total; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (i == warm) {
                    commitsAtStart = j.commits();
                }
                boolean record = i >= warm;
                long sent = System.nanoTime();
                // Completions arrive on the journal's one completion thread, so h has one writer.
                all.add(j.write(List.of(accepted())).whenComplete((v, e) -> {
                    if (record && e == null) {
                        h.recordValue(System.nanoTime() - sent);
                    }
                }));
                next += interval;
            }
            for (CompletableFuture<Void> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
            return new Paced(rate, h.getTotalCount(), h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3,
                    j.commits() - commitsAtStart);
        }
    }
}
