package io.trinity.pool.journal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a pool keeps what must survive a crash: every accepted task, each attempt's start and
 * end, each final state with its result, and agent snapshots. Opt in with
 * {@code AgentPool.builder().journal(...)}; without one the pool is in memory only.
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>{@link #load} is called once, before the pool accepts anything: it returns the tasks to
 *       recover and what the pool must know to go on (the highest task id used).</li>
 *   <li>{@link #write} hands over records in order and never blocks the caller. The returned
 *       future completes once these records <em>and every record handed over before them</em>
 *       are durable, or exceptionally when they could not be stored (disk full, database down):
 *       then nothing of that call may be assumed stored. An implementation groups the calls
 *       pending at one moment into one transaction (group commit), so the cost is one sync per
 *       group, not per task.</li>
 *   <li>The pool writes an {@link JournalRecord.Accepted} before {@code submit} returns, and
 *       completes a task's future only after its {@link JournalRecord.Finished} is durable, so a
 *       caller never sees a result that a restart could take back.</li>
 *   <li>Reads ({@link #find}, {@link #findByIdempotencyKey}) may be called from any thread.</li>
 * </ul>
 * Implementations: {@code trinity-pool-journal} (SQLite embedded, PostgreSQL shared).
 */
public interface Journal extends AutoCloseable {

    /**
     * Reads what the journal holds at start. Called once, on the thread that builds the pool,
     * before the pool accepts any task.
     *
     * @return the tasks to recover (in their enqueue order), the dead letters, the highest task
     *     id used and the count of final tasks held; {@link JournalState#empty()} for a new
     *     journal, never null
     * @throws JournalException if the journal cannot be opened or read; the pool is then not
     *     built, since starting empty would silently drop the recorded tasks
     */
    JournalState load();

    /**
     * Hands records over for writing, in order; see the class contract. Never blocks: the pool
     * calls it from its control loop (and, for an accepted task, from the submitting thread,
     * which then waits on the future), so the storing itself happens elsewhere.
     *
     * @param records the records to store, in the order they happened; not null, possibly
     *     immutable
     * @return a future that completes normally once these records and every record handed over
     *     before them are durable, or exceptionally (typically with a {@link JournalException})
     *     when they could not be stored; never null
     */
    CompletableFuture<Void> write(List<JournalRecord> records);

    /**
     * Looks a task up by id.
     *
     * @param taskId the id the pool gave the task at submit
     * @return the task as last stored, live or final (a final one only within the journal's
     *     retention), or empty if the journal holds no task with that id
     */
    Optional<StoredTask> find(long taskId);

    /**
     * Looks a task up by its submitter's idempotency key. Keys are scoped to a tenant: two
     * tenants may use the same key for different tasks.
     *
     * @param tenant the task's tenant, not null
     * @param key    the idempotency key given at submit, not null
     * @return the task that tenant submitted with that key, live or final within the retention,
     *     or empty if there is none
     */
    Optional<StoredTask> findByIdempotencyKey(String tenant, String key);

    /** The most tasks one {@link #tasks} call returns. */
    int MAX_PAGE = 1_000;

    /**
     * Lists the tasks it holds, newest first (highest id first), a page at a time: for a caller
     * that lists a pool's tasks across restarts, such as {@code tri serve}'s {@code GET /v1/tasks}.
     * Pass the lowest id of a page as the next call's {@code beforeId}. Each task is as last
     * stored: a live task's state may lag the pool's by the write in flight, and a final task is
     * there only within the journal's retention. It holds one page in memory, whatever the
     * journal's size. May be called from any thread.
     *
     * @param tenant   only this tenant's tasks, or null for every tenant's
     * @param state    only tasks in this state (a {@code TaskState} name), or null for any
     * @param type     only tasks of this type, or null for any
     * @param beforeId only tasks with a lower id; {@code Long.MAX_VALUE} starts at the newest
     * @param limit    at most this many, 1 to {@link #MAX_PAGE}
     * @return up to {@code limit} tasks, highest id first; fewer only when no more match
     * @throws IllegalArgumentException if {@code limit} is out of range
     * @throws UnsupportedOperationException by default: a journal written before this method
     *     cannot list; its callers list only the tasks they saw themselves
     * @throws JournalException if the journal cannot be read
     */
    default List<StoredTask> tasks(String tenant, String state, String type, long beforeId, int limit) {
        throw new UnsupportedOperationException("journal " + getClass().getName() + " cannot list its tasks"
                + " (Journal.tasks is not implemented); implement it to list tasks from before a restart");
    }

    /**
     * Finds the state to hand to the next agent of a type after a restart.
     *
     * @param type the agent type's name, not null
     * @return the newest {@link JournalRecord.SnapshotSaved} written for that type, or empty if
     *     none was
     */
    Optional<JournalRecord.SnapshotSaved> latestSnapshot(String type);

    /**
     * Whether this journal keeps pool state besides tasks: tenant spend
     * ({@link JournalRecord.SpendTotal}), paced resources' use ({@link JournalRecord.ResourceUsed})
     * and spawning strategies' learned state ({@link JournalRecord.StrategySaved}), and returns
     * them from {@link #load}. The pool writes those records only to a journal that says so, so
     * an implementation written before they existed keeps working (the pool then resets that
     * state at a restart, as without a journal).
     *
     * @return false by default; true if {@link #write} stores these records and {@link #load}
     *     returns them: the newest {@code SpendTotal} per tenant and resource, the
     *     {@code ResourceUsed} of at least the last 60 s (oldest first), and the newest
     *     {@code StrategySaved} per strategy
     */
    default boolean keepsPoolState() {
        return false;
    }

    /**
     * Whether writes may still succeed. False once this journal refuses every write for good
     * (closed, or fenced by another scheduler): the pool then stops retrying a failed write and
     * fails the results it held, instead of waiting for a journal that cannot come back.
     *
     * @return false once no later write can be stored; true by default
     */
    default boolean writable() {
        return true;
    }

    /** Flushes what was handed over and releases the journal. Idempotent. */
    @Override
    void close();
}
