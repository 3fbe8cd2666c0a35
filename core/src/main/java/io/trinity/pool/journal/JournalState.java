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
    public JournalState {
        pending = List.copyOf(pending);
        deadLetters = List.copyOf(deadLetters);
    }

    /** An empty journal. */
    public static JournalState empty() {
        return new JournalState(List.of(), List.of(), 0, 0);
    }
}
