package io.trinity.pool.journal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A journal in memory for core tests: it keeps what was written across "restarts" (a new pool
 * on the same instance), can refuse writes (a full disk), and can hold writes back so a test
 * sees what a caller sees before they are durable.
 */
public final class MemoryJournal implements Journal {

    private final Map<Long, StoredTask> tasks = new LinkedHashMap<>();
    private final Map<String, JournalRecord.SnapshotSaved> snapshots = new LinkedHashMap<>();
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private final List<List<JournalRecord>> heldRecords = new ArrayList<>();
    private boolean full;
    private boolean throwing;
    private boolean hold;
    public int writes;
    /** How many tasks each write that accepted any carried, in order. */
    public final List<Integer> acceptedPerWrite = new ArrayList<>();
    public boolean closed;
    /** The most records any one write carried. */
    public int largestWrite;

    public synchronized void full(boolean v) {
        full = v;
    }

    /** While set, write throws at once instead of returning a failed future (a journal with a bug, say). */
    public synchronized void throwing(boolean v) {
        throwing = v;
    }

    /** While holding, writes are queued and their futures stay incomplete until {@link #release}. */
    public synchronized void hold(boolean v) {
        hold = v;
    }

    private final java.util.concurrent.Semaphore heldWrites = new java.util.concurrent.Semaphore(0);

    /** Waits until a write is held (one per call); false if none came in time. */
    public boolean awaitHeld(long seconds) throws InterruptedException {
        return heldWrites.tryAcquire(seconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Fails every held write (nothing of them is stored) and stops holding. */
    public void failHeld(String why) {
        List<CompletableFuture<Void>> fs;
        synchronized (this) {
            heldRecords.clear();
            fs = new ArrayList<>(held);
            held.clear();
            hold = false;
        }
        fs.forEach(f -> f.completeExceptionally(new JournalException(why)));
    }

    public void release() {
        List<CompletableFuture<Void>> fs;
        synchronized (this) {
            for (List<JournalRecord> r : heldRecords) {
                r.forEach(this::apply);
            }
            heldRecords.clear();
            fs = new ArrayList<>(held);
            held.clear();
            hold = false;
        }
        fs.forEach(f -> f.complete(null));
    }

    @Override
    public synchronized JournalState load() {
        closed = false;
        List<StoredTask> pending = new ArrayList<>();
        List<StoredTask> dead = new ArrayList<>();
        long finals = 0;
        for (StoredTask t : tasks.values()) {
            if (!t.isFinal()) {
                pending.add(t);
            } else {
                finals++;
                if (t.state().equals("DEAD_LETTERED") && !cleared.contains(t.taskId())) {
                    dead.add(t);
                }
            }
        }
        pending.sort(Comparator.comparingLong(StoredTask::enqueuedAt).thenComparingLong(StoredTask::taskId));
        long max = tasks.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        return new JournalState(pending, dead, max, finals);
    }

    private final java.util.Set<Long> cleared = new java.util.HashSet<>();

    /**
     * Makes the held writes that {@code which} selects durable (in order) and completes their
     * futures; the others stay held.
     *
     * @return how many writes were released
     */
    public int releaseWhere(java.util.function.Predicate<List<JournalRecord>> which) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < heldRecords.size(); ) {
                if (which.test(heldRecords.get(i))) {
                    heldRecords.remove(i).forEach(this::apply);
                    fs.add(held.remove(i));
                } else {
                    i++;
                }
            }
        }
        fs.forEach(f -> f.complete(null));
        return fs.size();
    }

    @Override
    public CompletableFuture<Void> write(List<JournalRecord> records) {
        synchronized (this) {
            writes++;
            largestWrite = Math.max(largestWrite, records.size());
            int accepted = (int) records.stream().filter(r -> r instanceof JournalRecord.Accepted).count();
            if (accepted > 0) {
                acceptedPerWrite.add(accepted);
            }
            if (throwing) {
                throw new IllegalStateException("memory journal threw");
            }
            if (closed) {
                return CompletableFuture.failedFuture(new JournalException("memory journal is closed"));
            }
            if (full) {
                return CompletableFuture.failedFuture(new JournalException("memory journal is full"));
            }
            if (hold) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                held.add(f);
                heldRecords.add(List.copyOf(records));
                heldWrites.release();
                return f;
            }
            records.forEach(this::apply);
        }
        return CompletableFuture.completedFuture(null);
    }

    private void apply(JournalRecord r) {
        switch (r) {
            case JournalRecord.Accepted a -> tasks.put(a.taskId(), new StoredTask(a.taskId(), a.task(), a.tenant(),
                    a.idempotencyKey(), "QUEUED", 0, false, a.enqueuedAt(), 0, 0, null, List.of()));
            case JournalRecord.Started s -> update(s.taskId(), t -> new StoredTask(t.taskId(), t.task(), t.tenant(),
                    t.idempotencyKey(), "RUNNING", s.attempt(), true, t.enqueuedAt(), s.at(), 0, null, t.reasons()));
            case JournalRecord.Requeued q -> update(q.taskId(), t -> new StoredTask(t.taskId(), t.task(), t.tenant(),
                    t.idempotencyKey(), "QUEUED", q.spent() ? t.attempts() : t.attempts() - 1, false, t.enqueuedAt(),
                    t.startedAt(), 0, null, plus(t.reasons(), q.spent() ? q.reason() : null)));
            case JournalRecord.Finished f -> update(f.taskId(), t -> new StoredTask(t.taskId(), t.task(), t.tenant(),
                    t.idempotencyKey(), f.state(), f.attempts(), false, t.enqueuedAt(), t.startedAt(), f.at(), f.result(),
                    f.reasons(), f.attachments()));
            case JournalRecord.DeadLetterCleared c -> cleared.add(c.taskId());
            case JournalRecord.SnapshotSaved s -> snapshots.put(s.type(), s);
            // pool state: this journal does not keep it (keepsPoolState() stays false)
            case JournalRecord.SpendTotal s -> { }
            case JournalRecord.ResourceUsed u -> { }
            case JournalRecord.StrategySaved s -> { }
        }
    }

    private static List<String> plus(List<String> l, String r) {
        if (r == null) {
            return l;
        }
        List<String> out = new ArrayList<>(l);
        out.add(r);
        return out;
    }

    private void update(long id, java.util.function.UnaryOperator<StoredTask> f) {
        StoredTask t = tasks.get(id);
        if (t == null) {
            throw new IllegalStateException("record for task " + id + " before it was accepted");
        }
        tasks.put(id, f.apply(t));
    }

    @Override
    public synchronized Optional<StoredTask> find(long taskId) {
        return Optional.ofNullable(tasks.get(taskId));
    }

    @Override
    public synchronized Optional<StoredTask> findByIdempotencyKey(String tenant, String key) {
        return tasks.values().stream().filter(t -> t.tenant().equals(tenant) && key.equals(t.idempotencyKey()))
                .findFirst();
    }

    @Override
    public synchronized Optional<JournalRecord.SnapshotSaved> latestSnapshot(String type) {
        return Optional.ofNullable(snapshots.get(type));
    }

    public synchronized StoredTask stored(long id) {
        return tasks.get(id);
    }

    @Override
    public synchronized boolean writable() {
        return !closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
