package io.trinity.pool;

import java.util.List;

/**
 * How a task's future ends when the task did not succeed: its message names the task, its final state and the
 * reason of every failed attempt.
 */
public final class TaskFailedException extends PoolException {
    /** The task's id. */
    private final long taskId;
    /** The task's final state. */
    private final TaskState state;
    /** The reason of each failed attempt, oldest first. */
    private final List<String> reasons;

    /**
     * Creates the exception; the pool does, users only need it to match on in tests.
     *
     * @param taskId the task's id
     * @param state its final state, not SUCCEEDED
     * @param reasons the reason of each failed attempt, oldest first, copied
     * @param cause the last attempt's exception, or null
     */
    public TaskFailedException(long taskId, TaskState state, List<String> reasons, Throwable cause) {
        super("task " + taskId + " ended " + state + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons)), cause);
        this.taskId = taskId;
        this.state = state;
        this.reasons = List.copyOf(reasons);
    }

    /** {@return the id of the task, as {@link TaskHandle#id()}} */
    public long taskId() {
        return taskId;
    }

    /** {@return the task's final state: FAILED, TIMED_OUT, CANCELLED or DEAD_LETTERED} */
    public TaskState state() {
        return state;
    }

    /** {@return the reason of each failed attempt, oldest first, immutable} */
    public List<String> reasons() {
        return reasons;
    }
}
