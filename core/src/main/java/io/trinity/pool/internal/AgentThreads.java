package io.trinity.pool.internal;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool's own agent threads (used when no agent executor is given): reused virtual threads,
 * so an attempt is a hand-off to a parked thread rather than a thread start, and a pool of
 * thousands of busy agents costs no more than their stacks.
 *
 * <p>Why our own and not a {@link java.util.concurrent.ThreadPoolExecutor}: this is the hand-off
 * of every attempt that no agent thread is waiting for, and an idle pool's submit-to-start
 * latency is mostly its wake. A worker here parks a few frames deep, where an executor's worker
 * parks inside its queue's {@code take}, so a wake remounts less stack, and a hand-off is two
 * compare-and-sets and an unpark instead of a {@code SynchronousQueue} transfer. The gain is
 * small and sits inside this machine's run-to-run noise (a scratch harness over the dispatch
 * bench's idle-pool target, warm rounds, alternating: p50 8.4–8.7 µs before, 8.1–8.3 µs after;
 * JMH no-op, least-loaded, one submitter, three alternating pairs: 434–448 k before, 444–465 k
 * tasks/s after), and the core rules below are simpler to state on a pool of our own.
 *
 * <p>Idle workers wait on a stack (the most recently idle is woken first: its stack and caches
 * are warm). A worker sets its slot to null and pushes a fresh node before it waits; a hand-off
 * pops a node and sets that worker's slot from null to the work. A worker that leaves while
 * waiting (keep-alive, shutdown, an error) sets its slot from null to {@link #RETIRED}, and
 * {@link #shutdown} does the same for the workers it pops, so of a hand-off and a leaving exactly
 * one wins, and a hand-off that meets a retired worker takes the next node. Nodes are never
 * reused, so a pop cannot be fooled by a node that left and came back. Nodes of workers that left
 * on keep-alive stay until a pop reaches them: a worker starts only when the stack is empty, so it
 * holds at most the workers alive since it was last empty.
 *
 * <p>The core workers, once started, wait for work without a time limit; a worker that finds more
 * workers alive than the core when it starts to wait waits at most {@link #KEEP_ALIVE_SECONDS}
 * and then ends. Why: a virtual thread parked <em>with a timeout</em> took about 3× longer from
 * submit to start on an idle 2-core machine (25 against 8 µs at p50, docs/benchmarks-history.md).
 * Platform threads would wake as fast, but 16 of them sharing two cores cut the pool's no-op
 * throughput 4× (the thread that holds the control loop is preempted by the OS while the others
 * queue behind it).
 *
 * <p>How many core workers: as many as attempts run at once, which only the loop knows (an
 * agent's capacity is read after its init). The core starts at the pool's agent limit plus a
 * few for inits and housekeeping (at most {@value #INITIAL_CORE_MAX}), and the loop raises it
 * ({@link #expect}) whenever more attempts run at once than it covers, doubling, up to
 * {@value #MAX_CORE}. The core also follows the workers alive, so the threads a burst of agent
 * inits started stay as core workers instead of waiting with the slower timed park. A parked
 * virtual thread without work costs about a kilobyte, so the core stays once reached. Each
 * piece of work that finds no idle worker starts one. A worker clears a stray interrupt before
 * each run and while it waits ({@link Attempt} delivers its interrupt only while its own code
 * runs); a throwable escaping the work is logged and the worker goes on.
 */
final class AgentThreads implements Executor {

    /** Core workers beyond the agent limit at the start: agent inits and housekeeping. */
    static final int SPARE_THREADS = 8;
    /** The largest core at the start (a pool with a high agent limit may never use it). */
    static final int INITIAL_CORE_MAX = 64;
    /** The largest core {@link #expect} raises to. */
    static final int MAX_CORE = 16_384;
    /** How long a worker beyond the core with nothing to run waits before it ends. */
    static final long KEEP_ALIVE_SECONDS = 30;

    /** A worker's slot once it has left: no work can be handed to it any more. */
    private static final Runnable RETIRED = () -> { };

    private final ThreadFactory factory = Thread.ofVirtual().name("trinity-agent").factory();
    /** The idle workers, the most recently idle on top. */
    private final AtomicReference<Idle> idle = new AtomicReference<>();
    /** Workers started and not yet ended. */
    private final AtomicInteger live = new AtomicInteger();
    /** The core size; written by the loop only (in {@link #expect}), read by waiting workers. */
    private volatile int core;
    private volatile boolean shutdown;

    /** A node of the idle stack: one per wait, never reused. */
    private record Idle(Worker worker, Idle next) {
    }

    private final long keepAliveNanos;

    /** @param agentLimit the pool's agent limit (its maxAgents) */
    AgentThreads(int agentLimit) {
        this(agentLimit, java.time.Duration.ofSeconds(KEEP_ALIVE_SECONDS));
    }

    /** With another keep-alive for the workers beyond the core. For tests. */
    AgentThreads(int agentLimit, java.time.Duration keepAlive) {
        core = (int) Math.min(INITIAL_CORE_MAX, Math.max(1L, agentLimit) + SPARE_THREADS);
        keepAliveNanos = keepAlive.toNanos();
    }

    /**
     * Loop only: {@code attempts} run at once now. Raises the core when it no longer covers them
     * (doubling) or no longer covers the workers alive (to their number).
     */
    void expect(int attempts) {
        int c = core;
        int wanted = attempts + SPARE_THREADS > c ? Math.max(attempts + SPARE_THREADS, c * 2) : c;
        wanted = Math.min(MAX_CORE, Math.max(wanted, live.get()));
        if (wanted > c) {
            core = wanted;
        }
    }

    /** Workers alive now. For tests. */
    int alive() {
        return live.get();
    }

    /** Workers waiting for work now. For tests (walks the idle stack). */
    int idleWorkers() {
        int n = 0;
        for (Idle i = idle.get(); i != null; i = i.next()) {
            if (i.worker().slot.get() == null) {
                n++;
            }
        }
        return n;
    }

    /** The current core size. For tests. */
    int core() {
        return core;
    }

    /** Hands {@code work} to the most recently idle worker, or starts one; refused after {@link #shutdown}. */
    @Override
    public void execute(Runnable work) {
        Objects.requireNonNull(work, "work");
        if (shutdown) {
            throw new RejectedExecutionException("the pool's agent threads are shut down; no new work is taken");
        }
        Worker w;
        while ((w = pop()) != null) {
            if (w.slot.compareAndSet(null, work)) {
                LockSupport.unpark(w.thread);
                return;
            }
            // it left (keep-alive or shutdown) after it went idle: try the next one
        }
        Worker fresh = new Worker(work);
        live.incrementAndGet();
        try {
            fresh.thread = factory.newThread(fresh);
            fresh.thread.start();
        } catch (Throwable e) {
            live.decrementAndGet();
            throw e;
        }
    }

    /** Lets running work finish and ends the idle workers; new work is refused from now on. */
    void shutdown() {
        shutdown = true;
        Worker w;
        while ((w = pop()) != null) {
            if (w.slot.compareAndSet(null, RETIRED)) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    private void push(Worker w) {
        Idle top;
        Idle node;
        do {
            top = idle.get();
            node = new Idle(w, top);
        } while (!idle.compareAndSet(top, node));
    }

    private Worker pop() {
        Idle top;
        do {
            top = idle.get();
            if (top == null) {
                return null;
            }
        } while (!idle.compareAndSet(top, top.next()));
        return top.worker();
    }

    private final class Worker implements Runnable {
        /**
         * Null while it waits for work; the work handed to it (kept while it runs that work); or
         * {@link #RETIRED} once it left while waiting.
         */
        final AtomicReference<Runnable> slot = new AtomicReference<>();
        /** Set before the thread starts; read by whoever pops this worker (after it pushed itself). */
        Thread thread;
        private Runnable first;

        Worker(Runnable first) {
            this.first = first;
        }

        @Override
        public void run() {
            Runnable work = first;
            first = null;
            boolean counted = true;
            boolean waiting = false;
            try {
                while (work != null) {
                    Thread.interrupted(); // a stray interrupt is not this work's
                    try {
                        work.run();
                    } catch (Throwable e) {
                        Engine.LOG.error("agent thread: a piece of work threw (a bug); the thread goes on", e);
                    }
                    work = null;
                    if (shutdown) {
                        return;
                    }
                    slot.set(null);
                    waiting = true;
                    push(this);
                    work = await();
                    waiting = false;
                    if (work == null) {
                        counted = false; // await took this worker out of the count
                    }
                }
            } finally {
                if (counted) {
                    live.decrementAndGet();
                }
                if (waiting) {
                    leaveAfterError();
                }
            }
        }

        /**
         * An error (out of memory while parking, say) ends this worker while its node may still be
         * on the idle stack: it retires, and work handed to it meanwhile goes to another worker.
         */
        private void leaveAfterError() {
            if (slot.compareAndSet(null, RETIRED)) {
                return;
            }
            Runnable handed = slot.get();
            if (handed != RETIRED) {
                try {
                    execute(handed);
                } catch (RuntimeException | Error e) {
                    Engine.LOG.error("agent thread: work handed to a worker that failed could not be handed on", e);
                }
            }
        }

        /**
         * Waits for work handed over; null once this worker leaves (at shutdown, or beyond the core
         * after the keep-alive), having taken itself out of {@link #live}.
         */
        private Runnable await() {
            boolean timing = false;
            long deadline = 0;
            for (;;) {
                Runnable r = slot.get();
                if (r != null) {
                    if (r == RETIRED) { // shutdown retired it
                        live.decrementAndGet();
                        return null;
                    }
                    return r;
                }
                Thread.interrupted(); // an interrupt would end every park at once
                if (shutdown) {
                    if (slot.compareAndSet(null, RETIRED)) {
                        live.decrementAndGet();
                        return null;
                    }
                    continue; // work came in just before: it runs
                }
                int n = live.get();
                if (n <= core) {
                    timing = false;
                    LockSupport.park(this);
                    continue;
                }
                long now = System.nanoTime();
                if (!timing) {
                    timing = true;
                    deadline = now + keepAliveNanos;
                } else if (now - deadline >= 0) {
                    // beyond the core and idle for the keep-alive: leave, unless work came meanwhile
                    if (live.compareAndSet(n, n - 1)) {
                        if (slot.compareAndSet(null, RETIRED)) {
                            return null;
                        }
                        live.incrementAndGet(); // handed work at the last moment: stay and run it
                    }
                    continue;
                }
                LockSupport.parkNanos(this, deadline - now);
            }
        }
    }
}
