package io.trinity.pool.journal;

import java.util.List;
import java.util.Map;

/**
 * A task as a journal holds it.
 *
 * @param taskId     its id
 * @param task       the task as plain data ({@code Task.fromPlainData} rebuilds it)
 * @param tenant     its tenant
 * @param idempotencyKey the submitter's key, or null
 * @param state      a {@code TaskState} name
 * @param attempts   attempts spent
 * @param running    an attempt had started and not ended when last written (a crash interrupted it)
 * @param enqueuedAt when it was accepted, epoch ms
 * @param startedAt  when its last attempt started, epoch ms, or 0
 * @param endedAt    when it reached its final state, epoch ms, or 0
 * @param result     the result's data when SUCCEEDED, else null
 * @param reasons    why attempts failed, oldest first
 * @param resultAttachments the result's attachments when SUCCEEDED with any, as
 *                   {@link io.trinity.pool.Attachment#toPlainData} gives them, else null
 */
public record StoredTask(long taskId, Map<String, Object> task, String tenant, String idempotencyKey, String state,
                         int attempts, boolean running, long enqueuedAt, long startedAt, long endedAt,
                         Map<String, Object> result, List<String> reasons, Map<String, Object> resultAttachments) {
    /**
     * Copies the reasons, so the record holds an immutable list.
     *
     * @param taskId         its id
     * @param task           the task as plain data
     * @param tenant         its tenant
     * @param idempotencyKey the submitter's key, or null
     * @param state          a {@code TaskState} name
     * @param attempts       attempts spent
     * @param running        an attempt had started and not ended when last written
     * @param enqueuedAt     when it was accepted, epoch ms
     * @param startedAt      when its last attempt started, epoch ms, or 0
     * @param endedAt        when it reached its final state, epoch ms, or 0
     * @param result         the result's data when SUCCEEDED, else null
     * @param reasons        why attempts failed, oldest first; null reads as none
     * @param resultAttachments the result's attachments as plain data, or null for none
     * @throws NullPointerException if {@code reasons} holds null
     */
    public StoredTask {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        resultAttachments = resultAttachments == null || resultAttachments.isEmpty() ? null : resultAttachments;
    }

    /**
     * A stored task whose result has no attachments.
     *
     * @param taskId         its id
     * @param task           the task as plain data
     * @param tenant         its tenant
     * @param idempotencyKey the submitter's key, or null
     * @param state          a {@code TaskState} name
     * @param attempts       attempts spent
     * @param running        an attempt had started and not ended when last written
     * @param enqueuedAt     when it was accepted, epoch ms
     * @param startedAt      when its last attempt started, epoch ms, or 0
     * @param endedAt        when it reached its final state, epoch ms, or 0
     * @param result         the result's data when SUCCEEDED, else null
     * @param reasons        why attempts failed, oldest first; null reads as none
     */
    public StoredTask(long taskId, Map<String, Object> task, String tenant, String idempotencyKey, String state,
                      int attempts, boolean running, long enqueuedAt, long startedAt, long endedAt,
                      Map<String, Object> result, List<String> reasons) {
        this(taskId, task, tenant, idempotencyKey, state, attempts, running, enqueuedAt, startedAt, endedAt, result,
                reasons, null);
    }

    /**
     * A handle on this task as stored, for a caller that read it from a journal itself: its state,
     * attempts and reasons as stored, and, once final, its future already complete (with the
     * result when SUCCEEDED, else a {@code TaskFailedException}). It is what
     * {@code AgentPool.task(id)} answers for an ended task; a live one is better read from the pool.
     *
     * @return a handle that never changes; {@code cancel()} does nothing
     */
    public io.trinity.pool.TaskHandle toHandle() {
        return new io.trinity.pool.internal.StoredHandle(this);
    }

    /**
     * {@return true once the task is in a final state (any {@code state} other than
     * {@code QUEUED} and {@code RUNNING})}
     */
    public boolean isFinal() {
        return !state.equals("QUEUED") && !state.equals("RUNNING");
    }
}
