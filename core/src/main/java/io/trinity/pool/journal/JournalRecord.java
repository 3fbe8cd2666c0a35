package io.trinity.pool.journal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One fact written to a {@link Journal}. Plain data only (maps, lists, strings, numbers,
 * booleans, null), so any store can keep it. Times are wall-clock epoch milliseconds: they
 * must mean the same after a restart, which the pool clock's nanoseconds do not.
 */
public sealed interface JournalRecord {

    /** The task this record is about; 0 for records about no task. */
    long taskId();

    /**
     * A task was accepted.
     *
     * @param task           the task as plain data ({@code Task.toPlainData()})
     * @param tenant         its tenant (also inside {@code task}; kept apart for lookups)
     * @param idempotencyKey the caller's key, or null
     * @param enqueuedAt     when it was accepted, epoch ms
     */
    record Accepted(long taskId, Map<String, Object> task, String tenant, String idempotencyKey, long enqueuedAt)
            implements JournalRecord {
        public Accepted {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(tenant, "tenant");
        }
    }

    /** Attempt {@code attempt} started on {@code agent}. */
    record Started(long taskId, int attempt, String agent, long at) implements JournalRecord {
    }

    /**
     * A running attempt ended without ending the task: it will be retried, or it went back to
     * the queue unspent ({@code spent} false: preempted, or refused by a provider).
     */
    record Requeued(long taskId, int attempt, boolean spent, String reason, long at) implements JournalRecord {
    }

    /**
     * The task reached its final state.
     *
     * @param state   a {@code TaskState} name: SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, DEAD_LETTERED
     * @param result  the result's data when SUCCEEDED, else null
     * @param reasons why each attempt failed, oldest first
     */
    record Finished(long taskId, String state, int attempts, Map<String, Object> result, List<String> reasons,
                    long at) implements JournalRecord {
        public Finished {
            reasons = List.copyOf(reasons);
        }
    }

    /** A dead letter was resubmitted or evicted: it is no longer offered as a dead letter. */
    record DeadLetterCleared(long taskId, long at) implements JournalRecord {
    }

    /** An agent's state saved when it was destroyed, offered to the next agent of its type. */
    record SnapshotSaved(String type, String agent, Map<String, Object> state, long at) implements JournalRecord {
        @Override
        public long taskId() {
            return 0;
        }
    }
}
