package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.JournalRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: callers hand records over without blocking; one writer thread takes everything
 * pending, writes it in one transaction and commits, so a group of any size costs one sync.
 *
 * <p><b>Futures.</b> A call's future completes when its group commits. Groups commit in hand-over
 * order, so by then every record handed over before it is durable too, unless an earlier group
 * failed: that one's callers got the exception and nothing of it was stored. Futures are
 * completed on a separate thread, in commit order, so a slow callback never stalls the writer.
 *
 * <p><b>Commit delay.</b> Under load, waiting submitters tend to split into two groups that take
 * turns (one commits while the other gathers). After a group of several writes the writer keeps
 * the next one open a little while writes keep arriving (at most {@code commitDelay}, 0.5 ms by
 * default), so they share one sync; a light load never waits.
 *
 * <p>Records are encoded ({@link RecordWriter#encode}) by the caller, so a record that cannot be
 * stored fails its own call at once and never the group it would have joined.
 *
 * <p><b>Failure.</b> A failed commit is rolled back and fails only its own group, with a message
 * naming the journal and the cause ("journal ./data/trinity.db is full: ..."); the writer goes
 * on with later calls, so the journal recovers by itself once space is freed or the database
 * is back.
 *
 * <p><b>Bound.</b> At most {@code maxPending} records wait; a call that would pass the bound is
 * refused with a failed future (nothing of it stored) rather than letting memory grow while the
 * database cannot keep up. A group holds at most about {@code maxGroup} records so one commit
 * stays short.
 *
 * <p><b>Fencing.</b> A journal opened with {@code fencedBy(epoch)} checks the epoch first in each
 * group's transaction and in each retention pass (one statement per transaction, see
 * {@link Fence}); once it was refused, every later write and pass fails at once, without a
 * round trip, with the same message.
 *
 * <p>The writer also runs the retention pass (see {@link Retention}) every {@code pruneEvery}.
 */
final class GroupCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    private sealed interface Item permits Write, Prune, Stop {
    }

    private record Write(List<RecordWriter.Row> records, CompletableFuture<Void> future) implements Item {
    }

    private record Prune(CompletableFuture<Retention.Pruned> future) implements Item {
    }

    private record Stop() implements Item {
    }

    private final Database db;
    private final RecordWriter writer;
    private final Retention retention;
    private final Settings settings;
    private final Fence fence;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final AtomicLong pendingRecords = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong failedCommits = new AtomicLong();
    private final AtomicLong recordsWritten = new AtomicLong();
    private final AtomicLong heldOpen = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ExecutorService completer;
    private volatile Thread completerThread;
    private final Thread thread;
    private volatile boolean closed;
    private volatile CountDownLatch hold;
    private String lastFailure;
    private int lastGroupWrites;

    GroupCommitter(Database db, Settings settings) {
        this.db = db;
        this.settings = settings;
        this.fence = new Fence(db.name(), settings.fencedBy(), settings.onFenced());
        this.writer = new RecordWriter(db.dialect());
        this.retention = new Retention(settings.retain().toMillis(), settings.retainCount());
        this.completer = Executors.newSingleThreadExecutor(r -> completerThread = daemon(r, "trinity-journal-complete"));
        this.thread = daemon(this::run, "trinity-journal-writer");
        thread.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A prune may wait this many times writeTimeout for the database. */
    static final int PRUNE_TIMEOUT_FACTOR = 10;

    CompletableFuture<Void> write(List<JournalRecord> records) {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        if (fence.isTripped()) {
            return CompletableFuture.failedFuture(fence.tripped());
        }
        List<RecordWriter.Row> copy;
        try {
            // Encoded here, on the caller's thread: the writer's time is the journal's throughput.
            copy = writer.encode(records);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new JournalException("journal " + db.name() + ": " + e.getMessage()
                    + "; nothing of this write was stored", e));
        }
        long after = pendingRecords.addAndGet(copy.size());
        if (after > settings.maxPending() && !copy.isEmpty()) {
            pendingRecords.addAndGet(-copy.size());
            return CompletableFuture.failedFuture(new JournalException("journal " + db.name() + " has " + (after - copy.size())
                    + " records waiting to be written, and " + copy.size() + " more would pass maxPending="
                    + settings.maxPending() + ": the database is not keeping up (slow disk, database down?);"
                    + " nothing of this write was stored"));
        }
        Write w = new Write(copy, new CompletableFuture<>());
        queue.add(w);
        // close() may have drained the queue between the check above and the add.
        if (closed && queue.remove(w)) {
            pendingRecords.addAndGet(-copy.size());
            w.future.completeExceptionally(closedError());
        }
        return w.future;
    }

    CompletableFuture<Retention.Pruned> prune() {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        Prune p = new Prune(new CompletableFuture<>());
        queue.add(p);
        if (closed && queue.remove(p)) {
            p.future.completeExceptionally(closedError());
        }
        return p.future;
    }

    /** Whether {@link #close} began: every later write fails. */
    boolean closed() {
        return closed;
    }

    /** Whether a write was refused because another scheduler took over; then every write fails. */
    boolean fenced() {
        return fence.isTripped();
    }

    long commits() {
        return commits.get();
    }

    long failedCommits() {
        return failedCommits.get();
    }

    long recordsWritten() {
        return recordsWritten.get();
    }

    /** Groups kept open for more writers (the commit delay applied). */
    long heldOpen() {
        return heldOpen.get();
    }

    long pendingRecords() {
        return pendingRecords.get();
    }

    /** Test hook: the writer waits, after taking its next item, until {@link #release}. */
    void hold() {
        hold = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch h = hold;
        hold = null;
        if (h != null) {
            h.countDown();
        }
    }

    private void run() {
        long pruneNanos = settings.pruneEvery().isZero() ? Long.MAX_VALUE : settings.pruneEvery().toNanos();
        long nextPrune = System.nanoTime() + Math.min(pruneNanos, Long.MAX_VALUE / 2);
        List<Item> group = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            Item first;
            try {
                first = queue.poll(Math.max(0, nextPrune - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (first != null) {
                awaitHold();
                group.clear();
                stop = collect(first, group);
                commit(group);
                for (Item i : group) {
                    if (i instanceof Prune p) {
                        runPrune(p.future);
                    }
                }
            }
            if (System.nanoTime() - nextPrune >= 0) {
                runPrune(null);
                nextPrune = System.nanoTime() + Math.min(pruneNanos, Long.MAX_VALUE / 2);
            }
        }
    }

    /** Writers a group must have held for the next one to wait for more (commit siblings). */
    private static final int SIBLINGS = 8;

    /**
     * Takes what is pending into {@code group}, up to about maxGroup records; true on Stop. After
     * a group of at least {@link #SIBLINGS} writes it keeps the group open while writes keep
     * coming, for at most {@code commitDelay} (see {@link JdbcJournal.Builder#commitDelay}).
     */
    private boolean collect(Item first, List<Item> group) {
        long records = 0;
        int writes = 0;
        long delay = settings.commitDelay().toNanos();
        boolean gather = delay > 0 && lastGroupWrites >= SIBLINGS;
        if (gather) {
            heldOpen.incrementAndGet();
        }
        long deadline = System.nanoTime() + delay;
        long gap = delay / 4;
        Item next = first;
        while (true) {
            if (next == null) {
                long left = Math.min(gap, deadline - System.nanoTime());
                if (!gather || left <= 0) {
                    break;
                }
                try {
                    next = queue.poll(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (next == null) {
                    break;
                }
            }
            group.add(next);
            if (next instanceof Stop) {
                return true;
            }
            if (next instanceof Write w) {
                records += w.records.size();
                writes++;
            } else {
                gather = false; // a prune or a test hold: commit what is there
            }
            if (records >= settings.maxGroup()) {
                break;
            }
            next = queue.poll();
        }
        lastGroupWrites = writes;
        return false;
    }

    private void awaitHold() {
        CountDownLatch h = hold;
        while (h != null) {
            try {
                h.await();
                return;
            } catch (InterruptedException e) {
                // Only close() interrupts nothing here; keep waiting for the release.
            }
        }
    }

    private void commit(List<Item> group) {
        List<Write> writes = new ArrayList<>();
        List<RecordWriter.Row> all = new ArrayList<>();
        for (Item i : group) {
            if (i instanceof Write w) {
                writes.add(w);
                all.addAll(w.records);
            }
        }
        if (writes.isEmpty()) {
            return;
        }
        JournalException fenced = fence.tripped();
        if (fenced != null) {
            pendingRecords.addAndGet(-all.size());
            completer.execute(() -> writes.forEach(w -> w.future.completeExceptionally(fenced)));
            return;
        }
        JournalException refused = null;
        try {
            if (!all.isEmpty()) {
                try (Connection c = db.connection()) {
                    c.setAutoCommit(false);
                    try {
                        db.limitWrite(c, settings.writeTimeout());
                        refused = fence.check(c);
                        if (refused == null) {
                            writer.write(c, all);
                            c.commit();
                        } else {
                            c.rollback();
                        }
                    } catch (SQLException | RuntimeException e) {
                        rollback(c);
                        db.discard(c);
                        throw e;
                    }
                }
                if (refused != null) {
                    // Fence logged it once; every later group fails above without a round trip.
                    pendingRecords.addAndGet(-all.size());
                    failedCommits.incrementAndGet();
                    JournalException error = refused;
                    completer.execute(() -> writes.forEach(w -> w.future.completeExceptionally(error)));
                    return;
                }
                commits.incrementAndGet();
                recordsWritten.addAndGet(all.size());
            }
            pendingRecords.addAndGet(-all.size());
            lastFailure = null;
            completer.execute(() -> writes.forEach(w -> w.future.complete(null)));
        } catch (SQLException | RuntimeException e) {
            pendingRecords.addAndGet(-all.size());
            failedCommits.incrementAndGet();
            JournalException error = Failures.write(db.name(), e, settings.writeTimeout());
            logOnce(error);
            completer.execute(() -> writes.forEach(w -> w.future.completeExceptionally(error)));
        }
    }

    private void runPrune(CompletableFuture<Retention.Pruned> future) {
        if (fence.isTripped()) {
            if (future != null) {
                JournalException error = fence.tripped();
                completer.execute(() -> future.completeExceptionally(error));
            }
            return;
        }
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            Retention.Pruned pruned;
            try {
                // A prune may delete many rows: it gets longer than a group commit, but never for ever.
                db.limitWrite(c, settings.writeTimeout().multipliedBy(PRUNE_TIMEOUT_FACTOR));
                JournalException refused = fence.check(c);
                if (refused != null) {
                    c.rollback();
                    if (future != null) {
                        completer.execute(() -> future.completeExceptionally(refused));
                    }
                    return;
                }
                pruned = retention.prune(c, settings.clock().millis());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                db.discard(c);
                throw e;
            }
            if (pruned.tasks() + pruned.snapshots() > 0) {
                LOG.debug("journal {}: retention dropped {} final tasks ({} by age, {} by count) and {} snapshots",
                        db.name(), pruned.tasks(), pruned.byAge(), pruned.byCount(), pruned.snapshots());
            }
            if (future != null) {
                completer.execute(() -> future.complete(pruned));
            }
        } catch (SQLException | RuntimeException e) {
            JournalException error = new JournalException(Failures.describe(db.name(),
                    "could not apply its retention", e), e);
            if (future != null) {
                completer.execute(() -> future.completeExceptionally(error));
            } else {
                logOnce(error);
            }
        }
    }

    /** One warning per distinct failure, so an outage logs once, not once per group. */
    private void logOnce(JournalException error) {
        if (!error.getMessage().equals(lastFailure)) {
            lastFailure = error.getMessage();
            LOG.warn(error.getMessage());
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the pool discards it and the group is reported failed.
        }
    }

    private JournalException closedError() {
        return new JournalException("journal " + db.name() + " is closed; nothing of this write was stored");
    }

    /** Writes everything handed over before this call, then stops the writer. Idempotent. */
    void close() {
        if (closing.compareAndSet(false, true)) {
            closed = true;
            release();
            queue.add(new Stop());
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (Item left = queue.poll(); left != null; left = queue.poll()) {
            if (left instanceof Write w) {
                pendingRecords.addAndGet(-w.records.size());
                w.future.completeExceptionally(closedError());
            } else if (left instanceof Prune p) {
                p.future.completeExceptionally(closedError());
            }
        }
        completer.shutdown();
        try {
            // closed from one of its own callbacks (a pool's shutdown): it ends after that one
            if (Thread.currentThread() != completerThread && !completer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("journal {}: callbacks of its futures still run 30 s after close", db.name());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
