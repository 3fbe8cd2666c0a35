package io.trinity.pool.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool's own agent threads (used when no agent executor is given): reused virtual threads,
 * so an attempt is a hand-off to a parked thread rather than a thread start, and a pool of
 * thousands of busy agents costs no more than their stacks.
 *
 * <p>The core threads, once started, wait for work without a time limit; threads beyond them
 * end after {@link #KEEP_ALIVE_SECONDS} without work. Why: a virtual thread parked <em>with a
 * timeout</em> (a keep-alive poll) took 25 µs at p50 and 88–119 µs at p99 from submit to start on
 * an idle 2-core machine, against 8 µs / 22–55 µs when parked without one, the same as a
 * {@link ThreadPoolExecutor} of platform threads (docs/benchmarks.md, part 1). Platform threads
 * would wake as fast, but 16 of them sharing two cores cut the pool's no-op throughput 4× (the
 * thread that holds the control loop is preempted by the OS while the others queue behind it).
 *
 * <p>How many core threads: as many as attempts run at once, which only the loop knows (an
 * agent's capacity is read after its init). The core starts at the pool's agent limit plus a
 * few for inits and housekeeping (at most {@value #INITIAL_CORE_MAX}), and the loop raises it
 * ({@link #expect}) whenever more attempts run at once than it covers, doubling, up to
 * {@value #MAX_CORE}; otherwise a pool of thousands of agents would run most attempts on
 * keep-alive threads and wake them slowly. The core also follows the threads alive: a
 * {@link ThreadPoolExecutor} holding more threads than its core makes <em>every</em> idle
 * worker wait with the keep-alive timeout, so a burst of agent inits, or a hand-off that found
 * no worker waiting for a moment, would slow every later wake for the keep-alive's 30 s (at
 * 10,000 agents that cost a fifth of the dispatch throughput). So the threads a pool has needed
 * at once become its core. A parked virtual thread without work costs about a kilobyte, so the
 * core stays once reached. As {@link ThreadPoolExecutor} does below its core
 * size, each attempt (or init) starts a thread of its own until the core is full, so a pool ends
 * up holding its core's threads parked. The workers clear a stray interrupt before each run
 * ({@link ThreadPoolExecutor} does), and {@link Attempt} delivers its interrupt only while its
 * own code runs.
 */
final class AgentThreads implements Executor {

    /** Core threads beyond the agent limit at the start: agent inits and housekeeping. */
    static final int SPARE_THREADS = 8;
    /** The largest core at the start (a pool with a high agent limit may never use it). */
    static final int INITIAL_CORE_MAX = 64;
    /** The largest core {@link #expect} raises to. */
    static final int MAX_CORE = 16_384;
    /** How long an agent thread beyond the core with nothing to run waits before it ends. */
    static final long KEEP_ALIVE_SECONDS = 30;

    private final ThreadPoolExecutor threads;
    /** Threads started and not yet ended (the executor's own count takes its lock to read). */
    private final AtomicInteger live = new AtomicInteger();
    /** The core size; written by the loop only (in {@link #expect}). */
    private int core;

    /** @param agentLimit the pool's agent limit (its maxAgents) */
    AgentThreads(int agentLimit) {
        core = (int) Math.min(INITIAL_CORE_MAX, Math.max(1L, agentLimit) + SPARE_THREADS);
        ThreadFactory virtual = Thread.ofVirtual().name("trinity-agent").factory();
        threads = new ThreadPoolExecutor(core, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), work -> {
                    live.incrementAndGet();
                    return virtual.newThread(() -> {
                        try {
                            work.run();
                        } finally {
                            live.decrementAndGet();
                        }
                    });
                });
    }

    /**
     * Loop only: {@code attempts} run at once now. Raises the core when it no longer covers them
     * (doubling) or no longer covers the threads alive (to their number).
     */
    void expect(int attempts) {
        int wanted = attempts + SPARE_THREADS > core ? Math.max(attempts + SPARE_THREADS, core * 2) : core;
        wanted = Math.min(MAX_CORE, Math.max(wanted, live.get()));
        if (wanted > core) {
            core = wanted;
            threads.setCorePoolSize(core);
        }
    }

    /** Threads alive now. For tests. */
    int alive() {
        return live.get();
    }

    /** The current core size. For tests. */
    int core() {
        return core;
    }

    @Override
    public void execute(Runnable work) {
        threads.execute(work);
    }

    /** Lets running attempts finish and ends the idle threads; new work is refused from now on. */
    void shutdown() {
        threads.shutdown();
    }
}
