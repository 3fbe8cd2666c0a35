package io.trinity.pool.internal;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.balance.LoadBalancer;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.DestroyReason;
import io.trinity.pool.event.PoolEvent.SpawnCause;
import io.trinity.pool.spawn.SpawnPlanner;
import io.trinity.pool.spawn.SpawnStrategy;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Agents' lives: spawn (with the cap, the rate limit and restart backoff), state transitions
 * (checked by {@link AgentState}), destroy, failure and replacement, reclaiming room at the cap,
 * preemption, and shutdown. Also the engine's {@link SpawnPlanner} for spawning strategies.
 */
final class Lifecycle implements SpawnPlanner {

    private final Engine engine;
    private final PoolState s;
    private final PoolConfig config;
    private final PoolClock clock;
    private List<SpawnStrategy> strategies = List.of();
    private PoolClock.Timer spawnWakeup;
    private long spawnWakeupAt = Long.MAX_VALUE;
    private CompletableFuture<ShutdownReport> shutdownDone;
    private PoolClock.Timer drainDeadline;
    private int drainedAtStart;
    private int cancelledAtDeadline;
    private boolean deadlinePassed;

    Lifecycle(Engine engine) {
        this.engine = engine;
        this.s = engine.state;
        this.config = engine.config;
        this.clock = engine.clock;
    }

    void strategies(List<SpawnStrategy> strategies) {
        this.strategies = List.copyOf(strategies);
    }

    // ---- transitions ------------------------------------------------------------------------

    void transition(AgentSlot slot, AgentState to, String reason) {
        AgentState from = slot.moveTo(to);
        long now = clock.nanoTime();
        s.events.emit(() -> new PoolEvent.AgentStateChanged(now, slot.id, slot.type(), from, to, reason));
    }

    /** Puts the agent in or out of its type's candidate list to match its state and load. */
    void updateFree(AgentSlot slot) {
        TypeState ts = s.type(slot.type());
        boolean eligible = slot.state.isAvailable() && slot.running.size() < slot.capacity
                && s.agents.get(slot.id) == slot;
        if (eligible) {
            ts.addFree(slot);
        } else {
            ts.removeFree(slot);
        }
    }

    // ---- spawning ---------------------------------------------------------------------------

    void planSpawns() {
        if (s.shuttingDown) {
            return;
        }
        for (TypeState ts : s.byType.values()) {
            while (ts.replacementsOwed > 0 && spawn(ts.name, SpawnCause.REPLACE)) {
                ts.replacementsOwed--;
            }
        }
        for (SpawnStrategy strategy : strategies) {
            strategy.plan(this);
        }
    }

    @Override
    public boolean spawn(String type, SpawnCause cause) {
        return spawnWith(type, cause, Optional.empty(), null) != null;
    }

    @Override
    public boolean cloneBusiest(String type, String affinityKey) {
        TypeState ts = s.type(type);
        AgentSlot parent = null;
        for (AgentSlot slot : ts.slots) {
            if (!slot.state.isAvailable() || slot.agent == null) {
                continue;
            }
            boolean bound = affinityKey != null && slot.running.stream()
                    .anyMatch(a -> affinityKey.equals(a.record.task.affinityKey().orElse(null)));
            if (bound || parent == null || slot.running.size() > parent.running.size()) {
                parent = slot;
                if (bound) {
                    break;
                }
            }
        }
        if (parent == null) {
            return false;
        }
        Optional<AgentSnapshot> snap;
        try {
            snap = parent.agent.snapshot();
        } catch (RuntimeException e) {
            Engine.LOG.warn("agent {}: snapshot for a clone failed; spawning a fresh agent", parent.id, e);
            snap = Optional.empty();
        }
        return spawnWith(type, SpawnCause.CLONE, snap, null) != null;
    }

    /** Spawns if every limit allows it now; returns the new slot or null. */
    AgentSlot spawnWith(String type, SpawnCause cause, Optional<AgentSnapshot> snapshot, Agent reuse) {
        return spawnWith(type, cause, snapshot, reuse, false);
    }

