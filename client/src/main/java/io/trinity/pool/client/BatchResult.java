package io.trinity.pool.client;

/**
 * One task's answer in {@link PoolClient#submitAll}: accepted, or refused with the exception its
 * own {@link PoolClient#submit} would have thrown (a {@code QueueFullException} for a full
 * queue, an {@code IllegalArgumentException} naming {@code tasks[i].field} for a bad element, ...).
 *
 * @param submitted the accepted task, or null
 * @param refusal   why it was refused, or null
 */
public record BatchResult(Submitted submitted, RuntimeException refusal) {

    /** {@return whether the task was accepted} */
    public boolean isAccepted() {
        return submitted != null;
    }
}
