package io.trinity.pool.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * One lane of the queue: a sub-queue ("flow") per tenant, served by start-time fair queueing.
 *
 * <p><b>Tags.</b> Each flow carries a virtual tag: the service it received divided by its
 * weight. The lane serves the active flow (one with tasks) of the smallest tag, so over any
 * stretch in which tenants stay busy their service is in proportion to their weights, however
 * many tasks each submits. Within a flow, tasks keep the aged-priority order of
 * {@link TaskQueue}. Ties between tags go to the better head task, so with one tenant the
 * order is exactly the single-queue order.
 *
 * <p><b>Virtual time.</b> {@code vtime} is the tag of the flow last served. A flow that
 * becomes active again, or that was skipped because it could not run (its tenant at its
 * running limit, its resources held), gets {@code tag = max(tag, vtime - credit)}: an idle or
 * held tenant cannot bank unbounded service and then monopolise the lane, but a quiet tenant
 * can take up to {@code credit x weight} of service ahead of a busy one. That bounded lead is
 * what lets a tenant that submits in small bursts keep close to its alone-latency while
 * another floods (the same idea as a scheduler's wake-up bonus).
 *
 * <p><b>Cost</b> is whatever unit the caller charges consistently: the pool charges an
 * attempt's expected run time at dispatch and corrects it by the actual time at the end.
 *
 * <p><b>Memory.</b> A flow with no tasks matters only while its tag is ahead of
 * {@code vtime - credit} (it was served more than its share lately, and must not return with a
 * clean slate); once vtime catches up, a fresh flow would start at the same tag. So an emptied
 * flow with no lead is dropped at once, and one with a lead waits in {@code idle}, ordered by
 * tag, until a take moves vtime past it. vtime need not move, though: when every task comes
 * from a new tenant, each is served at {@code vtime - credit} and vtime stays put, so the idle
 * flows are also capped at {@link #IDLE_KEPT}, forgetting the one with the least lead first. A
 * forgotten flow that returns starts like a fresh one, gaining at most its lead (about one
 * task's cost plus the credit): the same bounded error as deficit round robin, which forgets a
 * flow as soon as it empties. Each flow enters and leaves the idle set once per idle spell, so
 * a take costs O(log n) amortized and the lane holds the tenants with tasks plus at most
 * {@link #IDLE_KEPT} others, whatever the number of tenants it has ever seen.
 */
final class FairLane<E extends QueuedTask> {

    record Entry<E extends QueuedTask>(E task, long key) {
        /** Key, then arrival; written out rather than composed, as it runs O(log n) times per task. */
        static final Comparator<Entry<?>> ORDER = (a, b) -> {
            int c = Long.compare(a.key, b.key);
            return c != 0 ? c : Long.compare(a.task.sequence(), b.task.sequence());
        };
    }

    /**
     * One tenant's tasks in order. Tasks nearly always arrive in order (a key is the enqueue time
     * less a priority boost, so equal priorities arrive in key order) and leave from the head, so
     * they sit in a deque, O(1) each way and without a tree node per task, until an operation
     * breaks that: an add out of order (a higher priority, a requeued task keeping its place) or
     * a removal behind the head (a cancel, a task the gate let through past held ones). Then the
     * tasks move to a sorted set, O(log n) per operation, until the flow empties again. The
     * order served is the same either way.
     */
    private static final class Flow<E extends QueuedTask> {
        final String tenant;
        final double weight;
        /** The tasks while every add came in order and every removal took the head; empty otherwise. */
        private final ArrayDeque<Entry<E>> fifo = new ArrayDeque<>(4);
        /** The tasks once the order was broken (fifo is then empty), or null. */
        private TreeSet<Entry<E>> sorted;
        double tag;

        Flow(String tenant, double weight) {
            this.tenant = tenant;
            this.weight = weight;
        }

        boolean isEmpty() {
            return sorted == null ? fifo.isEmpty() : sorted.isEmpty();
        }

        Entry<E> first() {
            return sorted == null ? fifo.getFirst() : sorted.first();
        }

        void add(Entry<E> e) {
            if (sorted == null) {
                Entry<E> last = fifo.peekLast();
                if (last == null || Entry.ORDER.compare(last, e) < 0) {
                    fifo.addLast(e);
                    return;
                }
                toSorted();
            }
            sorted.add(e);
        }

        boolean contains(Entry<E> e) {
            if (sorted == null) {
                if (fifo.isEmpty()) {
                    return false;
                }
                if (Entry.ORDER.compare(fifo.getFirst(), e) == 0) {
                    return true;
                }
                toSorted(); // looking behind the head: a removal from the middle is likely next
            }
            return sorted.contains(e);
        }

        /** Removes a task known to be here. */
        void remove(Entry<E> e) {
            if (sorted == null) {
                if (Entry.ORDER.compare(fifo.getFirst(), e) == 0) {
                    fifo.removeFirst();
                    return;
                }
                toSorted();
            }
            sorted.remove(e);
            if (sorted.isEmpty()) {
                sorted = null; // empty again: the next tasks start in order
            }
        }

        Iterable<Entry<E>> entries() {
            return sorted == null ? fifo : sorted;
        }

        private void toSorted() {
            sorted = new TreeSet<>(Entry.ORDER);
            sorted.addAll(fifo);
            fifo.clear();
        }
    }

    private static final Comparator<Flow<?>> FLOW_ORDER = (a, b) -> {
        int c = Double.compare(a.tag, b.tag);
        return c != 0 ? c : Entry.ORDER.compare(a.first(), b.first());
    };
    private static final Comparator<Flow<?>> IDLE_ORDER = Comparator.<Flow<?>>comparingDouble(f -> f.tag)
            .thenComparing(f -> f.tenant);

    /** Idle flows with a lead kept at most: beyond it, the one with the least lead is forgotten. */
    static final int IDLE_KEPT = 256;

    private final ToDoubleFunction<String> weights;
    private final double credit;
    private final Map<String, Flow<E>> flows = new HashMap<>();
    /** Flows with tasks, in service order. A flow is taken out before its tag or head changes. */
    private final TreeSet<Flow<E>> active = new TreeSet<>(FLOW_ORDER);
    /** Flows without tasks whose tag is still ahead of vtime - credit, by tag (taken out before it changes). */
    private final TreeSet<Flow<E>> idle = new TreeSet<>(IDLE_ORDER);
    private double vtime;
    private int size;

    FairLane(ToDoubleFunction<String> weights, double credit) {
        this.weights = weights;
        this.credit = credit;
    }

    void add(Entry<E> e) {
        String tenant = e.task().tenant();
        Flow<E> f = flows.get(tenant);
        if (f == null) {
            f = newFlow(tenant);
            flows.put(tenant, f);
        }
        boolean wasActive = !f.isEmpty();
        if (wasActive && active.size() == 1) {
            f.add(e); // the only active flow stays the only one: there is no order to keep
            size++;
            return;
        }
        if (wasActive) {
            active.remove(f);
        } else {
            idle.remove(f);
            f.tag = Math.max(f.tag, vtime - credit);
        }
        f.add(e);
        active.add(f);
        size++;
    }

    private Flow<E> newFlow(String tenant) {
        double w = weights.applyAsDouble(tenant);
        if (!(w > 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("weight of tenant '" + tenant + "' must be a finite number > 0 (got " + w + ")");
        }
        Flow<E> f = new Flow<>(tenant, w);
        f.tag = vtime - credit;
        return f;
    }

    boolean remove(Entry<E> e) {
        Flow<E> f = flows.get(e.task().tenant());
        if (f == null || !f.contains(e)) {
            return false;
        }
        leaveActive(f);
        f.remove(e);
        settle(f);
        size--;
        return true;
    }

    /**
     * Takes an active flow out of the active set before its tag or head changes. With one active
     * flow the set has no order to keep, so that flow stays in it (settle puts nothing back twice).
     */
    private void leaveActive(Flow<E> f) {
        if (active.size() == 1) {
            return;
        }
        active.remove(f);
    }

    /** Removes a task that is being served and charges its tenant {@code cost}. */
    void take(Entry<E> e, double cost) {
        Flow<E> f = flows.get(e.task().tenant());
        leaveActive(f);
        f.remove(e);
        size--;
        vtime = Math.max(vtime, f.tag);
        f.tag += cost / f.weight;
        settle(f);
        forgetCaughtUp();
    }

    /** Adds {@code cost} (negative: a refund) to a tenant's service, such as a correction once a task ends. */
    void charge(String tenant, double cost) {
        Flow<E> f = flows.get(tenant);
        if (f == null) {
            return; // forgotten as idle: its past no longer matters
        }
        if (f.isEmpty()) {
            idle.remove(f);
        } else {
            leaveActive(f);
        }
        f.tag += cost / f.weight;
        settle(f);
    }

    E first() {
        return active.isEmpty() ? null : active.first().first().task();
    }

    /**
     * The first task in service order that {@code gate} lets through: flows by tag, tasks in
     * order within a flow. Flows passed over with nothing runnable lose any lead beyond the credit.
     */
    E next(TaskQueue.Gate<? super E> gate) {
        List<Flow<E>> skipped = null;
        E found = null;
        outer:
        for (Flow<E> f : active) {
            if (gate.tenantOpen(f.tenant)) {
                for (Entry<E> e : f.entries()) {
                    if (gate.admit(e.task())) {
                        found = e.task();
                        break outer;
                    }
                }
            }
            if (f.tag < vtime - credit) {
                if (skipped == null) {
                    skipped = new ArrayList<>();
                }
                skipped.add(f);
            }
        }
        if (skipped != null) {
            for (Flow<E> f : skipped) {
                active.remove(f);
                f.tag = vtime - credit;
                active.add(f);
            }
        }
        return found;
    }

    int size() {
        return size;
    }

    double tag(String tenant) {
        Flow<E> f = flows.get(tenant);
        return f == null ? Double.NaN : f.tag;
    }

    /** Tasks by flow in current service order, each flow's tasks in order. */
    List<E> inOrder() {
        List<E> out = new ArrayList<>(size);
        for (Flow<E> f : active) {
            for (Entry<E> e : f.entries()) {
                out.add(e.task());
            }
        }
        return out;
    }

    /** Flows remembered: those with tasks plus idle ones still ahead. For tests and diagnostics. */
    int flowCount() {
        return flows.size();
    }

    /** Puts a flow (out of both sets) back where it belongs: active, idle with a lead, or forgotten. */
    private void settle(Flow<E> f) {
        if (active.size() == 1 && active.first() == f) {
            // the sole active flow was left in place by leaveActive
            if (!f.isEmpty()) {
                return;
            }
            active.pollFirst(); // no comparison: its head is gone
        }
        if (!f.isEmpty()) {
            active.add(f);
        } else if (f.tag > vtime - credit) {
            idle.add(f);
            forgetCaughtUp();
        } else {
            flows.remove(f.tenant); // no lead left: a fresh flow would start at the same tag
        }
    }

    /** Forgets the idle flows vtime caught up with, and past the cap the least ahead. */
    private void forgetCaughtUp() {
        while (!idle.isEmpty() && (idle.first().tag <= vtime - credit || idle.size() > IDLE_KEPT)) {
            flows.remove(idle.pollFirst().tenant);
        }
    }
}
