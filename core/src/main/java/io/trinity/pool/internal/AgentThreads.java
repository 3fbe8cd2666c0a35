package io.trinity.pool.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The pool's own agent threads (used when no agent executor is given): reused virtual threads,
 * so an attempt is a hand-off to a parked thread rather than a thread start, and a pool of
 * thousands of busy agents costs no more than their stacks.
 *
 * <p>The first {@link #CORE_THREADS} threads, once started, wait for work without a time limit;
 * threads beyond them end after {@link #KEEP_ALIVE_SECONDS} without work. Why: a virtual thread
 * parked <em>with a timeout</em> (a keep-alive poll) took 25 µs at p50 and 88–119 µs at p99 from
 * submit to start on an idle 2-core machine, against 8 µs / 22–55 µs when parked without one,
 * the same as a {@link ThreadPoolExecutor} of platform threads (docs/benchmarks.md, part 1).
 * Platform threads would wake as fast, but 16 of them sharing two cores cut the pool's no-op
 * throughput 4× (the thread that holds the control loop is preempted by the OS while the others
 * queue behind it). A parked virtual thread without work costs about a kilobyte, so the idle core
 * stays; as {@link ThreadPoolExecutor} does below its core size, each of the first 64 attempts
 * (or inits) starts a thread of its own, so even a small pool ends up with 64 parked threads. The workers clear a stray interrupt before each run ({@link ThreadPoolExecutor} does), and
 * {@link Attempt} delivers its interrupt only while its own code runs.
 */
final class AgentThreads implements Executor {

    /** Threads that, once started, wait for the next attempt without a time limit. */
    static final int CORE_THREADS = 64;
    /** How long an agent thread beyond the core with nothing to run waits before it ends. */
    static final long KEEP_ALIVE_SECONDS = 30;

    private final ThreadPoolExecutor threads = new ThreadPoolExecutor(CORE_THREADS, Integer.MAX_VALUE,
            KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
            Thread.ofVirtual().name("trinity-agent").factory());

    @Override
    public void execute(Runnable work) {
        threads.execute(work);
    }

    /** Lets running attempts finish and ends the idle threads; new work is refused from now on. */
    void shutdown() {
        threads.shutdown();
    }
}
