package io.trinity.pool.internal;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.DestroyReason;
import io.trinity.pool.event.PoolEvent.SpawnCause;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The auto-scaler and the warm-pool sizer, run on every scale tick.
 *
 * <p><b>Desired agents per type</b> = the larger of the work present (running + queued, one
 * slot each) and ceil(forecast / (capacity x target utilization)), where the forecast is
 * Little's law: arrival rate x mean service time. Scale-up acts at once (bounded by the spawn
 * limit). Scale-down uses the highest recommendation seen over the stabilization window, as
 * the Kubernetes HPA does, and only ever reclaims IDLE agents, so work is never killed. Because
 * a workload sitting at a threshold keeps producing the same maximum, it cannot make the pool
 * flap: up-moves are immediate and down-moves need a whole window of lower demand; forecast
 * changes within a 10% band of the target are ignored; and after a down-move the scaler holds
 * for a window instead of moving back up (waiting tasks still get agents from on-demand
 * spawning), so it never reverses direction inside its stabilization window. The floor is the
 * busy agents plus the type's warm share, so the scaler never removes an agent the warm pool
 * would spawn straight back, nor one a strategy keeps for forecast demand ({@code keepAtLeast}).
 *
 * <p><b>Warm pool</b>: its size N follows the forecast arrivals over the next spawn-time window
 * (what would otherwise wait for a cold start), clamped to [warmPoolMin, warmPoolMax]; it is
 * split between types by their share of recent demand.
 */
final class ScaleController {

    /** Relative band around the target inside which forecast changes are ignored (as the HPA's 0.1). */
    static final double TOLERANCE = 0.1;

    private final Engine engine;
    private final PoolState s;
    private final PoolConfig config;
    private final Map<String, ArrayDeque<long[]>> recommendations = new HashMap<>();
    private final Map<String, Integer> lastTarget = new HashMap<>();
    private final Map<String, Double> demandShare = new HashMap<>();
    private int warmTotal;

    ScaleController(Engine engine) {
        this.engine = engine;
        this.s = engine.state;
        this.config = engine.config;
        this.warmTotal = config.warmPool();
    }

    void tick(long now) {
        sizeWarmPool();
        for (TypeState ts : s.byType.values()) {
            ts.pacedCap = PacedSizing.cap(ts, engine.governor.pacer);
            scale(ts, now);
        }
    }

    private void scale(TypeState ts, long now) {
        boolean parked = ts.parked(now);
        int queued = parked ? 0 : Math.max(0, s.queue.size(ts.name) - ts.held);
        double serviceSec = ts.serviceEwmaNanos / 1e9;
        double forecast = ts.arrivalRate * serviceSec;
        // Queued tasks that running work will take before a new agent could start do not call
        // for agents: cold starts slower than tasks would otherwise make every queue blip a spawn.
        int covered = engine.lifecycle.planner().coveredBeforeASpawn(ts.name);
        int present = ts.inFlight + Math.max(0, queued - covered);
        int capacity = 1;
        int current = 0;
        for (AgentSlot slot : ts.slots) {
            if (slot.state != AgentState.DESTROYING) {
                current++;
                capacity = Math.max(capacity, slot.capacity);
            }
        }
        // Work already here needs one slot per task and no more; headroom (target utilization) is
        // for the steady flow the forecast expects.
        int forPresent = (int) Math.ceil(present / (double) capacity);
        // A provider window that holds the queue admits no flow until it reopens.
        int forFlow = parked ? 0 : (int) Math.ceil(forecast / (capacity * config.targetUtilization()) - 1e-9);
        if (forFlow > current && forecast <= current * capacity * config.targetUtilization() * (1 + TOLERANCE)) {
            forFlow = current; // within tolerance of the target, as the HPA does: noise is not demand
        }
        double demand = Math.max(present, forecast);
        int cap = Math.min(ts.agentCap(), config.maxAgents());
        // Scale up only for work that waits or a flow that is forecast; the warm pool spawns its
        // own agents. A momentary peak of busy agents is not a reason to buy more of them. The live
        // agent limit bounds growth only: scale-down keeps to the configured cap, so lowering the
        // limit never removes agents.
        int wanted = Math.min(cap, Math.max(ts.type.minAgents(), Math.max(forPresent, forFlow)));
        int desired = Math.min(wanted, engine.maxAgents());
        // Scale down never below what the warm pool would spawn straight back: the smoothed busy
        // count (not the momentary one, which makes every random peak stick) plus its share.
        ts.busyEwma = ts.busyEwma * 0.8 + ts.inFlight / (double) capacity * 0.2;
        int keep = Math.min(cap, Math.max(wanted, (int) Math.ceil(ts.busyEwma - 1e-9) + (parked ? 0 : ts.warmTarget)));
        // Nor below what a strategy spawned ahead of forecast demand: removing it before the demand
        // arrives would only make the strategy spawn it again (churn, and a cold start if late).
        keep = Math.max(keep, Math.min(cap, parked ? 0 : ts.strategyFloor));

        ArrayDeque<long[]> window = recommendations.computeIfAbsent(ts.name, k -> new ArrayDeque<>());
        window.addLast(new long[] {now, keep});
        long horizon = now - config.scaleDownWindow().toNanos();
        while (window.size() > 1 && window.peekFirst()[0] < horizon) {
            window.pollFirst();
        }
        int stabilized = 0;
        for (long[] r : window) {
            stabilized = (int) Math.max(stabilized, r[1]);
        }
        ts.stabilizedTarget = stabilized;
        double utilization = current == 0 ? 0 : ts.inFlight / (double) (current * capacity);
        if (desired > current) {
            if (now - ts.lastScaleDownNanos < config.scaleDownWindow().toNanos()) {
                // Just scaled down: hold for a window rather than flip back. Work that is already
                // waiting still gets agents through on-demand spawning.
                return;
            }
            decide(ts, current, desired, "demand " + round(demand) + " at target utilization "
                    + config.targetUtilization(), queued, utilization, now);
            int toSpawn = desired - current;
            while (toSpawn-- > 0 && engine.lifecycle.spawn(ts.name, SpawnCause.SCALE_UP)) {
                // refused at the cap or the rate limit: the next tick continues
            }
        } else if (stabilized < current) {
            int excess = current - stabilized;
            List<AgentSlot> idle = new ArrayList<>();
            for (AgentSlot slot : ts.slots) {
                if (slot.state == AgentState.IDLE && !slot.warm && slot.running.isEmpty()) {
                    idle.add(slot);
                }
            }
            idle.sort((a, b) -> Long.compare(a.lastActiveNanos, b.lastActiveNanos));
            int n = Math.min(excess, idle.size());
            if (n > 0) {
                ts.lastScaleDownNanos = now;
                decide(ts, current, current - n, "stabilized demand over " + config.scaleDownWindow().toSeconds()
                        + " s needs " + stabilized, queued, utilization, now);
                for (int i = 0; i < n; i++) {
                    engine.lifecycle.destroy(idle.get(i), DestroyReason.SCALE_DOWN);
                }
            }
        }
    }

