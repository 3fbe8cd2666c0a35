package io.trinity.pool;

import java.util.List;

/**
 * A task that used up its attempts.
 *
 * @param taskId   the id it had
 * @param task     the task, ready to resubmit
 * @param attempts attempts made
 * @param reasons  why each attempt failed, oldest first
 * @param nanos    when it was dead-lettered, on the pool clock
 */
public record DeadLetter(long taskId, Task task, int attempts, List<String> reasons, long nanos) {
    /**
     * Copies the reasons, so the dead letter is immutable.
     *
     * @param taskId the id it had
     * @param task the task, ready to resubmit
     * @param attempts attempts made
     * @param reasons why each attempt failed, oldest first
     * @param nanos when it was dead-lettered, on the pool clock, in nanoseconds
     */
    public DeadLetter {
        reasons = List.copyOf(reasons);
    }
}
