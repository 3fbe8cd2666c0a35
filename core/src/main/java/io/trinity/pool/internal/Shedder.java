package io.trinity.pool.internal;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.TaskState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.RejectReason;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The loop's side of fair admission: who holds the queue's permits, and what a full queue
 * sheds when {@link Admission} let in a task of a tenant below its weighted share.
 *
 * <p>Per tenant, its permit-holding queued tasks in arrival order (so the newest is the last);
 * the tenants ordered by permits per unit of weight, the fattest first, like the longest flow
 * that a fair-queueing AQM drops from. Every update is O(log t) in the tenants holding permits
 * now, and a tenant leaves with its last task, so nothing here grows with the tenants ever
 * seen. The shed task ends REJECTED with a reason that names the tenant, its slots and its
 * share; its future fails with a {@link io.trinity.pool.TaskFailedException} caused by a
 * {@link QueueFullException}; the log gets {@code task.reject} (reason {@code shed}) and
 * {@code task.end} (outcome {@code cancelled}, no agent). Loop only.
 *
 * <p><b>Listed lazily.</b> The view is read only when a task must be shed, and most tasks give
 * their permit back before that ever happens (in a pool that keeps up, in the very pass that
 * queued them). So an admitted task first joins one arrival-ordered {@link #pending} list, O(1)
 * and without allocation; only a shed lists the pending tasks under their tenants, in arrival
 * order, before it chooses. Each task is listed at most once, so the cost per task stays
 * O(log t), and a task that starts unlisted never touches the per-tenant view at all: listing
 * every task at once cost a holder, a map entry and a tree entry (112 bytes) for each task that
 * arrived at an idle tenant (PathBench, least-loaded, {@code -prof gc}).
 */
final class Shedder {

    /**
     * A tenant's permit-holding tasks, oldest first, as a list linked through the records
     * themselves ({@link TaskRecord#shedPrev}/{@link TaskRecord#shedNext}): two references per
     * queued task instead of a hash-set entry, and still O(1) to add, remove and find the newest.
     */
    static final class Holder {
        final String tenant;
        final double weight;
        TaskRecord oldest;
        TaskRecord newest;
        int size;

        Holder(String tenant, double weight) {
            this.tenant = tenant;
            this.weight = weight;
        }

        double load() {
            return size / weight;
        }

        void add(TaskRecord r) {
            r.shedHolder = this;
            r.shedPrev = newest;
            r.shedNext = null;
            if (newest == null) {
                oldest = r;
            } else {
                newest.shedNext = r;
            }
            newest = r;
            size++;
        }

        void remove(TaskRecord r) {
            if (r.shedPrev == null) {
                oldest = r.shedNext;
            } else {
                r.shedPrev.shedNext = r.shedNext;
            }
            if (r.shedNext == null) {
                newest = r.shedPrev;
            } else {
                r.shedNext.shedPrev = r.shedPrev;
            }
            r.shedHolder = null;
            r.shedPrev = null;
            r.shedNext = null;
            size--;
        }
    }

    private static final Comparator<Holder> FATTEST_FIRST = (a, b) -> {
        int c = Double.compare(b.load(), a.load());
        return c != 0 ? c : a.tenant.compareTo(b.tenant);
    };

    private final Engine engine;
    private final PoolConfig config;
    private final Map<String, Holder> byTenant = new HashMap<>();
    /** Admitted tasks not yet listed under their tenant, oldest first (not in byTenant or fattest). */
    private final Holder pending = new Holder("(pending)", 1);
    /** Holders by load; a holder is taken out before its task count changes. */
    private final TreeSet<Holder> fattest = new TreeSet<>(FATTEST_FIRST);
    private double totalWeight;

    Shedder(Engine engine) {
        this.engine = engine;
        this.config = engine.config;
    }

    /** After the loop accepted a task: it joins the view; one let in over a full queue makes room. */
    void admitted(TaskRecord r) {
        if (r.holdsPermit && r.shedHolder == null && engine.state.queue.contains(r)) {
            pending.add(r);
        }
        if (r.overCapacity) {
            r.overCapacity = false;
            if (engine.admission.depth() > engine.admission.capacity()) {
                shed(r);
            }
        }
    }

    /** Lists every pending task under its tenant, oldest first, so each holder stays in arrival order. */
    private void listPending() {
        TaskRecord r;
        while ((r = pending.oldest) != null) {
            pending.remove(r);
            listed(r);
        }
    }

    private void listed(TaskRecord r) {
        Holder h = byTenant.get(r.tenant());
        if (h == null) {
            h = new Holder(r.tenant(), config.tenant(r.tenant()).weight());
            byTenant.put(h.tenant, h);
            totalWeight += h.weight;
        } else if (fattest.size() == 1) {
            h.add(r); // the only holder: no order to keep, it stays in place
            return;
        } else {
            fattest.remove(h);
        }
        h.add(r);
        fattest.add(h);
    }

    /** A task gave its permit back (started, cancelled, refused, shed). */
    void left(TaskRecord r) {
        Holder h = r.shedHolder;
        if (h == null) {
            return;
        }
        if (h == pending) {
            pending.remove(r); // never listed: nothing else to update
            return;
        }
        if (fattest.size() == 1) {
            h.remove(r); // the only holder: no order to keep
            if (h.size > 0) {
                return;
            }
            fattest.pollFirst();
        } else {
            fattest.remove(h);
            h.remove(r);
        }
        if (h.size == 0) {
            byTenant.remove(h.tenant);
            totalWeight = byTenant.isEmpty() ? 0 : totalWeight - h.weight; // no rounding residue left behind
        } else {
            fattest.add(h);
        }
    }

    /**
     * The newest task of the tenant with the most permits per unit of weight gives way. When the
     * arriving task's own tenant is level with that one, its own newest (the arriving task
     * itself) goes: a tie never turns a waiting task away for one just like it.
     */
    private void shed(TaskRecord arriving) {
        listPending();
        if (fattest.isEmpty()) {
            return; // every waiting task left the queue meanwhile: it is back within its capacity
        }
        Holder top = fattest.first();
        Holder own = byTenant.get(arriving.tenant());
        Holder v = own != null && own.load() >= top.load() ? own : top;
        TaskRecord r = v.newest;
        int capacity = config.queueCapacity();
        String share = format(capacity * v.weight / Math.max(v.weight, totalWeight));
        String reason = r == arriving
                ? "shed: queue full (" + capacity + " slots) and tenant '" + v.tenant + "' holds " + v.size
                        + " of them, at or above its weighted share of " + share + "; resubmit later, or raise"
                        + " queueCapacity"
                : "shed: queue full and tenant '" + v.tenant + "' holds " + v.size + " of " + capacity
                        + " queued slots, above its weighted share of " + share + "; its newest task gave way to task "
                        + arriving.id + " of tenant '" + arriving.tenant() + "', below its share; resubmit later, lower"
                        + " the rate of tenant '" + v.tenant + "', or raise queueCapacity";
        int depth = engine.admission.depth();
        long now = engine.clock.nanoTime();
        engine.state.queue.remove(r);
        engine.releasePermit(r);
        r.addReason(reason);
        engine.state.events.emit(() -> new PoolEvent.TaskRejected(now, r.id, r.task.type(), RejectReason.SHED, reason,
                r.tenant()));
        engine.state.events.emit(() -> new PoolEvent.TaskEnded(now, r.id, null, PoolEvent.TaskOutcome.CANCELLED, 0,
                reason));
        engine.dispatcher.finish(r, TaskState.REJECTED, null, new QueueFullException(depth, capacity,
                "task " + r.id + " of tenant '" + v.tenant + "' was shed"));
    }

    static String format(double share) {
        return String.format(Locale.ROOT, "%.1f", share);
    }

    /** Tenants holding permits (lists the pending tasks first). For tests and diagnostics. */
    int tenantsTracked() {
        listPending();
        return byTenant.size();
    }
}
