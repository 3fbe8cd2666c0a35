package io.trinity.pool.cli;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agent.Agent;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The real-time part of the bench: what the pool itself costs. No-op agents on the system
 * clock and virtual threads; each task carries its submit time, and the agent records how long
 * it took to start (submit to execute, through the queue, the loop and the executor). A
 * warm-up round first, so spawns and JIT are not measured.
 */
final class DispatchOverhead {

    /** Latencies are submit to start, in microseconds. */
    record Result(int tasks, int agents, int inFlight, double p50Us, double p99Us, double maxUs,
                  double throughputPerSec, double wallSeconds) {
    }

    private static final String TYPE = "noop";

    private DispatchOverhead() {
    }

    static Result run(int tasks, int agents, int inFlight, long seed) throws InterruptedException {
        ConcurrentHistogram startMicros = new ConcurrentHistogram(3);
        AtomicBoolean measuring = new AtomicBoolean();
        PoolConfig config = PoolConfig.custom().maxAgents(agents).warmPoolMax(agents).warmPool(agents)
                .warmPoolMin(agents).queueCapacity(inFlight).seed(seed).build();
        Agent noop = ctx -> {
            long t0 = ((Number) ctx.data().get("t0")).longValue();
            if (measuring.get()) {
                startMicros.recordValue(Math.max(0, (System.nanoTime() - t0) / 1_000));
            }
            return Payload.EMPTY;
        };
        try (AgentPool pool = AgentPool.builder().config(config).register(TYPE, init -> noop).build()) {
            submitAll(pool, Math.max(1_000, tasks / 10), inFlight);
            measuring.set(true);
            long start = System.nanoTime();
            submitAll(pool, tasks, inFlight);
            double wall = (System.nanoTime() - start) / 1e9;
            return new Result(tasks, agents, inFlight, startMicros.getValueAtPercentile(50),
                    startMicros.getValueAtPercentile(99), startMicros.getMaxValue(), tasks / wall, wall);
        }
    }

    /** Submits with at most {@code inFlight} unfinished, so the bounded queue never refuses. */
    private static void submitAll(AgentPool pool, int n, int inFlight) throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            window.acquire();
            pool.submit(Task.of(TYPE, Map.of("t0", System.nanoTime()))).result().whenComplete((v, e) -> {
                window.release();
                done.countDown();
            });
        }
        if (!done.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("dispatch overhead run: " + done.getCount() + " of " + n
                    + " no-op tasks unfinished after 2 minutes");
        }
    }
}
