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
 * tenant; a tenant's entry disappears when its count returns to 0, so the map holds only the
 * tenants with tasks waiting now, whatever the number of tenants ever seen.
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
 * its own exact view.
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
     */
    record Decision(Verdict verdict, int depth, int held, double share) {
    }

    private final int capacity;
    private final AtomicInteger permits = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> byTenant = new ConcurrentHashMap<>();
    /** Sum of the weights of the tenants in {@link #byTenant}. */
    private final DoubleAdder activeWeight = new DoubleAdder();

    Admission(int capacity) {
        this.capacity = capacity;
    }

    /** Takes a permit for a task of {@code tenant}, or says why not (then nothing is held). */
    Decision admit(TenantConfig tenant) {
        int[] before = {-1};
        byTenant.compute(tenant.name(), (k, v) -> {
            int n = v == null ? 0 : v;
            if (n >= tenant.maxQueued()) {
                return v;
            }
            before[0] = n;
            if (n == 0) {
                activeWeight.add(tenant.weight());
            }
            return n + 1;
        });
        int held = before[0];
        if (held < 0) {
            return new Decision(Verdict.TENANT_LIMIT, permits.get(), tenant.maxQueued(), 0);
        }
        int depth = permits.incrementAndGet();
        if (depth <= capacity) {
            return new Decision(Verdict.IN, depth - 1, held, 0);
        }
        double share = share(tenant.weight());
        if (held < share) {
            return new Decision(Verdict.IN_OVER_CAPACITY, depth - 1, held, share);
        }
        release(tenant);
        return new Decision(Verdict.FULL, depth - 1, held, share);
    }

    /** Takes a permit whatever the limits: a task recovered from a journal was accepted before. */
    void restore(TenantConfig tenant) {
        byTenant.compute(tenant.name(), (k, v) -> {
            if (v == null) {
                activeWeight.add(tenant.weight());
                return 1;
            }
            return v + 1;
        });
        permits.incrementAndGet();
    }

    /** Gives back a permit of {@code tenant} (any thread). */
    void release(TenantConfig tenant) {
        permits.decrementAndGet();
        releaseTenant(tenant);
    }

    private void releaseTenant(TenantConfig tenant) {
        byTenant.computeIfPresent(tenant.name(), (k, v) -> {
            if (v > 1) {
                return v - 1;
            }
            activeWeight.add(-tenant.weight());
            return null;
        });
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

    /** Tenants with an entry (permits held). For tests and diagnostics. */
    int tenantsTracked() {
        return byTenant.size();
    }
}
