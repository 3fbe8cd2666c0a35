package io.trinity.pool.internal;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.agent.RateLimitedException;
import io.trinity.pool.budget.Budget;
import io.trinity.pool.budget.Ledger;
import io.trinity.pool.budget.Prices;
import io.trinity.pool.budget.Spend;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.TaskOutcome;
import io.trinity.pool.limit.ResourcePacer;
import io.trinity.pool.limit.ResourcePacer.Hold;
import io.trinity.pool.queue.TaskQueue;
import io.trinity.pool.tenant.TenantConfig;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What may start, and what it costs: tenants' running limits, resource pacing and budgets, on
 * the control loop.
 *
 * <p>Each dispatch pass gets a {@link Pass}, the queue's {@link TaskQueue.Gate}: a task may
 * start when its tenant is under its running limit, each of its resources has room
 * ({@link ResourcePacer}), and its estimate fits its own and its tenant's budget. A resource
 * found held stays held for the rest of the pass, so later tasks on it keep their order behind
 * the first instead of slipping past it with a smaller estimate; tasks on other resources (or
 * none) are not held up. The pass remembers the earliest time a hold lifts, and one coalesced
 * clock timer re-runs dispatch then.
 *
 * <p><b>Budgets.</b> Before a start: tokens and cost already spent (finished attempts, from the
 * {@link Ledger}) plus the estimate must fit, or the task ends FAILED; if they fit only without
 * the estimates of the tenant's running tasks, the task waits for those to finish. A task with
 * no estimate is not refused by its tenant's budget (it declares nothing metered). While
 * running: every usage report re-checks, and the attempt whose report crosses a budget is
 * cancelled. Spend is what agents report; a declared resource with no report is charged its
 * estimate (so an agent that stays silent cannot spend without limit), except after a provider
 * refusal, which used nothing.
 */
final class Governor {

    private final Engine engine;
    private final PoolState s;
    private final PoolConfig config;
    private final PoolClock clock;
    final ResourcePacer pacer;
    final Ledger ledger;
    private final Prices prices;
    /**
     * Running attempts per tenant. A tenant leaves the map when its count returns to 0, except the
     * one that did so last ({@link #idleTenant}), which stays at 0: in a pool that keeps up, a
     * tenant's count goes 0, 1, 0 with every task, and removing and re-adding its entry cost a map
     * node and a counter per task. So the map holds the tenants with running work plus one.
     */
    private final Map<String, int[]> runningByTenant = new HashMap<>();
    /** The one tenant kept in {@link #runningByTenant} at 0, or null. */
    private String idleTenant;
    /** Estimates (tokens, cost) of each tenant's running attempts, for the budget check; dropped with the last one. */
    private final Map<String, double[]> reserved = new HashMap<>();
    /**
     * Running attempts, linked through {@link Attempt#governedPrev}/{@link Attempt#governedNext}:
     * membership, insertion and removal in O(1) without an entry allocated per attempt (this is
     * on every dispatch and every end).
     */
    private Attempt runningHead;
    private PoolClock.Timer wake;
    private long wakeAt = Long.MAX_VALUE;

    Governor(Engine engine) {
        this.engine = engine;
        this.s = engine.state;
        this.config = engine.config;
        this.clock = engine.clock;
        this.pacer = new ResourcePacer(config.resourceLimits());
        this.prices = config.prices();
        this.ledger = new Ledger(prices);
    }

    // ---- before a start ---------------------------------------------------------------------

    /**
     * Why the task's own budget cannot cover what it spent in earlier attempts plus its
     * estimate (emitting budget.stop), or null when it can.
     */
    String ownBudgetRefusal(TaskRecord r) {
        Budget b = r.task.budget().orElse(null);
        if (b == null) {
            return null;
        }
        long tokens = Spend.addTokens(total(r.spent), total(r.resources));
        double cost = prices.cost(r.spent) + prices.cost(r.resources);
        String unit = b.exceededBy(tokens, cost);
        if (unit == null) {
            return null;
        }
        emitStop(r, "task", unit, tokens, cost, b, false);
        return "budget: task would reach " + describe(unit, tokens, cost) + " with its estimate, over its own budget of "
                + limitOf(b, unit) + "; not started (raise the task's budget or lower its estimate)";
    }

    /** The gate of the dispatch round starting now; one instance, reset each round (loop-only). */
    Pass pass() {
        pass.reset(clock.nanoTime());
        return pass;
    }

    private final Pass pass = new Pass();

