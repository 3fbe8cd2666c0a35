package io.trinity.pool;

import java.util.List;

/** How a task's future ends when the task did not succeed. */
public final class TaskFailedException extends PoolException {
    private final long taskId;
    private final TaskState state;
    private final List<String> reasons;

    public TaskFailedException(long taskId, TaskState state, List<String> reasons, Throwable cause) {
        super("task " + taskId + " ended " + state + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons)), cause);
        this.taskId = taskId;
        this.state = state;
        this.reasons = List.copyOf(reasons);
    }

    public long taskId() {
        return taskId;
    }

    public TaskState state() {
        return state;
    }

    /** The reason of each failed attempt, oldest first. */
    public List<String> reasons() {
        return reasons;
    }
}
