package io.trinity.pool.internal;

import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.journal.StoredTask;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The handle of a task that ended before this pool (or this process) held it: read from the journal. */
public final class StoredHandle implements TaskHandle {

    private final StoredTask stored;
    private final Task task;
    private final TaskState state;

    /** See {@link StoredTask#toHandle()}, the way in from outside this package. */
    public StoredHandle(StoredTask stored) {
        this.stored = stored;
        this.task = Task.fromPlainData(stored.task());
        this.state = TaskState.valueOf(stored.state());
    }

    @Override public long id() { return stored.taskId(); }
    @Override public Task task() { return task; }
    @Override public TaskState state() { return state; }
    @Override public int attempts() { return stored.attempts(); }
    @Override public List<String> failureReasons() { return stored.reasons(); }

    @Override
    public CompletableFuture<Payload> result() {
        if (state == TaskState.SUCCEEDED) {
            Map<String, Object> data = stored.result() == null ? Map.of() : stored.result();
            return CompletableFuture.completedFuture(Payload.of(data,
                    io.trinity.pool.Attachment.fromPlainData(stored.resultAttachments())));
        }
        if (!state.isFinal()) {
            return CompletableFuture.failedFuture(new IllegalStateException("task " + stored.taskId()
                    + " is " + state + " in the journal but not held by this pool; it is recovered when the pool starts"));
        }
        return CompletableFuture.failedFuture(new TaskFailedException(stored.taskId(), state, stored.reasons(), null));
    }

    /** It already ended: nothing to cancel. */
    @Override
    public void cancel() {
    }

    @Override
    public String toString() {
        return "task " + stored.taskId() + " (" + task.type() + ", " + state + ", from the journal)";
    }
}