    /** One dispatch pass's gate: caches holds, collects budget refusals, finds the next wake-up. */
    final class Pass implements TaskQueue.Gate<TaskRecord> {
        long now;
        private final Map<String, Hold> holds = new HashMap<>();
        final List<TaskRecord> refused = new ArrayList<>();
        final Map<TaskRecord, String> refusals = new HashMap<>();
        private long earliest = Long.MAX_VALUE;
        /** Whether the last refusal of {@link #admit} was a provider window or pause (it lifts with time alone). */
        boolean lastRefusalTimed;

        /** Reused every dispatch round: a round is the hot path, so it allocates nothing. */
        private void reset(long now) {
            this.now = now;
            holds.clear();
            refused.clear();
            refusals.clear();
            earliest = Long.MAX_VALUE;
        }

        @Override
        public boolean tenantOpen(String tenant) {
            TenantConfig t = config.tenant(tenant);
            return !t.limitsRunning() || running(tenant) < t.maxRunning();
        }

        @Override
        public boolean admit(TaskRecord r) {
            lastRefusalTimed = false;
            if (refusals.containsKey(r)) {
                return false;
            }
            if (r.rateLimitedOn != null && !r.resources.containsKey(r.rateLimitedOn)
                    && !room(r, r.rateLimitedOn, 0)) {
                return false;
            }
            for (Map.Entry<String, Long> e : r.resources.entrySet()) {
                if (!room(r, e.getKey(), e.getValue())) {
                    return false;
                }
            }
            return budgetAllows(r);
        }

        private boolean room(TaskRecord r, String resource, long tokens) {
            Hold h = holds.get(resource);
            if (h == null) {
                h = pacer.check(resource, tokens, now);
                if (h == null) {
                    return true;
                }
                holds.put(resource, h);
                earliest = Math.min(earliest, h.until());
            }
            lastRefusalTimed = h.reason() != ResourcePacer.Reason.CONCURRENCY && h.until() != Long.MAX_VALUE;
            announce(r, h);
            return false;
        }

        /**
         * When tasks that use exactly {@code resources} could start again, if this pass found
         * every one of them held by a provider window or pause (a time, not a running task's
         * end); else -1.
         */
        long liftOf(Map<String, Long> resources) {
            long lift = -1;
            for (String resource : resources.keySet()) {
                Hold h = holds.get(resource);
                if (h != null && h.reason() != ResourcePacer.Reason.CONCURRENCY && h.until() != Long.MAX_VALUE) {
                    lift = Math.max(lift, h.until());
                }
            }
            return lift;
        }

        private void announce(TaskRecord r, Hold h) {
            String key = h.resource() + "/" + h.reason();
            if (key.equals(r.announcedHold)) {
                return;
            }
            r.announcedHold = key;
            long waitMs = h.until() == Long.MAX_VALUE ? -1 : Math.max(0, (h.until() - now) / 1_000_000);
            s.events.emit(() -> new PoolEvent.ResourceWait(now, r.id, h.resource(), h.reason().wire(), waitMs));
        }

        private boolean budgetAllows(TaskRecord r) {
            String own = ownBudgetRefusal(r);
            if (own != null) {
                refusals.put(r, own);
                refused.add(r);
                return false;
            }
            TenantConfig t = config.tenant(r.tenant());
            Budget b = t.budget();
            long estTokens = total(r.resources);
            if (b.isNone() || estTokens == 0) {
                return true; // declares no metered use: a spent budget is no reason to refuse it
            }
            double estCost = prices.cost(r.resources);
            long spentTokens = ledger.tokens(t.name());
            double spentCost = ledger.cost(t.name());
            long withEstimate = Spend.addTokens(spentTokens, estTokens);
            String unit = b.exceededBy(withEstimate, spentCost + estCost);
            if (unit != null) {
                emitStop(r, "tenant", unit, withEstimate, spentCost + estCost, b, false);
                refusals.put(r, "budget: tenant '" + t.name() + "' has spent " + describe(unit, spentTokens, spentCost)
                        + "; this task's estimate of " + describe(unit, estTokens, estCost) + " would exceed its budget of "
                        + limitOf(b, unit) + "; not started (raise the tenant's budget)");
                refused.add(r);
                return false;
            }
            double[] res = reserved.getOrDefault(t.name(), new double[2]);
            // fits on what is spent, not with what is running: wait for the running tasks to settle
            return b.exceededBy(Spend.addTokens(withEstimate, (long) res[0]), spentCost + res[1] + estCost) == null;
        }

        /** Schedules the re-dispatch for the earliest hold that lifts with time. */
        void done() {
            if (earliest != Long.MAX_VALUE) {
                wakeAt(earliest);
            }
        }
    }

