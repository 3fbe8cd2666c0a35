package io.trinity.pool.internal;

import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The loop's side of the journal. Records made during one loop batch are handed to the journal
 * in one {@link Journal#write} after the batch (the journal groups concurrent writes into one
 * commit), and the futures of tasks that ended in the batch complete only once that write is
 * durable: a caller never sees a final state a restart could take back. Without a journal the
 * batch's completions run on the loop as soon as the batch ends. Loop-only.
 *
 * <p>A completion runs no user code wherever it runs: it completes the task's own future, whose
 * only dependents relay to the callback executor ({@link TaskRecord#result()}). So without a
 * journal the loop runs them itself (no thread per task or batch), and with one they run as one
 * callback once the batch is durable.
 */
final class Durability {

    private static final java.util.concurrent.CompletableFuture<Void> DONE =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    private final Journal journal;
    private final Executor callbacks;
    private List<JournalRecord> batch = new ArrayList<>();
    private List<TaskRecord> completions = new ArrayList<>();


    /** The newest saved snapshot per agent type, offered to the next agent of that type. */
    private final Map<String, AgentSnapshot> snapshots = new HashMap<>();

    Durability(Journal journal, Executor callbacks) {
        this.journal = journal;
        this.callbacks = callbacks;
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
     * code) once this batch's records are durable; without a journal, once the batch ends.
     */
    void afterDurable(TaskRecord ended) {
        completions.add(ended);
    }

    /** Runs a batch's completions: here (on the loop) without a journal, else as one callback. */
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

    /**
     * Hands this batch's records to the journal (after every loop batch, and at termination);
     * the future completes once they are durable.
     */
    java.util.concurrent.CompletableFuture<Void> flushNow() {
        if (journal == null) {
            if (!completions.isEmpty()) {
                runAll(completions); // nothing to wait for; they add no completion themselves
                completions.clear();
            }
            return DONE;
        }
        if (batch.isEmpty() && completions.isEmpty()) {
            return DONE;
        }
        // A list handed on is never touched again: an empty one stays here and List.of() goes in
        // its place, else a later batch's ends would join a pending write's deliveries (early,
        // twice, and racing this loop's appends).
        List<TaskRecord> done = completions.isEmpty() ? List.of() : completions;
        if (!done.isEmpty()) {
            completions = new ArrayList<>();
        }
        if (batch.isEmpty()) {
            deliver(done);
            return DONE;
        }
        List<JournalRecord> records = batch;
        batch = new ArrayList<>();
        java.util.concurrent.CompletableFuture<Void> written;
        try {
            written = journal.write(records);
        } catch (RuntimeException e) { // a journal whose write throws at once: handled as a failed write
            written = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        return written.whenComplete((ok, failure) -> {
            if (failure != null) {
                // The pool goes on; these ends happened, but a restart may run their tasks again.
                Engine.LOG.error("journal: {} records could not be stored ({}); {} task results are delivered"
                        + " anyway, and a restart may run those tasks again", records.size(), failure.getMessage(),
                        done.size());
            }
            deliver(done);
        });
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
