package io.trinity.pool.internal;

import io.trinity.pool.PoolException;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.time.PoolClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The loop's side of the journal. Records made during loop batches are handed to the journal
 * in one {@link Journal#write} at a time (the journal groups concurrent writes into one commit),
 * and the futures of tasks that ended complete only once their records are durable: a caller
 * never sees a final state a restart could take back. Without a journal the batch's completions
 * run on the loop as soon as the batch ends. Loop-only.
 *
 * <p><b>One write at a time.</b> While a write is in the journal's hands, later batches' records
 * wait here and go in the next write, all together, once it has returned. Why: a failed write
 * stores nothing, and a journal's writes after a failed one may still succeed (the database came
 * back between two groups). Records of one task must be stored in the order they happened (a
 * task's {@code Started} stored after its {@code Finished} would make it RUNNING again), so a
 * failed write is retried <em>before</em> anything newer is handed over, which needs the loop's
 * writes in sequence. It costs little: the journal commits one group at a time anyway, and the
 * records waiting meanwhile share the next write.
 *
 * <p><b>A write that fails</b> (disk full, database down) keeps its records and the ends waiting
 * on them; it is tried again, with everything newer after it, after {@link #FIRST_RETRY_NANOS},
 * doubling up to {@link #MAX_RETRY_NANOS}, until it is stored. Meanwhile those tasks' futures
 * stay incomplete, and an outage is logged when it starts and when it ends. During shutdown
 * ({@link #drain}) the retries go on for {@link #SHUTDOWN_PATIENCE_NANOS}, and so does the wait for a
 * write that never answers (a database connection that hangs); what is still not stored then
 * fails its future with a {@link PoolException} saying a
 * restart runs the task again (or fails it, after its last attempt), so no caller waits forever
 * and none sees an end that was not kept. A journal that can no longer store anything
 * ({@link Journal#writable()} false: closed, fenced) is given up at once, running or not.
 *
 * <p>A completion runs no user code wherever it runs: it completes the task's own future, whose
 * only dependents relay to the callback executor ({@link TaskRecord#result()}). So without a
 * journal the loop runs them itself (no thread per task or batch), and with one they run as one
 * callback once the write is durable.
 */
final class Durability {

    private static final CompletableFuture<Void> DONE =
            CompletableFuture.completedFuture(null);

    /** The first wait before a failed write is tried again; doubled after each failure. */
    static final long FIRST_RETRY_NANOS = 100_000_000L;
    /** The longest wait between two tries of a failed write. */
    static final long MAX_RETRY_NANOS = 5_000_000_000L;
    /** The most records one write carries; a larger backlog goes in order, in chunks of this. */
    static final int MAX_RECORDS_PER_WRITE = 4_096;
    /** How long shutdown keeps trying to store what a failed write held. */
    static final long SHUTDOWN_PATIENCE_NANOS = 10_000_000_000L;

    private final Journal journal;
    private final Executor callbacks;
    private final PoolClock clock;
    /** Posts a command to the loop (a write's outcome and a retry are handled there). */
    private final Consumer<Runnable> post;
    /** Records not yet handed to the journal, oldest first (a failed write's at the head). */
    private List<JournalRecord> batch = new ArrayList<>();
    /** Ends waiting for the records in {@link #batch}. */
    private List<TaskRecord> completions = new ArrayList<>();
    /** A write is in the journal's hands. */
    private boolean writing;
    /** The records of the write out. */
    private int outstanding;
    /** The ends waiting for the write out. */
    private List<TaskRecord> inFlight = List.of();
    /** Counts writes handed over; an answer to a write given up at shutdown is told apart by it. */
    private long writeNumber;
    /** A failed write waits for its retry timer. */
    private boolean retrying;
    private long retryNanos = FIRST_RETRY_NANOS;
    /** When the current outage began (the first failed write since the last stored one), or -1. */
    private long failingSince = -1;
    private int failedTries;
    /** Why the last write failed and its cause, for a give-up at shutdown. */
    private String lastWhy;
    private Throwable lastCause;
    /** Completed once nothing is held, after {@link #drain}. */
    private CompletableFuture<Void> drained;

    /** The newest saved snapshot per agent type, offered to the next agent of that type. */
    private final Map<String, AgentSnapshot> snapshots = new HashMap<>();

    Durability(Journal journal, Executor callbacks, PoolClock clock, Consumer<Runnable> post) {
        this.journal = journal;
        this.callbacks = callbacks;
        this.clock = clock;
        this.post = post;
    }

    boolean enabled() {
        return journal != null;
    }

    void record(JournalRecord r) {
        if (journal != null) {
            batch.add(r);
        }
    }

    /**
     * Delivers the end of a task ({@link Engine#deliverEnd}: completes its future, runs no user
     * code) once the records made so far are durable; without a journal, once the batch ends.
     */
    void afterDurable(TaskRecord ended) {
        completions.add(ended);
    }

    /** Runs completions: here (on the loop) without a journal, else as one callback. */
    private void deliver(List<TaskRecord> done) {
        if (done.isEmpty()) {
            return;
        }
        if (journal == null) {
            runAll(done);
        } else {
            callbacks.execute(() -> runAll(done));
        }
    }

    private static void runAll(List<TaskRecord> done) {
        for (int i = 0; i < done.size(); i++) {
            TaskRecord r = done.get(i);
            try {
                r.engine().deliverEnd(r);
            } catch (RuntimeException e) {
                Engine.LOG.error("completing a task's future threw (a bug); the other results are delivered", e);
            }
        }
    }

    /** After every loop batch: hands what the batch recorded to the journal, unless a write is out. */
    void flushNow() {
        if (journal == null) {
            if (!completions.isEmpty()) {
                runAll(completions); // nothing to wait for; they add no completion themselves
                completions.clear();
            }
            return;
        }
        if (!writing && !retrying) {
            writeHeld();
        }
    }

    /**
     * At shutdown, after the loop's last records: completes once everything held is stored (or,
     * after {@link #SHUTDOWN_PATIENCE_NANOS}, given up and those futures failed: see {@link #patienceOver}).
     */
    CompletableFuture<Void> drain() {
        if (journal == null) {
            flushNow();
            return DONE;
        }
        flushNow();
        if (idle()) {
            return DONE;
        }
        if (drained == null) {
            drained = new CompletableFuture<>();
            // One timer for both a journal that keeps failing and a write that never answers.
            clock.schedule(java.time.Duration.ofNanos(SHUTDOWN_PATIENCE_NANOS), () -> post.accept(this::patienceOver));
        }
        return drained;
    }

    /** Records made and not yet stored: the write out, and those waiting (a failed write's too). */
    int heldRecords() {
        return outstanding + batch.size();
    }

    private boolean idle() {
        return !writing && !retrying && batch.isEmpty() && completions.isEmpty();
    }

    private void writeHeld() {
        if (batch.isEmpty()) {
            // nothing to store, and nothing stored before is still out: these ends are durable
            if (!completions.isEmpty()) {
                List<TaskRecord> done = completions;
                completions = new ArrayList<>();
                deliver(done);
            }
            afterChange();
            return;
        }
        // A list handed on is never touched again: later batches go into fresh lists. A backlog
        // goes in chunks, in order, so one write stays well inside a journal's bounds (a write
        // larger than its maxPending would be refused however often it is tried); the ends
        // wait for the last chunk.
        List<JournalRecord> records;
        List<TaskRecord> done;
        if (batch.size() <= MAX_RECORDS_PER_WRITE) {
            records = batch;
            done = completions;
            batch = new ArrayList<>();
            completions = new ArrayList<>();
        } else {
            records = new ArrayList<>(batch.subList(0, MAX_RECORDS_PER_WRITE));
            batch = new ArrayList<>(batch.subList(MAX_RECORDS_PER_WRITE, batch.size()));
            done = List.of();
        }
        writing = true;
        outstanding = records.size();
        inFlight = done;
        long number = ++writeNumber;
        CompletableFuture<Void> written;
        try {
            written = journal.write(records);
            if (written == null) {
                written = CompletableFuture.failedFuture(new NullPointerException(
                        "the journal's write returned null instead of a future (a bug in " + journal.getClass().getName() + ")"));
            }
        } catch (Throwable e) { // a journal whose write throws at once: handled as a failed write
            written = CompletableFuture.failedFuture(e);
        }
        written.whenComplete((ok, failure) -> post.accept(() -> written(number, records, done, failure)));
    }

    /** Loop: the outcome of the write of {@code records}. */
    private void written(long number, List<JournalRecord> records, List<TaskRecord> done, Throwable failure) {
        if (number != writeNumber || !writing) {
            // Given up at shutdown (patienceOver): its tasks' futures have failed already.
            Engine.LOG.warn("journal: a write of {} records given up at shutdown answered after all ({})",
                    records.size(), failure == null ? "stored" : "failed");
            return;
        }
        writing = false;
        outstanding = 0;
        inFlight = List.of();
        if (failure == null) {
            if (failingSince >= 0) {
                Engine.LOG.warn("journal: stored again after {} failed tries over {} ms; the {} task results"
                        + " held meanwhile are delivered", failedTries,
                        (clock.nanoTime() - failingSince) / 1_000_000, done.size());
                failingSince = -1;
                failedTries = 0;
                lastWhy = null;
                lastCause = null;
                retryNanos = FIRST_RETRY_NANOS;
            }
            deliver(done);
            writeHeld();
            return;
        }
        // Nothing of it was stored: it goes first again, before anything newer.
        batch = prepend(records, batch);
        completions = prepend(done, completions);
        long now = clock.nanoTime();
        failedTries++;
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String why = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
        lastWhy = why;
        lastCause = cause;
        if (!journal.writable()) { // closed or fenced: no later try can succeed
            giveUp(why, cause);
            return;
        }
        if (failingSince < 0) {
            failingSince = now;
            Engine.LOG.error("journal: {} records could not be stored ({}); the results of {} tasks wait until"
                    + " they are, and the write is tried again every {} ms or less", batch.size(), why,
                    completions.size(), MAX_RETRY_NANOS / 1_000_000);
        }
        retrying = true;
        long wait = retryNanos;
        retryNanos = Math.min(MAX_RETRY_NANOS, retryNanos * 2);
        clock.schedule(java.time.Duration.ofNanos(wait), () -> post.accept(this::retry));
    }

    private void retry() {
        retrying = false;
        writeHeld();
    }

    /**
     * Loop, {@link #SHUTDOWN_PATIENCE_NANOS} after {@link #drain} began: whatever is still held
     * is given up, the ends of a write still out included (the journal has not answered it; it
     * may yet store it, so a restart may find those tasks ended).
     */
    private void patienceOver() {
        if (drained == null || idle()) {
            return;
        }
        String why = lastWhy != null ? lastWhy : "the journal did not store them within "
                + SHUTDOWN_PATIENCE_NANOS / 1_000_000_000L + " s of shutdown";
        Throwable cause = lastCause;
        if (writing) {
            cause = null;
            why = "the journal has not answered a write within " + SHUTDOWN_PATIENCE_NANOS / 1_000_000_000L
                    + " s of shutdown, and may yet store it";
            Engine.LOG.error("journal: a write of {} records has not answered {} s into shutdown; it is given up",
                    outstanding, SHUTDOWN_PATIENCE_NANOS / 1_000_000_000L);
            completions = prepend(inFlight, completions);
            writing = false;
            outstanding = 0;
            inFlight = List.of();
        }
        retrying = false; // a retry still scheduled finds nothing held and changes nothing
        giveUp(why, cause);
    }

    /**
     * Shutdown's patience ran out, or the journal can no longer store anything (closed, fenced):
     * the held ends fail instead of waiting forever.
     */
    private void giveUp(String why, Throwable cause) {
        Engine.LOG.error("journal: {} records will not be stored ({}); the {} tasks whose ends they hold get a"
                + " failed result, and a restart on this journal runs them again (or, after their last attempt,"
                + " fails them)", batch.size(), why, completions.size());
        for (TaskRecord r : completions) {
            r.engine().abandonEnd(r, new PoolException("task " + r.id + " ended, but the journal could not store"
                    + " its end (" + why + "); a restart on this journal runs it again, or fails it if that was its"
                    + " last attempt", cause));
        }
        batch = new ArrayList<>();
        completions = new ArrayList<>();
        afterChange();
    }

    private void afterChange() {
        if (drained != null && idle()) {
            CompletableFuture<Void> d = drained;
            drained = null;
            d.complete(null);
        }
    }

    private static <T> List<T> prepend(List<T> first, List<T> then) {
        if (then.isEmpty()) {
            return new ArrayList<>(first);
        }
        List<T> all = new ArrayList<>(first.size() + then.size());
        all.addAll(first);
        all.addAll(then);
        return all;
    }

    /** Closes the journal once everything handed over is durable. */
    void close() {
        if (journal != null) {
            try {
                journal.close();
            } catch (RuntimeException e) {
                Engine.LOG.warn("journal: close failed", e);
            }
        }
    }

    void snapshotSaved(AgentSnapshot snapshot, long atMillis) {
        snapshots.put(snapshot.type(), snapshot);
        record(new JournalRecord.SnapshotSaved(snapshot.type(), snapshot.agentId(), snapshot.state(), atMillis));
    }

    /** With a journal, the newest snapshot saved for the type (in this run or before a restart). */
    Optional<AgentSnapshot> latestSnapshot(String type) {
        return journal == null ? Optional.empty() : Optional.ofNullable(snapshots.get(type));
    }

    void seedSnapshot(AgentSnapshot snapshot) {
        snapshots.put(snapshot.type(), snapshot);
    }
}