    private void decide(TypeState ts, int from, int to, String reason, int queue, double utilization, long now) {
        Integer last = lastTarget.put(ts.name, to);
        if (last != null && last == to) {
            return;
        }
        s.events.emit(() -> new PoolEvent.ScaleDecision(now, ts.name, from, to, reason, queue, utilization));
    }

    private void sizeWarmPool() {
        double total = 0;
        double forecast = 0;
        for (TypeState ts : s.byType.values()) {
            total += ts.arrivalRate;
            double window = Math.max(ts.spawnTimeEwmaNanos, config.scaleInterval().toNanos()) / 1e9;
            forecast += ts.arrivalRate * window;
        }
        if (s.sequence > 0) {
            warmTotal = (int) Math.ceil(forecast - 1e-9);
            warmTotal = Math.max(config.warmPoolMin(), Math.min(config.warmPoolMax(), warmTotal));
        }
        if (total > 1e-6) {
            for (TypeState ts : s.byType.values()) {
                demandShare.put(ts.name, ts.arrivalRate / total);
            }
        }
        allocate();
        for (TypeState ts : s.byType.values()) {
            markWarm(ts);
        }
    }

    /** Largest-remainder split of the warm total by demand share; round-robin before any demand. */
    private void allocate() {
        List<TypeState> types = new ArrayList<>(s.byType.values());
        if (demandShare.isEmpty()) {
            for (int i = 0; i < types.size(); i++) {
                types.get(i).warmTarget = warmTotal / types.size() + (i < warmTotal % types.size() ? 1 : 0);
            }
            return;
        }
        int given = 0;
        double[] remainders = new double[types.size()];
        for (int i = 0; i < types.size(); i++) {
            double exact = warmTotal * demandShare.getOrDefault(types.get(i).name, 0.0);
            types.get(i).warmTarget = (int) Math.floor(exact);
            remainders[i] = exact - Math.floor(exact);
            given += types.get(i).warmTarget;
        }
        while (given < warmTotal) {
            int best = 0;
            for (int i = 1; i < remainders.length; i++) {
                if (remainders[i] > remainders[best]) {
                    best = i;
                }
            }
            types.get(best).warmTarget++;
            remainders[best] = -1;
            given++;
        }
    }

    /** Marks the type's most recently active READY agents warm, up to its target. */
    private void markWarm(TypeState ts) {
        List<AgentSlot> candidates = new ArrayList<>();
        for (AgentSlot slot : ts.slots) {
            if (slot.state == AgentState.READY || (slot.state == AgentState.BUSY && slot.warm)) {
                candidates.add(slot);
            } else {
                slot.warm = false;
            }
        }
        candidates.sort((a, b) -> Long.compare(b.lastActiveNanos, a.lastActiveNanos));
        for (int i = 0; i < candidates.size(); i++) {
            candidates.get(i).warm = i < ts.warmTarget;
        }
    }

    private static String round(double d) {
        return String.format(java.util.Locale.ROOT, "%.2f", d);
    }
}
