package io.trinity.pool.internal;

import io.trinity.pool.tenant.TenantConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Queue admission, decided on the submitter's thread with atomic counters only, so
 * {@code submit} never waits for the control loop and never reads loop-owned state.
 *
 * <p><b>Permits.</b> A task takes one queue permit at submit and gives it back when it first
 * leaves the queue (started, cancelled, refused, shed). Permits are counted in total and per
 * tenant. A tenant's entry stays when its count returns to 0, so a tenant whose queue empties
 * between its tasks (the common case when agents keep up) reuses it: retiring the entry at 0
 * made every such submit create one and put it in the map, 29% of the submitting thread's time
 * in a no-op dispatch benchmark. Idle entries are swept by the admit of a tenant without an
 * entry once the map holds {@link #sweepAt} entries (at least {@link #IDLE_KEPT}, and twice the
 * entries the last sweep left), so the map holds the tenants with tasks waiting now plus a bounded number of
 * idle ones, whatever the number of tenants ever seen, at an amortized O(1) per new entry.
 *
 * <p><b>Fair share of a full queue.</b> A tenant's weighted share is
 * {@code capacity x weight / (sum of the weights of the tenants holding permits, itself
 * included)}. While the queue has room every task gets in. When it is full, a task whose
 * tenant holds fewer permits than its share still gets in, over the capacity by one, and the
 * loop then sheds one waiting task from the tenant furthest above its share ({@link Shedder}),
 * so the queue returns to its capacity; a task whose tenant is at or above its share is
 * refused at once, as before. A flood therefore costs the flooder its own newest tasks, never
 * a quiet tenant's. The counters are updated one by one, not as a snapshot, so a decision
 * taken during concurrent submits may be off by those submits; the loop's shed decision uses
 * the permits held when it runs, its own view of who holds them. One case is exact whatever the
 * interleaving: a tenant alone in the queue is never let in over its capacity, so it never has an
 * accepted task shed (a count is taken before its permit and given back after it, so the count
 * of a tenant alone covers every permit; {@link #alone} tells it is alone).
 */
final class Admission {

    /** What {@link #admit} decided. */
    enum Verdict {
        /** Accepted within the capacity. */
        IN,
        /** Accepted over a full queue: the tenant is below its share; the loop must shed one task. */
        IN_OVER_CAPACITY,
        /** Refused: the tenant has its maxQueued tasks queued. */
        TENANT_LIMIT,
        /** Refused: the queue is full and the tenant holds its share or more. */
        FULL
    }

    /**
     * @param depth permits taken before this task (the queue's depth as submit saw it)
     * @param held  the tenant's permits before this task
     * @param share the tenant's weighted share of the capacity, when the queue was full (else 0)
     * @param permit the tenant's entry the permit was taken from, to give it back without a lookup
     *     ({@link #release(TenantConfig, Held)}); null when refused
     */
    record Decision(Verdict verdict, int depth, int held, double share, Held permit) {
    }

    private final int capacity;
    private final AtomicInteger permits = new AtomicInteger();
    private final ConcurrentHashMap<String, Held> byTenant = new ConcurrentHashMap<>();
    /** Sum of the weights of the tenants holding permits (idle entries in {@link #byTenant} do not count). */
    private final DoubleAdder activeWeight = new DoubleAdder();
    /**
     * Tenants holding permits, or about to: raised before a count leaves 0 and lowered after it
     * returns to 0, so it may count a tenant too many for a moment but never one too few. 1 seen
     * by a tenant holding a permit means no other tenant holds one. Not {@link #activeWeight}: a
     * tenant's weight is added after its count leaves 0, and a sum of added and subtracted
     * fractions keeps rounding residue (a lone tenant of weight 0.1 after one of 0.2 left sees a
     * share of 199.99999999999994 of 200).
     */
    private final AtomicInteger activeTenants = new AtomicInteger();

    /**
     * A tenant's permit count, changed by CAS (the submitter and the loop update it from two
     * threads on every task; a locked map update per change was a hot spot). The thread that
     * takes it from 0 to 1 adds the tenant's weight, the one that takes it from 1 to 0 removes
     * it. A sweep retires an idle entry (count 0 to -1, then out of the map); an admit that
     * meets a retired entry starts a new one.
     */
    static final class Held {
        final AtomicInteger count = new AtomicInteger();
    }

    Admission(int capacity) {
        this.capacity = capacity;
    }

    /** Takes a permit for a task of {@code tenant}, or says why not (then nothing is held). */
    Decision admit(TenantConfig tenant) {
        Taken h = take(tenant, true);
        if (h == null) {
            return new Decision(Verdict.TENANT_LIMIT, permits.get(), tenant.maxQueued(), 0, null);
        }
        return decide(tenant, h);
    }

    /**
     * The second step of {@link #admit}, after the tenant's count was taken: the permit, and the
     * verdict. Apart so that a test can interleave two submits between the steps.
     */
    Decision decide(TenantConfig tenant, Taken h) {
        int depth = permits.incrementAndGet();
        if (depth <= capacity) {
            return new Decision(Verdict.IN, depth - 1, h.before, 0, h.entry);
        }
        // Over a full queue the tenant is judged by its count now, less this task, not by its count
        // before this task: a concurrent submit of the same tenant that took its count after this
        // one and its permit before (so it is in depth) would otherwise not be counted, and a tenant
        // at its share would pass for one below it (a lone tenant then shed its own accepted task).
        int held = h.entry.count.get() - 1;
        double share = share(tenant.weight());
        if (held < share) {
            if (alone(h.entry)) {
                // No other tenant holds permits, so every permit is this tenant's and its count,
                // which covers its permits (a count is taken before its permit and given back
                // after it), was within the capacity: the depth over it is submits being refused
                // right now. Nothing is to be shed.
                return new Decision(Verdict.IN, depth - 1, held, 0, h.entry);
            }
            return new Decision(Verdict.IN_OVER_CAPACITY, depth - 1, held, share, h.entry);
        }
        release(tenant, h.entry);
        return new Decision(Verdict.FULL, depth - 1, held, share, null);
    }

    /** A permit taken: the entry it counts in and the tenant's count before it. */
    record Taken(Held entry, int before) {
    }

    /**
     * One more permit for the tenant: where it is counted and the count before, or null when
     * {@code limited} and the tenant already holds its maxQueued (nothing taken then).
     */
    Taken take(TenantConfig tenant, boolean limited) {
        for (;;) {
            Held h = byTenant.get(tenant.name());
            if (h == null) {
                sweepIfFull();
                Held fresh = new Held();
                h = byTenant.putIfAbsent(tenant.name(), fresh);
                if (h == null) {
                    h = fresh;
                }
            }
            for (;;) {
                int n = h.count.get();
                if (n < 0) {
                    byTenant.remove(tenant.name(), h); // retired: help it out, then start anew
                    break;
                }
                if (limited && n >= tenant.maxQueued()) {
                    return null;
                }
                if (n == 0) {
                    activeTenants.incrementAndGet(); // before the count leaves 0: never under-counted
                }
                if (h.count.compareAndSet(n, n + 1)) {
                    if (n == 0) {
                        activeWeight.add(tenant.weight());
                    }
                    return new Taken(h, n);
                }
                if (n == 0) {
                    activeTenants.decrementAndGet();
                }
            }
        }
    }

    /**
     * Whether no tenant but the one counting in {@code own} holds a permit now. The counter says so
     * at once when it reads 1 (it is never too low). It may count a tenant too many for a moment
     * (a taker between its raise and a failed compare-and-set, a release between its count and
     * its lowering), so when it reads more the entries are walked: another tenant's permit is
     * taken after its count leaves 0 and given back before it returns there, so an entry at 0 or
     * retired holds none. Only a submit over a full queue below its share asks. A walk ends at the
     * first other tenant holding one, and gives up (not alone: the conservative answer, the loop
     * checks the depth again before it sheds) after {@value #WALK_MOST} entries, since idle
     * entries may pile up to twice the most tenants seen between sweeps.
     */
    boolean alone(Held own) {
        if (activeTenants.get() == 1) {
            return true;
        }
        int walked = 0;
        for (Held other : byTenant.values()) {
            if (other != own && other.count.get() > 0 || ++walked > WALK_MOST) {
                return false;
            }
        }
        return true;
    }

    /** Entries {@link #alone} reads at most. */
    static final int WALK_MOST = 64;

    /** Takes a permit whatever the limits: a task recovered from a journal was accepted before. */
    Held restore(TenantConfig tenant) {
        Held h = take(tenant, false).entry;
        permits.incrementAndGet();
        return h;
    }

    /** Gives back a permit of {@code tenant} taken from its entry {@code h} (any thread). */
    void release(TenantConfig tenant, Held h) {
        permits.decrementAndGet();
        if (h.count.decrementAndGet() == 0) {
            activeWeight.add(-tenant.weight()); // the entry stays, idle, until a sweep
            activeTenants.decrementAndGet(); // after the count reached 0: never under-counted
        }
    }

    /** Idle tenant entries kept at least before a new tenant's admit sweeps them. */
    static final int IDLE_KEPT = 256;
    /** The map size at which the next new entry first sweeps the idle ones. */
    private final AtomicInteger sweepAt = new AtomicInteger(IDLE_KEPT);

    /**
     * Retires the idle entries (count 0) when the map has grown to {@link #sweepAt}; one thread
     * sweeps at a time, and the next sweep waits until the map has doubled from what this one
     * leaves (at least {@link #IDLE_KEPT}), so sweeping costs O(1) per new entry.
     */
    private void sweepIfFull() {
        int at = sweepAt.get();
        if (byTenant.size() < at || !sweepAt.compareAndSet(at, Integer.MAX_VALUE)) {
            return;
        }
        try {
            for (var e : byTenant.entrySet()) {
                Held h = e.getValue();
                if (h.count.compareAndSet(0, -1)) {
                    byTenant.remove(e.getKey(), h);
                }
            }
        } finally {
            sweepAt.set((int) Math.min(Integer.MAX_VALUE - 1, Math.max(IDLE_KEPT, 2L * byTenant.size())));
        }
    }

    /** The tenant's weighted share of the capacity among the tenants holding permits now. */
    private double share(double weight) {
        // the adder is a sum of adds and subtracts: never trust it below the tenant's own weight
        return capacity * weight / Math.max(weight, activeWeight.sum());
    }

    /** Permits held now: tasks accepted and not yet out of the queue for the first time. */
    int depth() {
        return permits.get();
    }

    int capacity() {
        return capacity;
    }

    /** Tenants holding permits now. For tests and diagnostics (walks the entries). */
    int tenantsTracked() {
        int n = 0;
        for (Held h : byTenant.values()) {
            if (h.count.get() > 0) {
                n++;
            }
        }
        return n;
    }

    /** Tenant entries kept, idle ones included: at most about {@link #sweepAt}. For tests. */
    int entriesKept() {
        return byTenant.size();
    }

    /** The tenants counted as holding permits (never fewer than do). For tests. */
    int activeTenants() {
        return activeTenants.get();
    }

    /** Counts one tenant too many, as a taker between its raise and a failed compare-and-set does. For tests. */
    void overcountForTest(int by) {
        activeTenants.addAndGet(by);
    }

    /** The summed weight of the tenants holding permits. For tests. */
    double activeWeight() {
        return activeWeight.sum();
    }
}
