package io.trinity.pool.journal;

import java.util.List;

/**
 * What {@link Journal#load} found.
 *
 * @param pending     tasks not yet final (queued, waiting to retry, or running at the crash), in
 *                    their enqueue order
 * @param deadLetters dead-lettered tasks still offered for resubmission, oldest first
 * @param maxTaskId   the highest task id ever written (new ids continue after it)
 * @param finals      final tasks still held (within the retention), for the recovery summary
 * @param spend       the newest spend total per tenant and resource (empty from a journal that
 *                    does not {@linkplain Journal#keepsPoolState() keep pool state})
 * @param resourceUse the paced resources' use within the last pacing window, oldest first
 *                    (empty likewise; older records may be included, the pool ignores them)
 * @param strategies  the newest saved state per spawning strategy (empty likewise)
 */
public record JournalState(List<StoredTask> pending, List<StoredTask> deadLetters, long maxTaskId, long finals,
                           List<JournalRecord.SpendTotal> spend, List<JournalRecord.ResourceUsed> resourceUse,
                           List<JournalRecord.StrategySaved> strategies) {
    /**
     * Copies the lists, so the state is immutable.
     *
     * @param pending     tasks not yet final, in their enqueue order; not null
     * @param deadLetters dead-lettered tasks still offered for resubmission, oldest first; not null
     * @param maxTaskId   the highest task id ever written, 0 if none
     * @param finals      final tasks still held, {@code >= 0}
     * @param spend       the newest spend total per tenant and resource; not null
     * @param resourceUse the paced resources' recent use, oldest first; not null
     * @param strategies  the newest saved state per spawning strategy; not null
     * @throws NullPointerException if a list is null or holds null
     */
    public JournalState {
        pending = List.copyOf(pending);
        deadLetters = List.copyOf(deadLetters);
        spend = List.copyOf(spend);
        resourceUse = List.copyOf(resourceUse);
        strategies = List.copyOf(strategies);
    }

    /**
     * The state of a journal that keeps tasks only, not pool state (spend, pacing, strategies).
     *
     * @param pending     tasks not yet final, in their enqueue order; not null
     * @param deadLetters dead-lettered tasks still offered for resubmission, oldest first; not null
     * @param maxTaskId   the highest task id ever written, 0 if none
     * @param finals      final tasks still held, {@code >= 0}
     * @throws NullPointerException if a list is null or holds null
     */
    public JournalState(List<StoredTask> pending, List<StoredTask> deadLetters, long maxTaskId, long finals) {
        this(pending, deadLetters, maxTaskId, finals, List.of(), List.of(), List.of());
    }

    /** {@return the state of an empty journal: nothing to recover, no task id used yet} */
    public static JournalState empty() {
        return new JournalState(List.of(), List.of(), 0, 0);
    }
}
