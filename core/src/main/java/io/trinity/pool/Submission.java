package io.trinity.pool;

import java.util.Objects;

/**
 * One task's outcome in {@link AgentPool#submitAll}: accepted with its handle, or refused with the
 * exception {@link AgentPool#submit} would have thrown for it.
 *
 * @param handle  the accepted task's handle, or null when it was refused
 * @param refusal why it was refused, or null when it was accepted
 */
public record Submission(TaskHandle handle, PoolException refusal) {

    /**
     * Exactly one of the two is set.
     *
     * @throws IllegalArgumentException if both or neither are given
     */
    public Submission {
        if ((handle == null) == (refusal == null)) {
            throw new IllegalArgumentException("a submission is either accepted (a handle) or refused (an exception),"
                    + " never both or neither; got handle " + handle + " and refusal " + refusal);
        }
    }

    /**
     * An accepted task.
     *
     * @param handle its handle
     * @return the outcome
     */
    public static Submission accepted(TaskHandle handle) {
        return new Submission(Objects.requireNonNull(handle, "handle"), null);
    }

    /**
     * A refused task.
     *
     * @param refusal why
     * @return the outcome
     */
    public static Submission refused(PoolException refusal) {
        return new Submission(null, Objects.requireNonNull(refusal, "refusal"));
    }

    /** {@return whether the task was accepted} */
    public boolean isAccepted() {
        return handle != null;
    }
}
