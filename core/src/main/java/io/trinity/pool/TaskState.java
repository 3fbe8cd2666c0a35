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
    /** Accepted and waiting for an agent, or for its retry backoff to pass. */
    QUEUED,
    /** An attempt is running on an agent. */
    RUNNING,
    /** Final: an attempt returned a result. */
    SUCCEEDED,
    /** Final: failed without being retried (a non-retryable error, an open circuit, a budget refusal). */
    FAILED,
    /** Final: the last attempt ran past the task's timeout. */
    TIMED_OUT,
    /** Final: cancelled by its handle, a budget or shutdown. */
    CANCELLED,
    /** Final: every attempt failed; the task is kept in {@link AgentPool#deadLetters()}. */
    DEAD_LETTERED,
    /** Refused at submit, never accepted; only events carry this state. */
    REJECTED;

    /** {@return whether this state is final: everything but QUEUED and RUNNING} */
    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }
}
