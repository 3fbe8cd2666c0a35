package io.trinity.pool.queue;

import io.trinity.pool.queue.FairLane.Entry;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The bounded priority queue of pending tasks, one lane per agent type, each lane shared
 * fairly between tenants.
 *
 * <p><b>Order within a tenant.</b> Higher priority first, FIFO within a priority, with aging:
 * a task gains one priority point per {@code agingStep} it waits. Comparing
 * {@code p1 + (now - t1)/A} with {@code p2 + (now - t2)/A} is the same as comparing
 * {@code p1*A - t1} with {@code p2*A - t2}, which does not depend on {@code now}; so each entry
 * gets a fixed key at enqueue time and an ordinary sorted set gives aged order with O(log n)
 * offer, poll and remove. A task that waited k steps longer than another beats it by up to k
 * priority points: a steady stream of higher priorities delays a low one but cannot starve it.
 *
 * <p><b>Between tenants.</b> Weighted fair queueing ({@link FairLane}): each lane serves the
 * tenant that has received the least service for its weight, so one tenant submitting ten
 * times more than another cannot push it beyond its share. With a single tenant (the default)
 * the order is exactly the aged-priority order above.
 *
 * <p><b>Lanes.</b> Dispatch takes from the lane of a type that has a free agent, so a task
 * waiting for a cold-starting type never blocks tasks of other types behind it. Within a lane,
 * {@link #next} finds the first task a {@link Gate} lets through, so a task held back (its
 * provider's rate limit, its tenant's running limit) does not block the tasks behind it.
 *
 * <p><b>Bound.</b> {@link #offer} refuses beyond the capacity; {@link #requeue} (retries,
 * preemptions) always succeeds, because a task already accepted must never be lost.
 *
 * <p>Not thread-safe: owned by the pool's control loop.
 */
public final class TaskQueue<E extends QueuedTask> {

    /** Decides, during one dispatch pass, which queued tasks may start now. */
    public interface Gate<E> {
        /** False when none of the tenant's tasks may start (its running limit, say). */
        default boolean tenantOpen(String tenant) {
            return true;
        }

        /** Whether this task may start now. */
        boolean admit(E task);
    }

    private static final Gate<Object> OPEN = task -> true;

    private final int capacity;
    private final long agingStepNanos;
    private final ToDoubleFunction<String> weights;
    private final double credit;
    private final Map<String, FairLane<E>> lanes = new LinkedHashMap<>();
    private final Map<E, Entry<E>> entries = new HashMap<>();

    /** A queue where every tenant has weight 1 and no credit. */
    public TaskQueue(int capacity, long agingStepNanos) {
        this(capacity, agingStepNanos, tenant -> 1.0, 0);
    }

    /**
     * @param weights tenant weights (> 0), read once per tenant and lane
     * @param credit  how far (in cost units per unit of weight) a tenant returning from idle
     *                may get ahead of the busy ones; see {@link FairLane}
     */
    public TaskQueue(int capacity, long agingStepNanos, ToDoubleFunction<String> weights, double credit) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1 (got " + capacity + ")");
        }
        if (agingStepNanos < 1) {
            throw new IllegalArgumentException("agingStep must be > 0 ns (got " + agingStepNanos + ")");
        }
        if (!(credit >= 0) || Double.isInfinite(credit)) {
            throw new IllegalArgumentException("fairness credit must be a finite number >= 0 (got " + credit + ")");
        }
        this.capacity = capacity;
        this.agingStepNanos = agingStepNanos;
        this.weights = java.util.Objects.requireNonNull(weights, "weights");
        this.credit = credit;
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
        Entry<E> entry = new Entry<>(task, key(task.enqueuedNanos(), task.priority(), agingStepNanos));
        if (entries.putIfAbsent(task, entry) != null) { // one lookup: a task is added on every submit
            throw new IllegalStateException("task is already queued: " + task);
        }
        FairLane<E> l = lane(task.lane());
        if (l == null) {
            l = new FairLane<>(weights, credit);
            lanes.put(task.lane(), l);
        }
        try {
            l.add(entry);
        } catch (RuntimeException e) { // a tenant's weight refused: the task is not queued at all
            entries.remove(task);
            throw e;
        }
    }

    /** The lane, or null; a dispatch asks for the same lane several times, with the same String. */
    private FairLane<E> lane(String name) {
        if (name == lastLaneName) {
            return lastLane;
        }
        FairLane<E> l = lanes.get(name);
        if (l != null) {
            lastLaneName = name;
            lastLane = l;
        }
        return l;
    }

    private String lastLaneName;
    private FairLane<E> lastLane;

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

    /** The task a lane would serve next if nothing were held back, or null. */
    public E peek(String lane) {
        FairLane<E> l = lane(lane);
        return l == null ? null : l.first();
    }

    /** Removes and returns the task a lane serves next (charging its tenant one unit), or null. */
    public E poll(String lane) {
        E head = peek(lane);
        if (head != null) {
            take(head, 1);
        }
        return head;
    }

    /** The first task of a lane, in service order, that {@code gate} lets through; not removed. */
    public E next(String lane, Gate<? super E> gate) {
        FairLane<E> l = lane(lane);
        return l == null ? null : l.next(gate == null ? OPEN : gate);
    }

    /** Removes a task chosen by {@link #next} to run, charging its tenant {@code cost}. */
    public void take(E task, double cost) {
        Entry<E> e = entries.remove(task);
        if (e == null) {
            throw new IllegalStateException("task is not queued: " + task);
        }
        lane(task.lane()).take(e, cost);
    }

    /** Corrects a tenant's service in a lane by {@code cost} (negative refunds). */
    public void charge(String lane, String tenant, double cost) {
        FairLane<E> l = lane(lane);
        if (l != null) {
            l.charge(tenant, cost);
        }
    }

    /** Removes a queued task; returns false if it was not queued. */
    public boolean remove(E task) {
        Entry<E> e = entries.remove(task);
        if (e == null) {
            return false;
        }
        lane(task.lane()).remove(e);
        return true;
    }

    public boolean contains(E task) {
        return entries.containsKey(task);
    }

    public int size() {
        return entries.size();
    }

    public int size(String lane) {
        FairLane<E> l = lane(lane);
        return l == null ? 0 : l.size();
    }

    public int capacity() {
        return capacity;
    }

    /** A tenant's virtual tag in a lane (service received / weight); NaN when unknown. For tests and diagnostics. */
    public double tag(String lane, String tenant) {
        FairLane<E> l = lanes.get(lane);
        return l == null ? Double.NaN : l.tag(tenant);
    }

    /**
     * Tenant flows the lanes remember: those with queued tasks plus those idle but still ahead
     * of their lane's virtual time (see {@link FairLane}). It stays bounded by the tenants active
     * lately, not by every tenant ever seen. For tests and diagnostics.
     */
    public int flowCount() {
        int n = 0;
        for (FairLane<E> l : lanes.values()) {
            n += l.flowCount();
        }
        return n;
    }

    /** Lanes that currently hold tasks (a live view; do not modify the queue while iterating it). */
    public Collection<String> lanes() {
        return lanes.keySet();
    }

    /** Every queued task, in no particular order (a copy). */
    public List<E> all() {
        return List.copyOf(entries.keySet());
    }

    /**
     * Tasks of one lane: tenants in their current service order, each tenant's tasks in
     * dispatch order (a copy). With one tenant, exactly the dispatch order.
     */
    public List<E> inOrder(String lane) {
        FairLane<E> l = lanes.get(lane);
        return l == null ? List.of() : l.inOrder();
    }
}
