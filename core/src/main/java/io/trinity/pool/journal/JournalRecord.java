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
     * records about no task ({@link SnapshotSaved}, and the pool-state records {@link SpendTotal},
     * {@link ResourceUsed}, {@link StrategySaved})}
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
     * @param attachments the result's attachments when SUCCEEDED with any, as
     *                {@link io.trinity.pool.Attachment#toPlainData} gives them, else null
     */
    record Finished(long taskId, String state, int attempts, Map<String, Object> result, List<String> reasons,
                    long at, Map<String, Object> attachments) implements JournalRecord {
        /**
         * Copies the reasons, so the record is immutable; an empty attachments map reads as null.
         *
         * @param taskId   the task's id
         * @param state    a {@code TaskState} name
         * @param attempts the attempts spent
         * @param result   the result's data when SUCCEEDED, else null
         * @param reasons  why each attempt failed, oldest first; not null
         * @param at       when it ended, epoch ms
         * @param attachments the result's attachments as plain data, or null for none
         * @throws NullPointerException if {@code reasons} is null or holds null
         */
        public Finished {
            reasons = List.copyOf(reasons);
            attachments = attachments == null || attachments.isEmpty() ? null : attachments;
        }

        /**
         * An end whose result has no attachments.
         *
         * @param taskId   the task's id
         * @param state    a {@code TaskState} name
         * @param attempts the attempts spent
         * @param result   the result's data when SUCCEEDED, else null
         * @param reasons  why each attempt failed, oldest first; not null
         * @param at       when it ended, epoch ms
         */
        public Finished(long taskId, String state, int attempts, Map<String, Object> result, List<String> reasons,
                        long at) {
            this(taskId, state, attempts, result, reasons, at, null);
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

    /**
     * What one tenant has been charged for one resource so far: a running total, so the newest
     * record per tenant and resource is all a journal must keep. The pool writes one per tenant
     * and resource charged in a loop batch (never one per task), and only to a journal that
     * {@linkplain Journal#keepsPoolState() keeps pool state}. After a restart the tenant's spend,
     * and so what is left of its budget, counts from these totals.
     *
     * @param tenant   the tenant
     * @param resource the resource key, such as {@code openai:gpt-4o}
     * @param tokens   tokens of that resource charged to the tenant over the journal's life, {@code >= 0}
     * @param at       when the total was last changed, epoch ms
     */
    record SpendTotal(String tenant, String resource, long tokens, long at) implements JournalRecord {
        /**
         * Checks the components.
         *
         * @param tenant   the tenant, not null
         * @param resource the resource key, not null
         * @param tokens   the total, {@code >= 0}
         * @param at       when it was last changed, epoch ms
         * @throws NullPointerException if {@code tenant} or {@code resource} is null
         * @throws IllegalArgumentException if {@code tokens < 0}
         */
        public SpendTotal {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(resource, "resource");
            if (tokens < 0) {
                throw new IllegalArgumentException("SpendTotal tokens must be >= 0 (got " + tokens + " of " + resource
                        + " for tenant " + tenant + ")");
            }
        }

        @Override
        public long taskId() {
            return 0;
        }
    }

    /**
     * Requests admitted to a paced resource, and tokens counted against it, at one moment: what
     * a restarted pool counts in the resource's rolling window, so a restart cannot exceed the
     * provider's limit. The pool writes at most one per paced resource and loop batch, summing
     * the batch's starts; {@code at} is the batch's latest start rounded up, so a restored
     * request leaves the window no earlier than the real one. Tokens reported beyond an
     * estimate are written as a record with {@code requests = 0} at the time they were
     * reported; tokens reported below an estimate are not given back (a restart counts the
     * estimate). A journal needs to keep these only for the 60 s window
     * ({@code ResourcePacer.WINDOW_NANOS}).
     *
     * @param resource the resource key
     * @param requests requests admitted, {@code >= 0}
     * @param tokens   tokens counted (estimates, plus reported usage beyond them), {@code >= 0}
     * @param at       when, epoch ms
     */
    record ResourceUsed(String resource, int requests, long tokens, long at) implements JournalRecord {
        /**
         * Checks the components.
         *
         * @param resource the resource key, not null
         * @param requests requests admitted, {@code >= 0}
         * @param tokens   tokens counted, {@code >= 0}
         * @param at       when, epoch ms
         * @throws NullPointerException if {@code resource} is null
         * @throws IllegalArgumentException if {@code requests} or {@code tokens} is negative
         */
        public ResourceUsed {
            Objects.requireNonNull(resource, "resource");
            if (requests < 0 || tokens < 0) {
                throw new IllegalArgumentException("ResourceUsed of " + resource + " needs requests >= 0 and tokens >= 0"
                        + " (got requests=" + requests + ", tokens=" + tokens + ")");
            }
        }

        @Override
        public long taskId() {
            return 0;
        }
    }

    /**
     * The learned state of a spawning strategy (such as the predictive strategy's arrival
     * history), saved when it changed so a restarted pool forecasts as before. The newest
     * record per strategy is all a journal must keep. Times inside {@code state} are on the
     * saving pool's clock; {@code clockNanos} and {@code at} are one reading of that clock and
     * of the wall clock, which lets the next pool shift them onto its own clock.
     *
     * @param strategy   the strategy's name ({@code SpawnStrategy.name()})
     * @param state      the state as plain data ({@code SpawnStrategy.changedState()})
     * @param clockNanos the saving pool's clock when it was saved, nanoseconds
     * @param at         the wall clock at the same moment, epoch ms
     */
    record StrategySaved(String strategy, Map<String, Object> state, long clockNanos, long at)
            implements JournalRecord {
        /**
         * Checks the components.
         *
         * @param strategy   the strategy's name, not null
         * @param state      the state as plain data, not null
         * @param clockNanos the saving pool's clock, nanoseconds
         * @param at         the wall clock at the same moment, epoch ms
         * @throws NullPointerException if {@code strategy} or {@code state} is null
         */
        public StrategySaved {
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(state, "state");
        }

        @Override
        public long taskId() {
            return 0;
        }
    }
}