    /** As above; {@code permitHeld} when a rate permit was already taken for it (a reclaim). */
    AgentSlot spawnWith(String type, SpawnCause cause, Optional<AgentSnapshot> snapshot, Agent reuse,
                        boolean permitHeld) {
        TypeState ts = s.type(type);
        long now = clock.nanoTime();
        if (s.shuttingDown || s.alive() >= config.maxAgents() || ts.slots.size() >= ts.type.maxAgents()) {
            if (reuse != null) {
                engine.agentExecutor.execute(() -> closeQuietly(type, reuse));
            }
            return null;
        }
        if (!ts.restart.maySpawn(now)) {
            wakeAt(ts.restart.nextSpawnNanos());
            return null;
        }
        if (!permitHeld && !s.limiter.tryAcquire(now)) {
            wakeAt(s.limiter.nextPermitNanos(now));
            return null;
        }
        ts.restart.spawnStarted();
        String id = type + "-" + (++ts.counter);
        AgentSlot slot = new AgentSlot(id, ts.type, now, config.qualityWindow());
        s.agents.put(id, slot);
        ts.slots.add(slot);
        ts.spawning++;
        s.spawns++;
        s.events.emit(() -> new PoolEvent.AgentSpawned(now, id, type, cause));
        if (reuse != null) {
            spawned(slot, reuse, null);
            return slot;
        }
        AgentInit init = new AgentInit(id, type, snapshot);
        engine.agentExecutor.execute(() -> {
            Agent agent = null;
            try {
                agent = ts.type.factory().create(init);
                if (agent == null) {
                    throw new IllegalStateException("factory of agent type '" + type + "' returned null");
                }
                if (agent instanceof AsyncAgent async) {
                    Agent a = agent;
                    async.initAsync().whenComplete((v, e) -> engine.post(() -> spawned(slot, a, e)));
                    return;
                }
                agent.init();
                Agent a = agent;
                engine.post(() -> spawned(slot, a, null));
            } catch (Throwable e) {
                Agent a = agent;
                engine.post(() -> spawned(slot, a, e));
            }
        });
        return slot;
    }

    /** Re-plans spawning when a limit lifts (rate window, backoff); coalesces to one timer. */
    private void wakeAt(long nanos) {
        if (nanos <= clock.nanoTime()) {
            return; // nothing to wait for: whatever blocks the spawn (a probe in flight) will re-plan itself
        }
        if (nanos >= spawnWakeupAt && spawnWakeup != null) {
            return;
        }
        if (spawnWakeup != null) {
            spawnWakeup.cancel();
        }
        spawnWakeupAt = nanos;
        spawnWakeup = clock.schedule(Duration.ofNanos(Math.max(0, nanos - clock.nanoTime())), () -> engine.post(() -> {
            spawnWakeup = null;
            spawnWakeupAt = Long.MAX_VALUE;
            engine.dispatcher.markNeeded();
        }));
    }

    private void spawned(AgentSlot slot, Agent agent, Throwable error) {
        TypeState ts = s.type(slot.type());
        ts.spawning--;
        slot.agent = agent;
        if (error != null) {
            String reason = "init failed: " + Dispatcher.describe(unwrap(error));
            fail(slot, reason);
            return;
        }
        slot.capacity = Math.max(1, agent.capacity());
        long took = clock.nanoTime() - slot.createdNanos;
        ts.spawnTimeEwmaNanos = ts.spawnTimeEwmaNanos == 0 ? took : ts.spawnTimeEwmaNanos * 0.8 + took * 0.2;
        slot.lastActiveNanos = clock.nanoTime();
        slot.readySinceNanos = slot.lastActiveNanos;
        transition(slot, AgentState.READY, null);
        if (ts.restart.recordSuccess()) {
            long now = clock.nanoTime();
            s.events.emit(() -> new PoolEvent.CircuitChanged(now, ts.name, false, 0));
        }
        if (s.shuttingDown && deadlinePassed) {
            destroy(slot, DestroyReason.SHUTDOWN);
            return;
        }
        slot.announced = true;
        for (LoadBalancer b : s.balancers.values()) {
            b.agentAdded(slot);
        }
        updateFree(slot);
        engine.dispatcher.markNeeded();
    }

