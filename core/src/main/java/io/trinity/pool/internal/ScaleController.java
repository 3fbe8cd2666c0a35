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
 * slot each) and the size of the steady flow: the fewest slots for which, by Erlang C (the
 * M/M/c queue, {@link ErlangC}) at the type's offered load a = arrival rate x mean service
 * time, at most 1% of tasks wait longer than {@code targetWait}, and never so few that the
 * busy share exceeds {@code targetUtilization}. The rate is {@link FlowForecast}'s: a slow
 * average (restarted when the rate clearly shifts) corrected for its trend and carried forward
 * over the spawn time, so the size follows the flow as it will be when a new agent is ready, not
 * its Poisson noise nor where it was minutes ago; a sudden queue is the on-demand strategy's to
 * answer. Scale-up acts at once (bounded by the spawn limit).
 *
 * <p><b>Never reversing inside the window.</b> A scale-down follows the highest recommendation
 * over the stabilization window, as the Kubernetes HPA does, and recommends for a load above the
 * forecast one by {@value #TOLERANCE} (relative) or {@value #NOISE_SIGMAS} standard errors of the
 * forecast, whichever is more (hysteresis: a size is kept until a clearly busier flow would not
 * need it either). It only reclaims IDLE agents, so work is never killed. Every path
 * that changes a type's agent count keeps one rule: no removal (scale-down or idle reclaim)
 * within a window of the last spawn, and no spawn ahead of demand (scale-up, warm pool,
 * predictive) within a window of the last removal, except for a type with no agent at all; only
 * spawns for tasks already waiting (on demand, clone) may reverse sooner. The floor is the
 * expected busy slots plus the type's warm share, and what a strategy keeps for forecast demand
 * ({@code keepAtLeast}).
 *
 * <p><b>The busiest tick is remembered only while a cold start is longer than the target wait.</b>
 * The work present (running plus waiting beyond what running work covers) is a floor at the moment
 * of a decision. It is also one of the recommendations the window keeps its highest of only when
 * {@code targetWait} is shorter than the type's cold start: a removal that leaves the pool one agent
 * short at the next busy peak then makes tasks wait for a cold start, past the target, so the pool
 * keeps the most agents that were busy at any tick of the window. With a target wait of a cold
 * start or more, running work or an on-demand agent starts such a task within the wait asked for,
 * and keeping the busiest tick would defeat the targets: at a high {@code targetUtilization} or a
 * long {@code targetWait} every agent is busy at some tick of every minute, so the pool never
 * shrank (5 tasks/s of 2.4 s tasks, 12 busy, at 0.95 and 60 s: 15-16 agents, not the 13-14 asked
 * for). There the flow's own size (Erlang C, the utilization cap, the hysteresis band) and the
 * smoothed busy count hold the headroom for its peaks, and a removal takes only idle agents.
 *
 * <p><b>Warm pool</b>: its size N follows the forecast arrivals over the next spawn-time window
 * (what would otherwise wait for a cold start), clamped to [warmPoolMin, warmPoolMax]; it is
 * split between types by their share of recent demand. That is the insurance for a flow the
 * scaler cannot size yet (none so far, or seen for less than a window). A flow it sizes by
 * Erlang C already has its insurance: the c − a spare slots Erlang C keeps are exactly the idle
 * agents that catch the flow's Poisson peaks while a cold start runs, and counting λ x spawn time
 * on top counts the same arrivals twice (over a spawn time the busy agents free about as many
 * slots as arrive). So such a type keeps only its share of warmPoolMin on top of its busy slots:
 * at 1 task/s of 2.4 s tasks, 7 agents (Erlang C) instead of 3 busy + 6 warm = 9.
 */
final class ScaleController {

    /**
     * Relative load above the measured one that a scale-down is sized for: hysteresis, as the HPA's
     * 0.1 tolerance, halved because the slow averages are quieter than the HPA's 15 s samples.
     */
    static final double TOLERANCE = 0.05;
    /**
     * Standard errors of the load estimate ({@link TypeState#loadNoise}) a scale-down's load must
     * also clear: where the Poisson noise of a small flow exceeds {@link #TOLERANCE}, a fixed 5% band
     * let the pool step up and down by one agent on noise alone (every few minutes at 2 tasks/s).
     */
    static final double NOISE_SIGMAS = 2;
    /** The share of tasks allowed to wait longer than {@code targetWait}: the scaler sizes for the p99. */
    static final double WAIT_TAIL = 0.01;

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
        for (TypeState ts : s.byType.values()) {
            ts.pacedCap = PacedSizing.cap(ts, engine.governor.pacer);
            // sized for the flow as it will be when an agent started now is ready
            double rate = FlowForecast.rate(ts, Math.max(ts.spawnTimeEwmaNanos, config.scaleInterval().toNanos()) / 1e9);
            double service = flowServiceSeconds(ts);
            ts.load = rate * service;
            int limit = capacity(ts) * Math.min(ts.agentCap(), config.maxAgents());
            if (ts.flowSeconds >= config.scaleDownWindow().toNanos() / 1e9) { // keep in step with sizedByErlang
                ts.flowSlots = flowSlots(config, ts.load, service, limit);
            } else {
                // a rate seen for less than a window is too noisy for Erlang C's headroom: until then
                // the flow gets what Little's law and the target utilization say, from the fast rate
                double young = ts.arrivalRate * ts.serviceEwmaNanos / 1e9;
                ts.flowSlots = Math.min(limit, (int) Math.ceil(young / config.targetUtilization() - 1e-9));
            }
        }
        sizeWarmPool();
        for (TypeState ts : s.byType.values()) {
            scale(ts, now);
        }
    }

    /**
     * Agents of a type that a steady flow of {@code ratePerSecond} would get from this scaler: the
     * slots of {@link #flowSlots} at that rate and the flow's mean service time (the smoothed one
     * before a flow is measured), in agents of the type's capacity, within its caps. For strategies
     * that size ahead of a forecast ({@link io.trinity.pool.spawn.SpawnPlanner#agentsFor}), so that
     * what they keep for a coming flow is what the scaler keeps once the flow is there.
     */
    static int agentsFor(PoolConfig config, TypeState ts, double ratePerSecond) {
        double flow = flowServiceSeconds(ts);
        double service = flow > 0 ? flow : ts.serviceEwmaNanos / 1e9;
        if (!(ratePerSecond > 0) || !(service > 0)) {
            return 0;
        }
        int capacity = capacity(ts);
        int cap = Math.min(ts.agentCap(), config.maxAgents());
        int slots = flowSlots(config, ratePerSecond * service, service, capacity * cap);
        return (int) Math.ceil(slots / (double) capacity - 1e-9);
    }

    /** The flow's mean service time, seconds; 0 before a flow was measured. */
    private static double flowServiceSeconds(TypeState ts) {
        return ts.flowServiceWeight > 0 ? ts.flowServiceSum / ts.flowServiceWeight : 0;
    }

    /** Slots for a steady flow of offered load {@code load}: Erlang C at the target wait, and the utilization cap. */
    private static int flowSlots(PoolConfig config, double load, double serviceSeconds, int limit) {
        if (!(load > 0)) {
            return 0;
        }
        int byUtilization = (int) Math.ceil(load / config.targetUtilization() - 1e-9);
        int byWait = ErlangC.slotsFor(load, serviceSeconds, config.targetWait().toNanos() / 1e9, WAIT_TAIL, limit);
        return Math.min(limit, Math.max(byUtilization, byWait));
    }

    /**
     * Tasks an agent of the type runs at once: the most of its started agents (a spawning one has
     * not said yet), else the least any started agent of the type said ({@link
     * TypeState#leastCapacity}), 1 before one started. Not 1 by default once known: a type whose
     * agents were all reclaimed between bursts would be sized in agents of one slot, capacity
     * times too many, just when a strategy readies it for the next burst.
     */
    static int capacity(TypeState ts) {
        int capacity = 0;
        for (AgentSlot slot : ts.slots) {
            if (slot.state != AgentState.DESTROYING && slot.state != AgentState.SPAWNING) {
                capacity = Math.max(capacity, slot.capacity);
            }
        }
        return capacity > 0 ? capacity : Math.max(1, ts.leastCapacity);
    }

    /**
     * The expected busy slots: the smaller of the flow's load and the smoothed busy count, so neither
     * a busy peak nor a fading flow keeps agents beyond the warm share.
     */
    static double expectedBusy(TypeState ts) {
        return ts.load > 0 ? Math.min(ts.load, ts.busyEwma) : ts.busyEwma;
    }

    private void scale(TypeState ts, long now) {
        boolean parked = ts.parked(now);
        int queued = parked ? 0 : Math.max(0, s.queue.size(ts.name) - ts.held);
        // Queued tasks that running work will take before a new agent could start do not call
        // for agents: cold starts slower than tasks would otherwise make every queue blip a spawn.
        int covered = engine.lifecycle.planner().coveredBeforeASpawn(ts.name);
        int present = ts.inFlight + Math.max(0, queued - covered);
        int capacity = capacity(ts);
        int current = 0;
        for (AgentSlot slot : ts.slots) {
            if (slot.state != AgentState.DESTROYING) {
                current++;
            }
        }
        int cap = Math.min(ts.agentCap(), config.maxAgents());
        // Work already here needs one slot per task and no more; headroom is for the steady flow.
        int forPresent = (int) Math.ceil(present / (double) capacity);
        // A provider window that holds the queue admits no flow until it reopens.
        int forFlow = parked ? 0 : (int) Math.ceil(ts.flowSlots / (double) capacity - 1e-9);
        double service = flowServiceSeconds(ts);
        int forFlowDown = parked || ts.flowSlots == 0 ? 0 : (int) Math.ceil(
                flowSlots(config, ts.load * (1 + Math.max(TOLERANCE, NOISE_SIGMAS * ts.loadNoise)), service, cap * capacity) / (double) capacity - 1e-9);
        double demand = Math.max(present, ts.load);
        // Scale up only for work that waits or a flow that is forecast; a momentary peak of busy
        // agents is not a reason to buy more of them. The live agent limit bounds growth only:
        // scale-down keeps to the configured cap, so lowering the limit never removes agents.
        int wanted = Math.min(cap, Math.max(ts.type.minAgents(), Math.max(forPresent, forFlow)));
        int desired = Math.min(wanted, engine.maxAgents());
        ts.busyEwma = ts.busyEwma * 0.8 + ts.inFlight / (double) capacity * 0.2;
        // Scale down never below what the warm pool would spawn straight back (the expected busy
        // count plus its share), nor below what a strategy spawned ahead of forecast demand.
        // the work present is remembered for the window only where the target wait is shorter than a
        // cold start (see the class comment); otherwise it is a floor at this tick only (below)
        boolean keepPeak = ts.spawnTimeEwmaNanos == 0 || config.targetWait().toNanos() < ts.spawnTimeEwmaNanos;
        int keep = Math.min(cap, Math.max(ts.type.minAgents(), Math.max(keepPeak ? forPresent : 0, forFlowDown)));
        keep = Math.max(keep, Math.min(cap, (int) Math.ceil(expectedBusy(ts) / capacity - 1e-9)
                + (parked ? 0 : ts.warmTarget)));
        keep = Math.max(keep, Math.min(cap, parked ? 0 : ts.strategyFloor));

        ArrayDeque<long[]> window = recommendations.computeIfAbsent(ts.name, k -> new ArrayDeque<>());
        window.addLast(new long[] {now, keep});
        long windowNanos = config.scaleDownWindow().toNanos();
        long horizon = now - windowNanos;
        while (window.size() > 1 && window.peekFirst()[0] < horizon) {
            window.pollFirst();
        }
        // the work present now is a floor now in any case
        int stabilized = Math.min(cap, forPresent);
        for (long[] r : window) {
            stabilized = (int) Math.max(stabilized, r[1]);
        }
        ts.stabilizedTarget = stabilized;
        double utilization = current == 0 ? 0 : ts.inFlight / (double) (current * capacity);
        if (desired > current) {
            if (now - ts.lastScaleDownNanos < windowNanos && current > 0) {
                // Just scaled down: hold for a window rather than flip back.
                return;
            }
            decide(ts, current, desired, "demand " + round(demand) + " (a flow of " + round(ts.load) + " busy slots needs "
                    + ts.flowSlots + " for a p99 wait of " + config.targetWait().toMillis() + " ms)", queued, utilization, now);
            int toSpawn = desired - current;
            while (toSpawn-- > 0 && engine.lifecycle.spawn(ts.name, SpawnCause.SCALE_UP)) {
                ts.lastScaleUpNanos = now; // refused at the cap or the rate limit: the next tick continues
            }
        } else if (stabilized < current && now - ts.lastScaleUpNanos >= windowNanos) {
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
        // A flow measured for a window is sized by Erlang C, whose spare slots are its warm pool:
        // only the configured minimum is kept on top of its expected busy slots (see the class comment).
        int[] least = split(config.warmPoolMin());
        int i = 0;
        for (TypeState ts : s.byType.values()) {
            if (sizedByErlang(ts)) {
                ts.warmTarget = Math.min(ts.warmTarget, least[i]);
            }
            i++;
        }
        for (TypeState ts : s.byType.values()) {
            markWarm(ts);
        }
    }

    /** Whether the type's flow has been seen for a window, so Erlang C (not Little's law) sizes it. */
    private boolean sizedByErlang(TypeState ts) {
        return ts.flowSlots > 0 && ts.flowSeconds >= config.scaleDownWindow().toNanos() / 1e9;
    }

    /** Largest-remainder split of the warm total by demand share; round-robin before any demand. */
    private void allocate() {
        int[] split = split(warmTotal);
        int i = 0;
        for (TypeState ts : s.byType.values()) {
            ts.warmTarget = split[i++];
        }
    }

    /** Largest-remainder split of {@code total} by demand share, in the order of the types; round-robin before any demand. */
    private int[] split(int total) {
        List<TypeState> types = new ArrayList<>(s.byType.values());
        int[] out = new int[types.size()];
        if (demandShare.isEmpty()) {
            for (int i = 0; i < types.size(); i++) {
                out[i] = total / types.size() + (i < total % types.size() ? 1 : 0);
            }
            return out;
        }
        int given = 0;
        double[] remainders = new double[types.size()];
        for (int i = 0; i < types.size(); i++) {
            double exact = total * demandShare.getOrDefault(types.get(i).name, 0.0);
            out[i] = (int) Math.floor(exact);
            remainders[i] = exact - Math.floor(exact);
            given += out[i];
        }
        while (given < total) {
            int best = 0;
            for (int i = 1; i < remainders.length; i++) {
                if (remainders[i] > remainders[best]) {
                    best = i;
                }
            }
            out[best]++;
            remainders[best] = -1;
            given++;
        }
        return out;
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
