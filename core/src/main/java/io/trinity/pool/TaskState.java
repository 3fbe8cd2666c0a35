package io.trinity.pool;

/**
 * Where a task is in its life.
 *
 * <pre>
 * QUEUED -> RUNNING -> SUCCEEDED | FAILED | TIMED_OUT | CANCELLED
 * RUNNING -> QUEUED            (a retryable failure, or preemption)
 * QUEUED | RUNNING -> DEAD_LETTERED   (the last attempt failed)
 * REJECTED                     (refused at submit: never accepted)
 * QUEUED -> REJECTED           (shed: the queue was full and its tenant held more than its
 *                               weighted share; its future fails with a TaskFailedException
 *                               whose cause is a QueueFullException)
 * </pre>
 *
 * Every accepted task ends in exactly one final state.
 */
public enum TaskState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, DEAD_LETTERED, REJECTED;

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }
}