    // ---- a start and its end ----------------------------------------------------------------

    void started(Attempt a) {
        TaskRecord r = a.record;
        long now = a.startNanos; // the dispatch's own time, as its event says
        r.announcedHold = null;
        int[] n = runningByTenant.get(r.tenant());
        if (n == null) {
            runningByTenant.put(r.tenant(), new int[] {1});
        } else if (n[0]++ == 0) {
            idleTenant = null; // the kept idle tenant runs again
        }
        if (!r.resources.isEmpty()) {
            List<ResourcePacer.Grant> grants = new ArrayList<>(r.resources.size());
            r.resources.forEach((res, tokens) -> {
                grants.add(pacer.acquire(res, tokens, now));
                engine.keeper.acquired(pacer, res, tokens, now);
            });
            r.grants = grants;
            double[] res = reserved.computeIfAbsent(r.tenant(), k -> new double[2]);
            res[0] += total(r.resources);
            res[1] += prices.cost(r.resources);
        }
        a.governed = true;
        a.governedNext = runningHead;
        if (runningHead != null) {
            runningHead.governedPrev = a;
        }
        runningHead = a;
    }

    /** Unlinks a running attempt; false when it was not running. */
    private boolean unlink(Attempt a) {
        if (!a.governed) {
            return false;
        }
        a.governed = false;
        if (a.governedPrev != null) {
            a.governedPrev.governedNext = a.governedNext;
        } else {
            runningHead = a.governedNext;
        }
        if (a.governedNext != null) {
            a.governedNext.governedPrev = a.governedPrev;
        }
        a.governedPrev = null;
        a.governedNext = null;
        return true;
    }

    /** The attempt's outcome is decided: frees its resources and charges its usage to its tenant. */
    void settled(Attempt a) {
        if (!unlink(a)) {
            return;
        }
        TaskRecord r = a.record;
        String tenant = r.tenant();
        // drop a tenant at 0: with one tenant per task the maps would otherwise grow forever
        int[] n = runningByTenant.get(tenant);
        boolean last = --n[0] == 0;
        if (last) {
            if (idleTenant != null) {
                runningByTenant.remove(idleTenant); // at most one idle tenant is kept
            }
            idleTenant = tenant;
        }
        // most attempts report nothing and hold no grant: no map to build for them
        Map<String, Long> used = a.usage().isEmpty() && r.grants.isEmpty() ? Map.of() : new HashMap<>(a.usage());
        boolean refused = a.outcome == TaskOutcome.RATE_LIMITED;
        for (ResourcePacer.Grant g : r.grants) {
            Long reported = used.get(g.resource());
            long actual = reported != null ? reported : refused ? 0 : g.tokens();
            engine.keeper.extraTokens(pacer, g.resource(), actual - g.tokens(), clock.nanoTime());
            pacer.release(g, actual);
            used.put(g.resource(), actual);
        }
        if (last) {
            reserved.remove(tenant);
        } else if (!r.resources.isEmpty()) {
            double[] res = reserved.get(tenant);
            res[0] -= total(r.resources);
            res[1] -= prices.cost(r.resources);
        }
        r.grants = List.of();
        long tokens = 0;
        if (!used.isEmpty() && r.spent.isEmpty()) {
            r.spent = new HashMap<>();
        }
        for (Map.Entry<String, Long> e : used.entrySet()) {
            ledger.charge(tenant, e.getKey(), e.getValue());
            if (e.getValue() > 0) {
                engine.keeper.charged(tenant, e.getKey());
            }
            r.spent.merge(e.getKey(), e.getValue(), Spend::addTokens);
            tokens = Spend.addTokens(tokens, e.getValue());
        }
        if (tokens > 0) {
            long now = clock.nanoTime();
            long t = tokens;
            double cost = prices.cost(used);
            s.events.emit(() -> new PoolEvent.TenantSpent(now, tenant, r.id, t, cost, ledger.tokens(tenant),
                    ledger.cost(tenant)));
        }
    }

    /** An agent reported usage: cancels the attempt if it crossed its own or its tenant's budget. */
    void usageReported(Attempt a) {
        if (a.outcome != null || !a.governed) {
            return;
        }
        TaskRecord r = a.record;
        Map<String, Long> now = new HashMap<>(r.spent);
        a.usage().forEach((k, v) -> now.merge(k, v, Spend::addTokens));
        Budget own = r.task.budget().orElse(null);
        if (own != null && stopIfOver(r, "task", own, total(now), prices.cost(now))) {
            return;
        }
        TenantConfig t = config.tenant(r.tenant());
        if (t.budget().isNone()) {
            return;
        }
        Map<String, Long> tenantNow = new HashMap<>();
        for (Attempt other = runningHead; other != null; other = other.governedNext) {
            if (other.record.tenant().equals(t.name())) {
                other.usage().forEach((k, v) -> tenantNow.merge(k, v, Spend::addTokens));
            }
        }
        stopIfOver(r, "tenant", t.budget(), Spend.addTokens(ledger.tokens(t.name()), total(tenantNow)),
                ledger.cost(t.name()) + prices.cost(tenantNow));
    }

