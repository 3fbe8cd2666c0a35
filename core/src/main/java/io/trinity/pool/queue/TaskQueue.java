package io.trinity.pool.queue;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The bounded priority queue of pending tasks, one lane per agent type.
 *
 * <p><b>Order.</b> Higher priority first, FIFO within a priority, with aging: a task gains one
 * priority point per {@code agingStep} it waits. Comparing {@code p1 + (now - t1)/A} with
 * {@code p2 + (now - t2)/A} is the same as comparing {@code p1*A - t1} with {@code p2*A - t2},
 * which does not depend on {@code now}; so each entry gets a fixed key at enqueue time and an
 * ordinary sorted set gives aged order with O(log n) offer, poll and remove. A task that waited
 * k steps longer than another beats it by up to k priority points: a steady stream of higher
 * priorities delays a low one but cannot starve it.
 *
 * <p><b>Lanes.</b> Dispatch takes from the lane of a type that has a free agent, so a task
 * waiting for a cold-starting type never blocks tasks of other types behind it.
 *
 * <p><b>Bound.</b> {@link #offer} refuses beyond the capacity; {@link #requeue} (retries,
 * preemptions) always succeeds, because a task already accepted must never be lost.
 *
 * <p>Not thread-safe: owned by the pool's control loop.
 */
public final class TaskQueue<E extends QueuedTask> {

    private final int capacity;
    private final long agingStepNanos;
    private final Map<String, TreeSet<Entry<E>>> lanes = new LinkedHashMap<>();
    private final Map<E, Entry<E>> entries = new HashMap<>();

    public TaskQueue(int capacity, long agingStepNanos) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1 (got " + capacity + ")");
        }
        if (agingStepNanos < 1) {
            throw new IllegalArgumentException("agingStep must be > 0 ns (got " + agingStepNanos + ")");
        }
        this.capacity = capacity;
        this.agingStepNanos = agingStepNanos;
    }

    /** Adds a new task; returns false, leaving the queue unchanged, when it is full. */
    public boolean offer(E task) {
        if (entries.size() >= capacity) {
            return false;
        }
        add(task);
        return true;
    }

    /** Puts back a task that was already accepted (retry, preemption), even past capacity. */
    public void requeue(E task) {
        add(task);
    }

    private void add(E task) {
        if (entries.containsKey(task)) {
            throw new IllegalStateException("task is already queued: " + task);
        }
        Entry<E> entry = new Entry<>(task, key(task.enqueuedNanos(), task.priority(), agingStepNanos));
        entries.put(task, entry);
        lanes.computeIfAbsent(task.lane(), k -> new TreeSet<>(Entry.ORDER)).add(entry);
    }

    /** enqueued - priority * step, saturating, so that a smaller key is served first. */
    static long key(long enqueuedNanos, int priority, long agingStepNanos) {
        long boost;
        try {
            boost = Math.multiplyExact((long) priority, agingStepNanos);
            return Math.subtractExact(enqueuedNanos, boost);
        } catch (ArithmeticException overflow) {
            return priority > 0 ? Long.MIN_VALUE / 2 - priority : Long.MAX_VALUE / 2 - priority;
        }
    }

    /** The next task of a lane, or null. */
    public E peek(String lane) {
        TreeSet<Entry<E>> set = lanes.get(lane);
        return set == null || set.isEmpty() ? null : set.first().task;
    }

    /** Removes and returns the next task of a lane, or null. */
    public E poll(String lane) {
        TreeSet<Entry<E>> set = lanes.get(lane);
        if (set == null || set.isEmpty()) {
            return null;
        }
        Entry<E> e = set.pollFirst();
        entries.remove(e.task);
        return e.task;
    }

    /** Removes a queued task; returns false if it was not queued. */
    public boolean remove(E task) {
        Entry<E> e = entries.remove(task);
        if (e == null) {
            return false;
        }
        lanes.get(task.lane()).remove(e);
        return true;
    }

    public boolean contains(E task) {
        return entries.containsKey(task);
    }

    public int size() {
        return entries.size();
    }

    public int size(String lane) {
        TreeSet<Entry<E>> set = lanes.get(lane);
        return set == null ? 0 : set.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Lanes that currently hold tasks (a live view; do not modify the queue while iterating it). */
    public Collection<String> lanes() {
        return lanes.keySet();
    }

    /** Every queued task, in no particular order (a copy). */
    public java.util.List<E> all() {
        return java.util.List.copyOf(entries.keySet());
    }

    /** Tasks of one lane in dispatch order (a copy). */
    public java.util.List<E> inOrder(String lane) {
        TreeSet<Entry<E>> set = lanes.get(lane);
        return set == null ? java.util.List.of() : set.stream().map(e -> e.task).toList();
    }

    private record Entry<E extends QueuedTask>(E task, long key) {
        static final Comparator<Entry<?>> ORDER = Comparator.<Entry<?>>comparingLong(Entry::key)
                .thenComparingLong(e -> e.task.sequence());
    }
}
