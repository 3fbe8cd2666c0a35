package io.trinity.pool.bench.journal;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.bench.dispatch.Warmup;
import io.trinity.pool.journal.jdbc.JdbcJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * The journal measured end to end, through the public API of a real pool: 16 warm agents of one
 * type whose agent returns {@link Payload#EMPTY} at once, with the journal of {@code target} (a
 * fresh, empty one per measurement, owned and closed by the pool) or none ({@code target == null},
 * the in-memory baseline). Every figure counts a task only once its result future completed,
 * which with a journal means its final record is durable.
 * <ol>
 *   <li><b>throughput</b>: N threads submit as fast as {@code submit} lets them (with a journal it
 *       returns once the task's Accepted record is durable) for a fixed time, at most
 *       {@link #WINDOW} tasks unfinished at once so the in-memory baseline cannot overrun the
 *       queue; tasks/s = tasks submitted / (time until the last of them completed).</li>
 *   <li><b>paced</b>: a schedule thread releases one submit every 1/rate s to a set of
 *       {@link #CLIENTS} client threads (as a server's request threads would call
 *       {@code submit}), never waiting for earlier submits, so a slow group commit shows as
 *       latency of the submits behind it rather than thinning the schedule. Recorded: the
 *       {@code submit()} call itself, the same measured from its scheduled time (adds any wait
 *       for a free client thread), and submit to result.</li>
 * </ol>
 */
final class PoolRun {

    /** Agents in the pool, all spawned before measuring and held warm. */
    static final int AGENTS = 16;
    /** Unfinished tasks at most in the throughput runs; below {@link #QUEUE}, so nothing is refused. */
    static final int WINDOW = 4_096;
    static final int QUEUE = 8_192;
    /** Client threads of the paced run: more than a slow commit's worth of submits at 1,000/s. */
    static final int CLIENTS = 64;

    record Throughput(int threads, long tasks, double seconds, long failed, long commits, long records) {
        double perSecond() {
            return tasks / seconds;
        }

        double tasksPerCommit() {
            return commits == 0 ? 0 : tasks / (double) commits;
        }
    }

    record Latency(long p50, long p99, long p999, long max) {
        static Latency of(Histogram h) {
            return new Latency(h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue());
        }
    }

    /**
     * {@code acceptedWrite}: the journal write each submit waits for, write() to durable;
     * {@code loopWrite}: the control loop's per-batch writes, which results wait for (both zero
     * without a journal).
     */
    record Paced(int rate, long tasks, long failed, Latency call, Latency scheduled, Latency result, long commits,
                 double seconds, Latency acceptedWrite, Latency loopWrite, double recordsPerLoopWrite) {
    }

    private static final Task NOOP = Task.builder("noop").build();

    private final JournalTarget target;

    /** @param target the journal under test, or null for the pool without a journal */
    PoolRun(JournalTarget target) {
        this.target = target;
    }

    private record Opened(AgentPool pool, JdbcJournal journal, TimedJournal timed) {
        long commits() {
            return journal == null ? 0 : journal.commits();
        }

        long records() {
            return journal == null ? 0 : journal.recordsWritten();
        }

        void close() {
            pool.shutdown(Duration.ofSeconds(30)).join();
        }
    }

    private Opened open() {
        PoolConfig config = PoolConfig.custom().maxAgents(AGENTS).warmPool(AGENTS).warmPoolMin(AGENTS)
                .warmPoolMax(AGENTS).spawnRate(AGENTS).queueCapacity(QUEUE).build();
        Agent noop = ctx -> Payload.EMPTY;
        PoolBuilder b = AgentPool.builder().config(config).register("noop", init -> noop);
        JdbcJournal journal = target == null ? null : target.open();
        TimedJournal timed = journal == null ? null : new TimedJournal(journal);
        if (timed != null) {
            b.journal(timed);
        }
        AgentPool pool = b.build();
        Warmup.awaitReady(pool, AGENTS, Duration.ofSeconds(120));
        return new Opened(pool, journal, timed);
    }

    Throughput throughput(int threads, double warmupSeconds, double seconds) throws Exception {
        Opened o = open();
        try {
            flood(o.pool, threads, warmupSeconds);
            long commits = o.commits();
            long records = o.records();
            long[] counts = flood(o.pool, threads, seconds);
            double took = counts[2] / 1e9;
            return new Throughput(threads, counts[0], took, counts[1], o.commits() - commits, o.records() - records);
        } finally {
            o.close();
        }
    }

    /** {@return tasks submitted, tasks failed, nanos from start until the last one completed} */
    private static long[] flood(AgentPool pool, int threads, double seconds) throws InterruptedException {
        Semaphore window = new Semaphore(WINDOW);
        LongAdder submitted = new LongAdder();
        LongAdder failed = new LongAdder();
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            ts.add(Thread.ofPlatform().daemon().name("submitter-" + t).start(() -> {
                try {
                    go.await();
                    while (System.nanoTime() < deadline[0]) {
                        window.acquire();
                        TaskHandle h;
                        try {
                            h = pool.submit(NOOP);
                        } catch (RuntimeException e) {
                            window.release();
                            throw e;
                        }
                        submitted.increment();
                        h.result().whenComplete((p, e) -> {
                            if (e != null) {
                                failed.increment();
                            }
                            window.release();
                        });
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        long start = System.nanoTime();
        deadline[0] = start + (long) (seconds * 1e9);
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("a submitter failed: " + errors.getFirst(), errors.getFirst());
        }
        // Every permit back means every submitted task's future completed.
        if (!window.tryAcquire(WINDOW, 120, TimeUnit.SECONDS)) {
            throw new IllegalStateException((WINDOW - window.availablePermits())
                    + " tasks did not complete within 120 s of the last submit");
        }
        long end = System.nanoTime();
        return new long[] {submitted.sum(), failed.sum(), end - start};
    }

    Paced paced(int rate, double warmupSeconds, double seconds) throws Exception {
        Opened o = open();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS,
                r -> Thread.ofPlatform().daemon().name("client").unstarted(r));
        try {
            long max = TimeUnit.SECONDS.toNanos(60);
            Histogram call = new SynchronizedHistogram(max, 3);
            Histogram scheduled = new SynchronizedHistogram(max, 3);
            Histogram result = new SynchronizedHistogram(max, 3);
            long interval = 1_000_000_000L / rate;
            long warm = (long) (warmupSeconds * rate);
            long total = warm + (long) (seconds * rate);
            CountDownLatch done = new CountDownLatch((int) total);
            LongAdder failed = new LongAdder();
            AtomicLong commitsAtStart = new AtomicLong();
            long start = System.nanoTime();
            long measuredFrom = start + warm * interval;
            for (long i = 0; i < total; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (i == warm) {
                    commitsAtStart.set(o.commits());
                    if (o.timed != null) {
                        o.timed.reset();
                    }
                }
                boolean record = i >= warm;
                clients.execute(() -> {
                    long s = System.nanoTime();
                    TaskHandle h;
                    try {
                        h = o.pool.submit(NOOP);
                    } catch (RuntimeException e) {
                        failed.increment();
                        done.countDown();
                        return;
                    }
                    long e = System.nanoTime();
                    if (record) {
                        call.recordValue(e - s);
                        scheduled.recordValue(Math.max(0, e - due));
                    }
                    h.result().whenComplete((p, x) -> {
                        if (x != null) {
                            failed.increment();
                        } else if (record) {
                            result.recordValue(System.nanoTime() - s);
                        }
                        done.countDown();
                    });
                });
            }
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(done.getCount() + " paced tasks did not complete within 120 s");
            }
            double took = (System.nanoTime() - measuredFrom) / 1e9;
            Histogram none = new Histogram(3);
            return new Paced(rate, call.getTotalCount(), failed.sum(), Latency.of(call), Latency.of(scheduled),
                    Latency.of(result), o.commits() - commitsAtStart.get(), took,
                    Latency.of(o.timed == null ? none : o.timed.accepted()),
                    Latency.of(o.timed == null ? none : o.timed.batches()),
                    o.timed == null ? 0 : o.timed.recordsPerBatch());
        } finally {
            clients.shutdownNow();
            o.close();
        }
    }
}