    private boolean stopIfOver(TaskRecord r, String scope, Budget b, long tokens, double cost) {
        String unit = b.exceededBy(tokens, cost);
        if (unit == null) {
            return false;
        }
        emitStop(r, scope, unit, tokens, cost, b, true);
        String whose = scope.equals("task") ? "its own budget" : "the budget of tenant '" + r.tenant() + "'";
        engine.dispatcher.cancel(r, "budget: usage reached " + describe(unit, tokens, cost) + ", over " + whose
                + " of " + limitOf(b, unit) + "; cancelled while running");
        return true;
    }

    private int running(String tenant) {
        int[] n = runningByTenant.get(tenant);
        return n == null ? 0 : n[0];
    }

    /**
     * Tenants with running work or a reservation in the per-tenant maps (the one idle tenant kept
     * at 0 is not counted). For tests and diagnostics.
     */
    int tenantsTracked() {
        java.util.Set<String> all = new java.util.HashSet<>(reserved.keySet());
        runningByTenant.forEach((tenant, n) -> {
            if (n[0] > 0) {
                all.add(tenant);
            }
        });
        return all.size();
    }

    /** Entries in the running-count map, the kept idle tenant included. For tests. */
    int runningEntries() {
        return runningByTenant.size();
    }

    // ---- provider refusals ------------------------------------------------------------------

    /** The resource a refusal pauses: the one named, else the task's first; null if neither. */
    String refusedResource(TaskRecord r, RateLimitedException e) {
        if (e.resource() != null && !e.resource().isBlank()) {
            return e.resource();
        }
        return r.resources.isEmpty() ? null : r.resources.keySet().iterator().next();
    }

    /** Pauses the refused resource; the caller requeues the task without spending the attempt. */
    void rateLimited(TaskRecord r, String resource, RateLimitedException e) {
        long now = clock.nanoTime();
        Duration hint = e.retryAfter().orElse(null);
        long applied = pacer.pause(resource, hint, now);
        if (!r.resources.containsKey(resource)) {
            r.rateLimitedOn = resource;
        }
        Long hintMs = hint == null ? null : hint.toMillis();
        s.events.emit(() -> new PoolEvent.ResourcePause(now, resource, applied / 1_000_000, hintMs, r.id));
        wakeAt(now + applied);
    }

    // ---- plumbing ---------------------------------------------------------------------------

    /** Re-runs dispatch at {@code nanos}; one timer, moved earlier when needed. */
    private void wakeAt(long nanos) {
        long now = clock.nanoTime();
        if (wake != null && wakeAt <= nanos && wakeAt > now) {
            return;
        }
        if (wake != null) {
            wake.cancel();
        }
        wakeAt = nanos;
        wake = clock.schedule(Duration.ofNanos(Math.max(0, nanos - now)), () -> engine.post(() -> {
            wake = null;
            wakeAt = Long.MAX_VALUE;
            engine.dispatcher.markNeeded();
        }));
    }

    private void emitStop(TaskRecord r, String scope, String unit, long tokens, double cost, Budget b, boolean running) {
        long now = clock.nanoTime();
        double spent = unit.equals("tokens") ? tokens : cost;
        double limit = unit.equals("tokens") ? b.maxTokens() : b.maxCost();
        s.events.emit(() -> new PoolEvent.BudgetStop(now, r.id, r.tenant(), scope, unit, spent, limit, running));
    }

    private static String describe(String unit, long tokens, double cost) {
        return unit.equals("tokens") ? tokens + " tokens" : "cost " + round(cost);
    }

    private static String limitOf(Budget b, String unit) {
        return unit.equals("tokens") ? b.maxTokens() + " tokens" : "cost " + round(b.maxCost());
    }

    private static String round(double v) {
        return java.math.BigDecimal.valueOf(v).setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }

    static long total(Map<String, Long> byResource) {
        long sum = 0;
        for (long v : byResource.values()) {
            sum = Spend.addTokens(sum, v); // saturates: a wrapped sum would pass every budget check
        }
        return sum;
    }
}
