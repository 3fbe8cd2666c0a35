package io.trinity.pool.client;

import io.trinity.pool.PoolException;

/** {@link PoolClient#await} gave up: the task was not final in time. It goes on running. */
public final class AwaitTimeoutException extends PoolException {

    private final TaskView last;

    public AwaitTimeoutException(TaskView last, java.time.Duration waited) {
        super("task " + last.id() + " is still " + last.state() + " after " + waited.toMillis() + " ms");
        this.last = last;
    }

    /** The task as last seen. */
    public TaskView last() {
        return last;
    }
}
