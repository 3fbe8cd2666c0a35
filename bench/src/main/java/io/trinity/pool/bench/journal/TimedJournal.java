package io.trinity.pool.bench.journal;

import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalState;
import io.trinity.pool.journal.StoredTask;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * A journal seen from the pool's side: how long each {@link #write} takes to become durable,
 * split into the one-record writes {@code submit} waits for (an Accepted) and the loop's
 * per-batch writes (attempt and final records), whose durability a task's result waits for.
 * Lets the report say how much of a submit is the journal and how much is the rest.
 */
final class TimedJournal implements Journal {

    private final Journal delegate;
    private final Histogram accepted = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final Histogram batches = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final LongAdder batchRecords = new LongAdder();

    TimedJournal(Journal delegate) {
        this.delegate = delegate;
    }

    /** Clears what was recorded so far (the warm-up) and records from now on. */
    void reset() {
        accepted.reset();
        batches.reset();
        batchRecords.reset();
    }

    Histogram accepted() {
        return accepted;
    }

    Histogram batches() {
        return batches;
    }

    double recordsPerBatch() {
        long n = batches.getTotalCount();
        return n == 0 ? 0 : batchRecords.sum() / (double) n;
    }

    @Override
    public CompletableFuture<Void> write(List<JournalRecord> records) {
        long start = System.nanoTime();
        CompletableFuture<Void> f = delegate.write(records);
        boolean one = records.size() == 1 && records.getFirst() instanceof JournalRecord.Accepted;
        if (!one) {
            batchRecords.add(records.size());
        }
        f.whenComplete((v, e) -> (one ? accepted : batches).recordValue(System.nanoTime() - start));
        return f;
    }

    @Override
    public JournalState load() {
        return delegate.load();
    }

    @Override
    public Optional<StoredTask> find(long taskId) {
        return delegate.find(taskId);
    }

    @Override
    public Optional<StoredTask> findByIdempotencyKey(String tenant, String key) {
        return delegate.findByIdempotencyKey(tenant, key);
    }

    @Override
    public Optional<JournalRecord.SnapshotSaved> latestSnapshot(String type) {
        return delegate.latestSnapshot(type);
    }

    @Override
    public boolean keepsPoolState() {
        return delegate.keepsPoolState();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
