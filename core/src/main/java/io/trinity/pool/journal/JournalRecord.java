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

    /**
     * {@return the id of the task this record is about, as the pool gave it at submit; 0 for
     * records about no task ({@link SnapshotSaved})}
     */
    long taskId();

    /**
     * A task was accepted. The pool waits until this record is durable before {@code submit}
     * returns.
     *
     * @param taskId         the task's id, {@code > 0}
     * @param task           the task as plain data ({@code Task.toPlainData()})
     * @param tenant         its tenant (also inside {@code task}; kept apart for lookups)
     * @param idempotencyKey the caller's key, or null
     * @param enqueuedAt     when it was accepted, epoch ms
     */
    record Accepted(long taskId, Map<String, Object> task, String tenant, String idempotencyKey, long enqueuedAt)
            implements JournalRecord {
        /**
         * Checks the required components.
         *
         * @param taskId         the task's id, {@code > 0}
         * @param task           the task as plain data ({@code Task.toPlainData()}), not null
         * @param tenant         its tenant, not null
         * @param idempotencyKey the caller's key, or null
         * @param enqueuedAt     when it was accepted, epoch ms
         * @throws NullPointerException if {@code task} or {@code tenant} is null
         */
        public Accepted {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(tenant, "tenant");
        }
    }

    /**
     * Attempt {@code attempt} started on {@code agent}. A task whose last record is this one
     * was running when the pool stopped.
     *
     * @param taskId  the task's id
     * @param attempt the attempt's number, counting from 1
     * @param agent   the id of the agent running it
     * @param at      when it started, epoch ms
     */
    record Started(long taskId, int attempt, String agent, long at) implements JournalRecord {
    }

    /**
     * A running attempt ended without ending the task: it will be retried, or it went back to
     * the queue unspent ({@code spent} false: preempted, or refused by a provider).
     *
     * @param taskId  the task's id
     * @param attempt the number of the attempt that ended, counting from 1
     * @param spent   true if the attempt counts against the task's attempts (it failed and will
     *                be retried after a backoff); false if it is not counted and the task keeps
     *                its place in the queue
     * @param reason  when spent, why the attempt failed (added to the task's reasons); when not,
     *                the attempt's outcome name, such as {@code PREEMPTED}
     * @param at      when it ended, epoch ms
     */
    record Requeued(long taskId, int attempt, boolean spent, String reason, long at) implements JournalRecord {
    }

    /**
     * The task reached its final state. The pool completes the task's future only once this
     * record is durable.
     *
     * @param taskId  the task's id
     * @param state   a {@code TaskState} name: SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, DEAD_LETTERED
     * @param result  the result's data when SUCCEEDED, else null
     * @param attempts the attempts spent, 0 if it ended before its first
     * @param reasons why each attempt failed, oldest first; copied, immutable
     * @param at      when it ended, epoch ms
     */
    record Finished(long taskId, String state, int attempts, Map<String, Object> result, List<String> reasons,
                    long at) implements JournalRecord {
        /**
         * Copies the reasons, so the record is immutable.
         *
         * @param taskId   the task's id
         * @param state    a {@code TaskState} name
         * @param attempts the attempts spent
         * @param result   the result's data when SUCCEEDED, else null
         * @param reasons  why each attempt failed, oldest first; not null
         * @param at       when it ended, epoch ms
         * @throws NullPointerException if {@code reasons} is null or holds null
         */
        public Finished {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * A dead letter was resubmitted or evicted: it is no longer offered as a dead letter.
     *
     * @param taskId the dead-lettered task's id
     * @param at     when it was cleared, epoch ms
     */
    record DeadLetterCleared(long taskId, long at) implements JournalRecord {
    }

    /**
     * An agent's state saved when it was destroyed, offered to the next agent of its type
     * (after a restart too, through {@link Journal#latestSnapshot}). About no task: its
     * {@link #taskId()} is 0.
     *
     * @param type  the agent's type name
     * @param agent the id of the agent whose state this is
     * @param state the state as plain data ({@code AgentSnapshot.state()})
     * @param at    when it was saved, epoch ms
     */
    record SnapshotSaved(String type, String agent, Map<String, Object> state, long at) implements JournalRecord {
        @Override
        public long taskId() {
            return 0;
        }
    }
}
