package io.trinity.pool.agents.code;

import io.trinity.pool.agent.TaskContext;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs one analysis (parse, metrics, compile) on a platform thread of its own with a fixed
 * {@value #STACK_BYTES}-byte stack, so how deep a source may nest does not depend on which
 * thread the pool happened to run the task on, and a stack overflow ends only this analysis.
 *
 * <p>The task's thread waits for the analysis and ends as soon as the task is cancelled (or
 * the waiting thread is interrupted), without waiting for javac. javac itself cannot be stopped
 * in the middle of a phase (it does not check interrupts, and {@code Thread.stop} is gone): the
 * analysis thread checks {@link Stop#check()} at every compiler phase, between the
 * analysis steps and on every class lookup, and stops at the first check after the cancel.
 */
final class CompilerThread {

    /** The stack of the analysis thread: 16 MiB. */
    static final long STACK_BYTES = 16L << 20;

    /** The last analysis thread started, so a test can wait for an abandoned one to stop. */
    static volatile Thread last;

    /** The work of one analysis. */
    interface Work<T> {
        T run(Stop stop) throws Exception;
    }

    /** Tells the analysis thread to stop: the task was cancelled or its waiter gave up. */
    static final class Stop {
        private final TaskContext ctx;
        private volatile boolean abandoned;

        Stop(TaskContext ctx) {
            this.ctx = ctx;
        }

        boolean requested() {
            return abandoned || ctx.isCancelled();
        }

        /** Throws {@link CancellationException} once a stop was requested. */
        void check() {
            if (requested()) {
                throw new CancellationException("task " + ctx.taskId() + " was cancelled while compiling");
            }
        }

        void abandon() {
            abandoned = true;
        }
    }

    private CompilerThread() {
    }

    /**
     * Runs {@code work} on a new analysis thread and waits for it.
     *
     * @throws CancellationException at once when the task is cancelled, even while javac still runs
     * @throws InterruptedException when the waiting thread is interrupted; the analysis is abandoned
     */
    static <T> T run(TaskContext ctx, String name, Work<T> work) throws Exception {
        ctx.checkCancelled();
        Stop stop = new Stop(ctx);
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread thread = new Thread(null, () -> {
            try {
                outcome.complete(work.run(stop));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        }, name, STACK_BYTES);
        thread.setDaemon(true);
        last = thread;
        thread.start();
        ctx.onCancel(() -> outcome.completeExceptionally(
                new CancellationException("task " + ctx.taskId() + " was cancelled while compiling")));
        boolean finished = false;
        try {
            T result = outcome.get();
            finished = true;
            return result;
        } catch (ExecutionException e) {
            finished = true;
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            throw (Error) cause;
        } finally {
            if (!finished) {
                // Cancelled or interrupted while javac runs: it stops at its next check.
                stop.abandon();
            }
        }
    }
}
