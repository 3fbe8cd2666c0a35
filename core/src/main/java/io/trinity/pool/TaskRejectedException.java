package io.trinity.pool;

/** Thrown by submit for a task the pool cannot run (for example an unknown type and no generic fallback). */
public final class TaskRejectedException extends PoolException {
    /**
     * Creates the exception.
     *
     * @param message why the task cannot run and what to do
     */
    public TaskRejectedException(String message) {
        super(message);
    }
}
