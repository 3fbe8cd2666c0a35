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

    /** {@return the task's id, as {@link TaskHandle#id()}} */
    long taskId();

    /** {@return the agent type the task runs as} */
    String type();

    /** {@return the id of the agent running this attempt} */
    String agentId();

    /** {@return the attempt's number, 1 for the first} */
    int attempt();

    /** {@return the task as submitted} */
    Task task();

    /** {@return the task's input, immutable} */
    default Payload input() {
        return task().input();
    }

    /** {@return the task input's plain data, immutable} */
    default Map<String, Object> data() {
        return task().input().data();
    }

    /**
     * One attachment of the task's input.
     *
     * @param name the attachment's name
     * @return the attachment, or empty if the input has none of that name
     */
    default Optional<Attachment> attachment(String name) {
        return task().input().attachment(name);
    }

    /**
     * Reports progress; every call is a heartbeat for stuck detection, so long work should call it more often
     * than the type's stuck threshold.
     *
     * @param fraction 0..1, or negative when unknown
     * @param note a short human-readable note, may be null
     */
    void progress(double fraction, String note);

    /** A heartbeat without a measure of progress: {@code progress(-1, null)}. */
    default void heartbeat() {
        progress(-1, null);
    }

    /**
     * {@return whether the task was cancelled (by its handle, a timeout, the stuck detector, a budget or
     * shutdown); work should stop soon}
     */
    boolean isCancelled();

    /**
     * Throws if the task was cancelled, for a cancellation point in a loop.
     *
     * @throws CancellationException if the task was cancelled
     */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancellationException("task " + taskId() + " was cancelled");
        }
    }

    /**
     * Runs an action once when the task is cancelled, such as closing a socket a blocked call waits on. It
     * runs at once, on the caller, if the task is already cancelled; otherwise on the pool's agent executor.
     *
     * @param action the action, quick and not throwing
     */
    void onCancel(Runnable action);

    /**
     * Reports how good this task's result was, for skill-aware balancing and for recycling an agent whose
     * quality trails its peers'.
     *
     * @param score from 0 (worthless) to 1 (perfect)
     */
    void reportQuality(double score);

    /**
     * Reports what the task actually used of a limited resource; it replaces the task's estimate for pacing
     * and is charged to the tenant's spend and budget. Calls add up.
     *
     * @param resource the resource key, such as {@code openai:gpt-4o}
     * @param units tokens (or other units) used, {@code >= 0}
     */
    void reportUsage(String resource, long units);

    /**
     * Submits a subtask to the same pool (the coordinator's fan-out). Waiting for its result while holding
     * this task's slot needs free agents of the subtask's type.
     *
     * @param subtask the subtask
     * @return its handle
     * @throws io.trinity.pool.PoolException any refusal of {@link io.trinity.pool.AgentPool#submit}
     */
    TaskHandle submit(Task subtask);
}
