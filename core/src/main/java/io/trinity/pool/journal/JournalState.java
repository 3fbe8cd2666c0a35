package io.trinity.pool.journal;

import java.util.List;

/**
 * What {@link Journal#load} found.
 *
 * @param pending    tasks not yet final (queued, waiting to retry, or running at the crash), in
 *                   their enqueue order
 * @param deadLetters dead-lettered tasks still offered for resubmission, oldest first
 * @param maxTaskId  the highest task id ever written (new ids continue after it)
 * @param finals     final tasks still held (within the retention), for the recovery summary
 */
public record JournalState(List<StoredTask> pending, List<StoredTask> deadLetters, long maxTaskId, long finals) {
    /**
     * Copies the lists, so the state is immutable.
     *
     * @param pending     tasks not yet final, in their enqueue order; not null
     * @param deadLetters dead-lettered tasks still offered for resubmission, oldest first; not null
     * @param maxTaskId   the highest task id ever written, 0 if none
     * @param finals      final tasks still held, {@code >= 0}
     * @throws NullPointerException if a list is null or holds null
     */
    public JournalState {
        pending = List.copyOf(pending);
        deadLetters = List.copyOf(deadLetters);
    }

    /** {@return the state of an empty journal: nothing to recover, no task id used yet} */
    public static JournalState empty() {
        return new JournalState(List.of(), List.of(), 0, 0);
    }
}