    // ---- leaving ----------------------------------------------------------------------------

    /** Destroys a READY or IDLE agent: DESTROYING, snapshot offered, closed, removed. */
    void destroy(AgentSlot slot, DestroyReason reason) {
        transition(slot, AgentState.DESTROYING, reason.name().toLowerCase(java.util.Locale.ROOT));
        unannounce(slot);
        Agent agent = slot.agent;
        engine.agentExecutor.execute(() -> {
            AgentSnapshot snap = null;
            try {
                snap = agent.snapshot().orElse(null);
            } catch (RuntimeException e) {
                Engine.LOG.warn("agent {}: snapshot on destroy failed", slot.id, e);
            }
            closeQuietly(slot.id, agent);
            AgentSnapshot sn = snap;
            engine.post(() -> removed(slot, reason, sn));
        });
    }

    /** The agent itself is broken (init failed, crashed, stuck, degraded): FAILED, removed, replaced. */
    void fail(AgentSlot slot, String reason) {
        if (s.agents.get(slot.id) != slot || slot.state.isTerminal()) {
            return;
        }
        if (slot.state == AgentState.IDLE) {
            // IDLE may only move to DESTROYING: a dead idle agent leaves that way, reason failed.
            transition(slot, AgentState.DESTROYING, reason);
        } else {
            transition(slot, AgentState.FAILED, reason);
        }
        unannounce(slot);
        for (Attempt a : List.copyOf(slot.running)) {
            if (a.outcome == null) {
                engine.dispatcher.settle(a, PoolEvent.TaskOutcome.FAILED, reason);
                engine.dispatcher.retryOrDeadLetter(a.record, reason, PoolEvent.TaskOutcome.FAILED, null);
            }
            engine.agentExecutor.execute(a::cancelWork);
        }
        Agent agent = slot.agent;
        if (agent != null) {
            engine.agentExecutor.execute(() -> closeQuietly(slot.id, agent));
        }
        removed(slot, DestroyReason.FAILED, null);
        TypeState ts = s.type(slot.type());
        long now = clock.nanoTime();
        boolean wasOpen = ts.restart.isOpen();
        long backoff = ts.restart.recordFailure(now);
        if (!wasOpen && ts.restart.isOpen()) {
            s.events.emit(() -> new PoolEvent.CircuitChanged(now, ts.name, true, ts.restart.failuresInWindow()));
            if (config.circuitMode() == PoolConfig.CircuitMode.FAIL_FAST) {
                engine.dispatcher.failLane(ts);
            }
        }
        if (!s.shuttingDown) {
            ts.replacementsOwed++;
            String replacement = ts.name + "-" + (ts.counter + 1);
            s.events.emit(() -> new PoolEvent.HealthRestart(now, slot.id, replacement, backoff / 1_000_000, ts.name, reason));
            wakeAt(now + backoff);
        }
        engine.dispatcher.markNeeded();
    }

    private void unannounce(AgentSlot slot) {
        TypeState ts = s.type(slot.type());
        ts.removeFree(slot);
        if (slot.idleTimer != null) {
            slot.idleTimer.cancel();
        }
        if (slot.announced) {
            slot.announced = false;
            for (LoadBalancer b : s.balancers.values()) {
                b.agentRemoved(slot);
            }
        }
    }

