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

    /** What the journal holds at start: the tasks to recover, in their enqueue order. */
    JournalState load();

    /** Hands records over for writing, in order; see the class contract. Never blocks. */
    CompletableFuture<Void> write(List<JournalRecord> records);

    /** A task as last stored (live or final within the retention), or empty. */
    Optional<StoredTask> find(long taskId);

    /** The task a tenant submitted with this idempotency key within the retention, or empty. */
    Optional<StoredTask> findByIdempotencyKey(String tenant, String key);

    /** The newest agent snapshot saved for a type, or empty. */
    Optional<JournalRecord.SnapshotSaved> latestSnapshot(String type);

    /** Flushes what was handed over and releases the journal. Idempotent. */
    @Override
    void close();
}
