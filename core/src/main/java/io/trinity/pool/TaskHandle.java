package io.trinity.pool;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A submitted task. Its {@link #result()} completes once, with the result or with a
 * {@link TaskFailedException} that names the final state and the reason of every attempt.
 */
public interface TaskHandle {

    /** The pool-assigned id, unique within the pool; the event log calls it {@code task}. */
    long id();

    Task task();

    /** Completes with the result, or exceptionally with {@link TaskFailedException}. */
    CompletableFuture<Payload> result();

    /** The current state; final once {@link #result()} is done. */
    TaskState state();

    /** Attempts started so far (preemptions do not count). */
    int attempts();

    /** Why each failed attempt failed, oldest first. */
    List<String> failureReasons();

    /**
     * Requests cancellation: a queued task is removed, a running one is interrupted. The task
     * ends CANCELLED unless it already reached another final state first.
     */
    void cancel();
}