    private void removed(AgentSlot slot, DestroyReason reason, AgentSnapshot snapshot) {
        if (s.agents.remove(slot.id) == null) {
            return;
        }
        TypeState ts = s.type(slot.type());
        ts.slots.remove(slot);
        ts.removeFree(slot);
        s.destroys++;
        long now = clock.nanoTime();
        s.events.emit(() -> new PoolEvent.AgentDestroyed(now, slot.id, slot.type(), reason, snapshot));
        engine.dispatcher.markNeeded();
        checkShutdownProgress();
    }

    private static void closeQuietly(String id, Agent agent) {
        try {
            agent.close();
        } catch (Exception e) {
            Engine.LOG.warn("agent {}: close failed", id, e);
        }
    }

    // ---- room at the cap --------------------------------------------------------------------

    @Override
    public boolean reclaimFor(String type) {
        AgentSlot victim = null;
        for (AgentSlot slot : s.agents.values()) {
            if (slot.type().equals(type) || slot.warm || slot.agent == null) {
                continue;
            }
            boolean idleEnough = slot.state == AgentState.IDLE
                    || (slot.state == AgentState.READY && slot.running.isEmpty());
            if (!idleEnough || s.queue.size(slot.type()) > 0) {
                continue;
            }
            TypeState owner = s.type(slot.type());
            if (owner.slots.size() <= owner.type.minAgents()) {
                continue;
            }
            if (victim == null || slot.lastActiveNanos < victim.lastActiveNanos) {
                victim = slot;
            }
        }
        if (victim == null) {
            return false;
        }
        long now = clock.nanoTime();
        if (!s.limiter.tryAcquire(now)) {
            // the new agent is a spawn like any other: it waits for the rate limit too
            wakeAt(s.limiter.nextPermitNanos(now));
            return false;
        }
        AgentSlot v = victim;
        v.respecializeTo = type;
        if (v.state == AgentState.READY) {
            transition(v, AgentState.IDLE, "reclaimed for " + type);
        }
        transition(v, AgentState.DESTROYING, "respecialize");
        unannounce(v);
        Agent agent = v.agent;
        engine.agentExecutor.execute(() -> {
            boolean ok;
            try {
                ok = agent.respecialize(type);
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                closeQuietly(v.id, agent);
            }
            Agent reused = ok ? agent : null;
            engine.post(() -> {
                v.respecializeTo = null;
                removed(v, DestroyReason.RESPECIALIZE, null);
                spawnWith(type, SpawnCause.ON_DEMAND, Optional.empty(), reused, true);
            });
        });
        return true;
    }

    /**
     * A high-priority task arrived. If no agent of its type can take it and the pool cannot grow,
     * the lowest-priority running task of a preemptible type gives way. Loop only.
     */
    void maybePreemptFor(TaskRecord r) {
        if (r.task.priority() < config.preemptPriority() || s.shuttingDown) {
            return;
        }
        TypeState ts = s.type(r.lane);
        if (!ts.free.isEmpty() || ts.spawning > 0 || s.alive() < config.maxAgents()) {
            return;
        }
        Attempt lowest = null;
        for (AgentSlot slot : ts.slots) {
            if (!slot.type.preemptible()) {
                continue;
            }
            for (Attempt a : slot.running) {
                if (a.outcome == null && a.record.task.priority() < r.task.priority()
                        && (lowest == null || a.record.task.priority() < lowest.record.task.priority())) {
                    lowest = a;
                }
            }
        }
        if (lowest != null) {
            engine.dispatcher.preempt(lowest, "preempted by task " + r.id + " (priority " + r.task.priority() + ")");
        }
    }

    /** Called when an agent's work returned; finishes shutdown for it if the pool is closing. */
    void afterAgentFreed(AgentSlot slot) {
        if (s.shuttingDown && slot.running.isEmpty() && slot.state == AgentState.READY
                && (deadlinePassed || s.live.isEmpty())) {
            destroy(slot, DestroyReason.SHUTDOWN);
        }
    }

    // ---- shutdown ---------------------------------------------------------------------------

