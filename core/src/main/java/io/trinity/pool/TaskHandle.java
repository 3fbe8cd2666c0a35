package io.trinity.pool;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A submitted task. Its {@link #result()} completes once, with the result or with a
 * {@link TaskFailedException} that names the final state and the reason of every attempt.
 */
public interface TaskHandle {

    /** {@return the pool-assigned id, unique within the pool; the event log calls it {@code task}} */
    long id();

    /** {@return the task as submitted} */
    Task task();

    /**
     * {@return a future that completes once: with the result, or exceptionally with {@link
     * TaskFailedException}} It completes on the pool's control loop: attach slow follow-up work with the
     * {@code *Async} methods.
     */
    CompletableFuture<Payload> result();

    /** {@return the current state; final once {@link #result()} is done} */
    TaskState state();

    /** {@return the attempts started so far; preemptions do not count} */
    int attempts();

    /** {@return why each failed attempt failed, oldest first, immutable} */
    List<String> failureReasons();

    /**
     * Requests cancellation: a queued task is removed, a running one is interrupted. The task
     * ends CANCELLED unless it already reached another final state first.
     */
    void cancel();
}
