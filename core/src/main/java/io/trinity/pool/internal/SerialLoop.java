package io.trinity.pool.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer. Any thread posts commands into a lock-free multi-producer queue; whoever
 * takes the work-in-progress counter from 0 schedules one drain on the loop executor, and the
 * drain runs every command, then the after-batch hook (dispatch), until nothing is left. So at
 * most one thread touches pool state at a time, with no lock around it, and commands posted
 * from inside a drain (re-entrant) simply join the current batch.
 *
 * <p><b>Caller runs when idle.</b> With {@code callerRuns}, the thread whose post finds the loop
 * idle runs passes itself (the commands queued, then the after-batch hook), at most
 * {@link #CALLER_PASSES}, and hands what is left, if anything, to the executor. An idle pool then needs no wake-up of the loop thread
 * between a submit and its dispatch, nor between an agent's return and its next task: the
 * round trip that dominated dispatch. It is still one writer at a time (the counter), and a
 * caller does a bounded share of other threads' work. Only loop code runs there, never user
 * code (that goes to the callback executor whichever thread drains).
 *
 * <p>With a direct executor (deterministic mode) the drain runs on the posting thread, which
 * makes a virtual-time run single-threaded and exactly repeatable. There, user code (future
 * completions, listeners) is {@link #defer deferred}: it runs on the same thread once the drain
 * has let go of the loop, so it can never run inside a batch, yet replays exactly.
 */
final class SerialLoop {

    private static final Logger LOG = LoggerFactory.getLogger(SerialLoop.class);

    private final CommandQueue commands = new CommandQueue();
    private final Queue<Runnable> deferred = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final Executor executor;
    /** The after-batch hook, run like a command (never queued). */
    private final LoopCommand afterBatch;
    private final Runnable drainTask = this::drain;
    private final boolean callerRuns;
    /**
     * The thread holding the loop, or null. Read by any thread only to ask "is it me?"; written by
     * the holder alone, with opaque writes ({@link #holder}): a thread always sees its own last
     * write, and a volatile write's store fence, twice per pass, bought nothing (the counter's
     * atomic release orders the handover).
     */
    private volatile Thread drainingThread;
    private static final java.lang.invoke.VarHandle DRAINING_THREAD;

    static {
        try {
            DRAINING_THREAD = java.lang.invoke.MethodHandles.lookup()
                    .findVarHandle(SerialLoop.class, "drainingThread", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void holder(Thread t) {
        DRAINING_THREAD.setOpaque(this, t);
    }

    SerialLoop(Executor executor, Runnable afterBatch) {
        this(executor, afterBatch, false);
    }

    /** @param callerRuns a post that finds the loop idle runs one pass on its own thread (see above) */
    SerialLoop(Executor executor, Runnable afterBatch, boolean callerRuns) {
        this.executor = executor;
        this.afterBatch = new LoopCommand.Wrapped(afterBatch);
        this.callerRuns = callerRuns;
    }

    void post(Runnable command) {
        postAndRun(new LoopCommand.Wrapped(command));
    }

    /** Posts a command that is its own queue node (a task's record or attempt): no allocation. */
    void postCommand(LoopCommand command) {
        postAndRun(command);
    }

    /**
     * Posts {@code command}; true when this thread took the loop (it ran passes, and with
     * caller-runs may have run the command itself), false when another thread holds the loop and
     * will run it.
     */
    boolean postAndRun(LoopCommand command) {
        commands.offer(command);
        if (wip.getAndIncrement() != 0) {
            return false;
        }
        if (callerRuns && passThenRelease()) {
            return true;
        }
        hand();
        return true;
    }

    /** Hands the loop, held by this thread, to the loop executor. */
    private void hand() {
        try {
            executor.execute(drainTask);
        } catch (RejectedExecutionException stopped) {
            // The pool has terminated and its loop thread is gone: late commands (a read, an
            // agent's work finally returning) drain on the caller. The counter still
            // guarantees a single writer.
            drain();
        }
    }

    /**
     * Passes a caller runs at most before it hands the rest to the loop thread: a few, so that
     * work posted meanwhile by agent threads rides along without waking the loop thread, while
     * a caller's own call stays short.
     */
    static final int CALLER_PASSES = 4;

    /**
     * Passes on the caller's thread (it holds the loop: it took the counter from 0). True when
     * the loop was released; false when work is still coming in, which the caller, still holding
     * the loop, hands to the executor.
     */
    private boolean passThenRelease() {
        return passes(CALLER_PASSES);
    }

    /**
     * Up to {@code most} passes (every queued command, then {@code afterBatch}) by the thread that
     * holds the loop. True once the loop is released (nothing came in after the last pass); false
     * with the loop still held.
     */
    private boolean passes(int most) {
        Thread self = Thread.currentThread();
        holder(self);
        int missed = 1;
        for (int pass = 0; pass < most; pass++) {
            drainCommands();
            run(afterBatch);
            if (!commands.isEmpty()) {
                continue;
            }
            // cleared before the release: once released, the next holder sets its own thread
            holder(null);
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return true;
            }
            holder(self);
        }
        holder(null); // still held: the executor's drain sets its own
        return false;
    }

    /** Spins a producer caught between its two steps gets before the drainer yields its core to it. */
    private static final int LINK_SPINS = 64;

    /**
     * Runs every queued command. A producer between its exchange and its link
     * ({@link CommandQueue}) hides the commands behind it for a few instructions: the drainer
     * waits for that link here, spinning then yielding (on 2 cores the producer may be
     * descheduled), rather than running dispatch passes in a loop meanwhile.
     */
    private void drainCommands() {
        int spins = 0;
        while (true) {
            LoopCommand c;
            while ((c = commands.poll()) != null) {
                run(c);
                spins = 0;
            }
            if (commands.isEmpty()) {
                return;
            }
            if (++spins < LINK_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /**
     * Runs {@code work} on the draining thread after the current drain has released the loop
     * (deterministic mode's callback executor). Outside a drain it runs at once.
     */
    void defer(Runnable work) {
        deferred.offer(work);
        if (!inLoop()) {
            runDeferred();
        }
    }

    private void runDeferred() {
        Runnable d;
        while ((d = deferred.poll()) != null) {
            try {
                d.run();
            } catch (Throwable e) {
                LOG.warn("a deferred callback threw; the pool goes on", e);
            }
        }
    }

    /** True when called from inside a drain, i.e. on the loop. */
    boolean inLoop() {
        return drainingThread == Thread.currentThread();
    }

    private void drain() {
        while (!passes(Integer.MAX_VALUE)) {
            // still held: keep going until a pass finds nothing new
        }
        if (!deferred.isEmpty()) {
            runDeferred();
        }
    }

    private void run(LoopCommand c) {
        try {
            c.runOnLoop();
        } catch (Throwable e) {
            // A bug in one command must not kill the loop: every other task still needs it.
            failures.incrementAndGet();
            LOG.error("pool control loop: a command failed (a bug); the pool keeps running", e);
        }
    }

    /** Commands that threw: always 0 unless there is a bug. Tests assert on it. */
    int failures() {
        return failures.get();
    }

    private final AtomicInteger failures = new AtomicInteger();
}