    void beginShutdown(Duration drain, CompletableFuture<ShutdownReport> done) {
        if (shutdownDone != null) {
            shutdownDone.whenComplete((r, e) -> done.complete(r));
            return;
        }
        shutdownDone = done;
        s.shuttingDown = true;
        drainedAtStart = s.live.size();
        engine.housekeeper.stop();
        drainDeadline = clock.schedule(drain, () -> engine.post(this::drainDeadlinePassed));
        checkShutdownProgress();
    }

    private void drainDeadlinePassed() {
        if (deadlinePassed) {
            return;
        }
        deadlinePassed = true;
        for (TaskRecord r : List.copyOf(s.live.values())) {
            engine.dispatcher.cancel(r, "cancelled: pool shutdown drain deadline passed");
            cancelledAtDeadline++;
        }
        // Agents whose work ignores the interrupt are given one health interval, then failed.
        clock.schedule(config.healthInterval(), () -> engine.post(this::forceStop));
        checkShutdownProgress();
    }

    private void forceStop() {
        for (AgentSlot slot : List.copyOf(s.agents.values())) {
            if (slot.state == AgentState.BUSY || slot.state == AgentState.READY) {
                if (slot.state == AgentState.BUSY) {
                    fail(slot, "did not stop within " + config.healthInterval().toMillis() + " ms of shutdown");
                }
            }
        }
        checkShutdownProgress();
    }

    void checkShutdownProgress() {
        if (shutdownDone == null || shutdownDone.isDone()) {
            return;
        }
        if (!s.live.isEmpty() && !deadlinePassed) {
            return;
        }
        for (AgentSlot slot : List.copyOf(s.agents.values())) {
            if (slot.running.isEmpty() && (slot.state == AgentState.READY || slot.state == AgentState.IDLE)) {
                destroy(slot, DestroyReason.SHUTDOWN);
            }
        }
        if (!s.agents.isEmpty() || !s.live.isEmpty()) {
            return;
        }
        s.terminated = true;
        if (drainDeadline != null) {
            drainDeadline.cancel();
        }
        if (spawnWakeup != null) {
            spawnWakeup.cancel();
        }
        int cancelled = cancelledAtDeadline;
        ShutdownReport report = new ShutdownReport(drainedAtStart - cancelled, cancelled, s.finalCounts);
        shutdownDone.complete(report);
    }

    // ---- SpawnPlanner -----------------------------------------------------------------------

    @Override public long nanoTime() { return clock.nanoTime(); }
    @Override public Collection<String> types() { return s.byType.keySet(); }
    @Override public int pending(String type) { return s.queue.size(type); }
    @Override public int freeSlots(String type) { return s.type(type).freeSlots(); }
    @Override public int spawning(String type) { return s.type(type).spawning; }
    @Override public int alive(String type) { return s.type(type).slots.size(); }
    @Override public int alive() { return s.alive(); }
    @Override public int maxAgents() { return config.maxAgents(); }
    @Override public double arrivalRate(String type) { return s.type(type).arrivalRate; }
    @Override public int warmTarget(String type) { return s.type(type).warmTarget; }
    @Override
    public String pendingAffinityKey(String type) {
        TaskRecord head = s.queue.peek(type);
        return head == null ? null : head.task.affinityKey().orElse(null);
    }

    @Override public long arrivals(String type) { return s.type(type).arrivals; }
    @Override public double serviceSeconds(String type) { return s.type(type).serviceEwmaNanos / 1e9; }
    @Override public double spawnSeconds(String type) { return s.type(type).spawnTimeEwmaNanos / 1e9; }

    @Override
    public int readyNow(String type) {
        int n = 0;
        for (AgentSlot slot : s.type(type).slots) {
            // IDLE agents take a task as instantly as READY ones: counting only READY would make
            // the warm pool spawn beside idle agents that the scaler then destroys (churn)
            if ((slot.state == AgentState.READY || slot.state == AgentState.IDLE) && slot.running.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    List<AgentSlot> slotsOf(String type) {
        return new ArrayList<>(s.type(type).slots);
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
