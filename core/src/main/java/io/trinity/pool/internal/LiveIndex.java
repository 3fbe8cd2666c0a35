package io.trinity.pool.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The engine's index of tasks not yet final by id, read by {@link Engine#task(long)} from any
 * thread, written by {@code submit} (put, on the submitting threads) and once per task by the
 * thread that delivers its end (remove: the loop, the callback executor after a journal write,
 * or the submitting thread when the journal refused the task).
 *
 * <p>Why our own and not a {@link ConcurrentHashMap}: with one put on the submitting thread and
 * one remove on the loop per task, the map's shared size counter and its bins moved between the
 * two cores on every task and cost 14% of the pool's no-op dispatch throughput (JMH
 * {@code DispatchBench}, least-loaded, 1 submitter, three alternating rounds each: 404–410 k
 * tasks/s with the map, 464–468 k without any index). Ids come from one counter, so the tasks
 * alive at once hold a narrow band of ids: a ring of slots indexed by the id's low bits holds
 * all of them unless one outlives {@code size} newer ids, with no counter and no boxing. When
 * such a long-lived task (a slow one, a retry waiting its backoff, a task recovered from the
 * journal) still holds a slot, the newer task that maps to it goes to an overflow map instead; a
 * task never moves once put.
 *
 * <p>Consecutive ids land 16 slots apart (their low bits rotated), so the submitting thread
 * writing a new id and the loop clearing one a few ids older do not share a cache line.
 */
final class LiveIndex {

    /** Slots per cache line (4-byte compressed references, 64-byte lines): the stride of consecutive ids. */
    private static final int SPREAD_BITS = 4;
    static final int MIN_SLOTS = 1 << 10;
    static final int MAX_SLOTS = 1 << 16;

    private final AtomicReferenceArray<TaskRecord> ring;
    private final int bits;
    private final int mask;
    private final ConcurrentHashMap<Long, TaskRecord> overflow = new ConcurrentHashMap<>();

    /** @param expectedLive about how many tasks are alive at once (queued, running, ending); sizes the ring */
    LiveIndex(long expectedLive) {
        long wanted = Math.max(MIN_SLOTS, 2 * Math.min(MAX_SLOTS, Math.max(0, expectedLive)));
        int slots = (int) Math.min(MAX_SLOTS, Long.highestOneBit(wanted - 1) << 1);
        this.ring = new AtomicReferenceArray<>(slots);
        this.bits = Integer.numberOfTrailingZeros(slots);
        this.mask = slots - 1;
    }

    private int slot(long id) {
        int i = (int) id & mask;
        return ((i << SPREAD_BITS) | (i >>> (bits - SPREAD_BITS))) & mask;
    }

    /** Adds a task; each task is put once and keeps its place until removed. */
    void put(TaskRecord r) {
        int i = slot(r.id);
        if (ring.get(i) == null && ring.compareAndSet(i, null, r)) {
            return;
        }
        overflow.put(r.id, r);
    }

    /** Removes this task (no other with its id). */
    void remove(TaskRecord r) {
        int i = slot(r.id);
        if (ring.compareAndSet(i, r, null)) { // a CAS, not a set: a repeated remove never clears a newer task
            return;
        }
        overflow.remove(r.id, r);
    }

    /** The live task with this id, or null. */
    TaskRecord get(long id) {
        TaskRecord r = ring.get(slot(id));
        if (r != null && r.id == id) {
            return r;
        }
        return overflow.get(id);
    }

    /** Tasks in the overflow map. For tests. */
    int overflowed() {
        return overflow.size();
    }

    /** Slots in the ring. For tests. */
    int slots() {
        return ring.length();
    }
}
