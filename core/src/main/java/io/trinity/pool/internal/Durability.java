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
 * batch's completions go to the callback executor as soon as the batch ends. Loop-only.
 *
 * <p>A batch's completions run as one callback (one thread start per batch, not per task),
 * except that a future someone has attached a stage to gets a callback of its own: its stage
 * is user code and may block, and must not delay the other results of the batch.
 */
final class Durability {

    private final Journal journal;
    private final Executor callbacks;
    private List<JournalRecord> batch = new ArrayList<>();
    private List<Completion> completions = new ArrayList<>();

    /** A task's end to deliver: {@code run} completes {@code future}. */
    record Completion(java.util.concurrent.CompletableFuture<?> future, Runnable run) {
    }
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
     * Runs {@code completion}, which completes {@code future}, on the callback executor once this
     * batch's records are durable (without a journal: once the batch ends).
     */
    void afterDurable(java.util.concurrent.CompletableFuture<?> future, Runnable completion) {
        completions.add(new Completion(future, completion));
    }

    /** Hands a batch's completions to the callback executor (see the class comment). */
    private void deliver(List<Completion> done) {
        if (done.isEmpty()) {
            return;
        }
        callbacks.execute(() -> {
            for (Completion c : done) {
                if (c.future().getNumberOfDependents() > 0) {
                    callbacks.execute(c.run()); // a stage is attached: user code, its own thread
                } else {
                    try {
                        c.run().run();
                    } catch (RuntimeException e) {
                        Engine.LOG.warn("completing a task's future threw; the other results are delivered", e);
                    }
                }
            }
        });
    }

    /**
     * Hands this batch's records to the journal (after every loop batch, and at termination);
     * the future completes once they are durable.
     */
    java.util.concurrent.CompletableFuture<Void> flushNow() {
        if (batch.isEmpty() && completions.isEmpty()) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        List<JournalRecord> records = batch;
        List<Completion> done = completions;
        batch = records.isEmpty() ? records : new ArrayList<>();
        completions = done.isEmpty() ? done : new ArrayList<>();
        if (records.isEmpty()) {
            deliver(done);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        return journal.write(records).whenComplete((ok, failure) -> {
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
