package io.trinity.pool.agent;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * An agent's view of the task it runs: the input, and the channel back to the pool for
 * progress (the heartbeat), quality, usage and subtasks. Safe to call from any thread.
 */
public interface TaskContext {

    long taskId();

    String type();

    String agentId();

    /** 1 for the first attempt. */
    int attempt();

    Task task();

    default Payload input() {
        return task().input();
    }

    default Map<String, Object> data() {
        return task().input().data();
    }

    default Optional<Attachment> attachment(String name) {
        return task().input().attachment(name);
    }

    /**
     * Reports progress; every call is a heartbeat for stuck detection.
     *
     * @param fraction 0..1, or negative when unknown
     * @param note     a short human-readable note, may be null
     */
    void progress(double fraction, String note);

    /** A heartbeat without a measure of progress. */
    default void heartbeat() {
        progress(-1, null);
    }

    boolean isCancelled();

    /** Throws {@link CancellationException} if the task was cancelled. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancellationException("task " + taskId() + " was cancelled");
        }
    }

    /** Runs {@code action} once when the task is cancelled (at once if it already is). */
    void onCancel(Runnable action);

    /** A quality score for this task in 0..1, used by skill-aware balancing and health trends. */
    void reportQuality(double score);

    /** Tokens (or other units) actually used of a limited resource, such as {@code openai:gpt-4o}. */
    void reportUsage(String resource, long units);

    /** Submits a subtask to the same pool (the coordinator's fan-out). */
    TaskHandle submit(Task subtask);
}
