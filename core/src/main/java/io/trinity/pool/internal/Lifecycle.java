package io.trinity.pool.internal;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.balance.LoadBalancer;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.DestroyReason;
import io.trinity.pool.event.PoolEvent.SpawnCause;
import io.trinity.pool.spawn.SpawnStrategy;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Agents' lives: spawn (with the cap, the rate limit and restart backoff), state transitions
 * (checked by {@link AgentState}), destroy, failure and replacement, reclaiming room at the cap,
 * preemption, and shutdown (with {@link Shutdown}); strategies see it through {@link Planner}.
 */
final class Lifecycle {

    private final Engine engine;
    private final PoolState s;
    private final PoolConfig config;
    private final PoolClock clock;
    private List<SpawnStrategy> strategies = List.of();
    private PoolClock.Timer spawnWakeup;
    private long spawnWakeupAt = Long.MAX_VALUE;
    private final Shutdown shutdown;
    private final Planner planner;

    Lifecycle(Engine engine) {
        this.engine = engine;
        this.s = engine.state;
        this.config = engine.config;
        this.clock = engine.clock;
        this.shutdown = new Shutdown(engine, this);
        this.planner = new Planner(engine, this);
    }

    Planner planner() {
        return planner;
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
                && slot.listed && slot.handOverTo == null;
        ts.setFree(slot, eligible ? slot.capacity - slot.running.size() : 0);
    }

    // ---- spawning ---------------------------------------------------------------------------

    /** After a dispatch round: replacements owed and the reactive strategies. */
    void planSpawns() {
        planSpawns(false);
    }

    /** On the scale tick every strategy plans; after a dispatch round only the reactive ones. */
    void planSpawns(boolean tick) {
        if (s.shuttingDown) {
            return;
        }
        planner.handOverFreed();
        for (TypeState ts : s.byType.values()) {
            while (ts.replacementsOwed > 0 && spawn(ts.name, SpawnCause.REPLACE)) {
                ts.replacementsOwed--;
            }
        }
        for (SpawnStrategy strategy : strategies) {
            if (tick || strategy.reactive()) {
                strategy.plan(planner);
            }
        }
    }

    boolean spawn(String type, SpawnCause cause) {
        return spawnWith(type, cause, Optional.empty(), null) != null;
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
        // a respecialized agent replaces one that left: it never adds to the count, so only the
        // configured cap applies to it (a live limit below the count must not cost an agent)
        int cap = reuse != null ? config.maxAgents() : engine.maxAgents();
        if (s.shuttingDown || s.alive() >= cap || ts.slots.size() >= ts.agentCap()) {
            if (reuse != null) {
                engine.offLoop(() -> closeQuietly(type, reuse));
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
        slot.listed = true;
        ts.slots.add(slot);
        ts.spawning++;
        s.spawns++;
        s.events.emit(() -> new PoolEvent.AgentSpawned(now, id, type, cause));
        if (reuse != null) {
            spawned(slot, reuse, null);
            return slot;
        }
        // with a journal, a fresh agent gets the newest state its type saved (across restarts too)
        AgentInit init = new AgentInit(id, type, snapshot.isPresent() ? snapshot : engine.durability.latestSnapshot(type));
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
    void wakeAt(long nanos) {
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

    void cancelWakeup() {
        if (spawnWakeup != null) {
            spawnWakeup.cancel();
            spawnWakeup = null;
            spawnWakeupAt = Long.MAX_VALUE;
        }
    }

    private void spawned(AgentSlot slot, Agent agent, Throwable error) {
        TypeState ts = s.type(slot.type());
        ts.spawning--;
        slot.agent = agent;
        if (error != null) {
            String reason = "init failed: " + Dispatcher.describe(Dispatcher.unwrap(error));
            // the stack once per run of failures; the message every time
            Object[] args = ts.lastFailure == null
                    ? new Object[] {slot.type(), slot.id, reason, Dispatcher.unwrap(error)}
                    : new Object[] {slot.type(), slot.id, reason};
            Engine.LOG.warn("agent type '{}': agent {} failed to start: {}", args);
            ts.startFailing = true;
            fail(slot, reason);
            return;
        }
        ts.startFailing = false;
        slot.capacity = Math.max(1, agent.capacity());
        ts.leastCapacity = ts.leastCapacity == 0 ? slot.capacity : Math.min(ts.leastCapacity, slot.capacity);
        slot.node = agent.node();
        if (slot.node != null) {
            s.nodesSeen = true;
        }
        long took = clock.nanoTime() - slot.createdNanos;
        ts.spawnTimeEwmaNanos = ts.spawnTimeEwmaNanos == 0 ? took : ts.spawnTimeEwmaNanos * 0.8 + took * 0.2;
        slot.lastActiveNanos = clock.nanoTime();
        transition(slot, AgentState.READY, null);
        if (ts.restart.recordSuccess()) {
            long now = clock.nanoTime();
            Engine.LOG.warn("agent type '{}': circuit closed, agent {} started", ts.name, slot.id);
            ts.lastFailure = null;
            s.events.emit(() -> new PoolEvent.CircuitChanged(now, ts.name, false, 0, null));
        }
        if (s.shuttingDown && (shutdown.deadlinePassed() || s.live.isEmpty())) {
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
    /**
     * Every waiting task of a paced type is held by its provider until {@code lift}: free agents
     * of the type can do nothing until then. When that is longer than twice an agent's start
     * (at least a second), they cost more waiting than a new start: they are reclaimed (down to
     * the type's minAgents), and spawning resumes so that new agents are ready as the window
     * reopens. See {@link PacedSizing}.
     */
    void parkForWindow(TypeState ts, long now, long lift) {
        ts.heldUntil = lift;
        long spawnNanos = (long) ts.spawnTimeEwmaNanos;
        wakeAt(lift - spawnNanos);
        if (lift - now < Math.max(java.util.concurrent.TimeUnit.SECONDS.toNanos(1), 2 * spawnNanos)) {
            return;
        }
        List<AgentSlot> idle = new ArrayList<>();
        for (AgentSlot slot : ts.free) {
            if ((slot.state == AgentState.READY || slot.state == AgentState.IDLE) && slot.running.isEmpty()
                    && slot.handOverTo == null) {
                idle.add(slot);
            }
        }
        int alive = 0;
        for (AgentSlot slot : ts.slots) {
            if (slot.state != AgentState.DESTROYING && !slot.state.isTerminal()) {
                alive++;
            }
        }
        int n = Math.min(idle.size(), alive - ts.type.minAgents());
        if (n <= 0) {
            return;
        }
        int from = alive;
        long waitMs = (lift - now) / 1_000_000;
        s.events.emit(() -> new PoolEvent.ScaleDecision(now, ts.name, from, from - n, "provider window closed for "
                + waitMs + " ms: idle agents of a paced type reclaimed until it reopens", s.queue.size(ts.name), 0));
        for (int i = 0; i < n; i++) {
            destroy(idle.get(i), DestroyReason.SCALE_DOWN);
        }
    }

    void destroy(AgentSlot slot, DestroyReason reason) {
        transition(slot, AgentState.DESTROYING, reason.name().toLowerCase(java.util.Locale.ROOT));
        unannounce(slot);
        Agent agent = slot.agent;
        engine.offLoop(() -> {
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
        List<Attempt> interrupted = List.copyOf(slot.running);
        Agent agent = slot.agent;
        if (agent != null) {
            engine.offLoop(() -> closeQuietly(slot.id, agent));
        }
        removed(slot, DestroyReason.FAILED, null);
        TypeState ts = s.type(slot.type());
        long now = clock.nanoTime();
        boolean wasOpen = ts.restart.isOpen();
        ts.lastFailure = reason.startsWith("agent ") ? reason : "agent " + slot.id + " " + reason;
        long backoff = ts.restart.recordFailure(now);
        if (!wasOpen && ts.restart.isOpen()) {
            ts.circuitOpenedNanos = now;
            int failures = ts.restart.failuresInWindow();
            String cause = ts.lastFailure;
            Engine.LOG.warn("agent type '{}': circuit open after {} agent failures; last: {}; queued tasks {}", ts.name,
                    failures, cause, config.circuitMode() == PoolConfig.CircuitMode.FAIL_FAST ? "fail now"
                            : "wait up to " + config.circuitMaxWait().toMillis() + " ms for a healthy agent");
            s.events.emit(() -> new PoolEvent.CircuitChanged(now, ts.name, true, failures, cause));
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
        // Last, so that every event of the failure precedes the futures it completes.
        for (Attempt a : interrupted) {
            if (a.outcome == null) {
                engine.dispatcher.settle(a, PoolEvent.TaskOutcome.FAILED, reason);
                engine.dispatcher.retryOrDeadLetter(a.record, reason, PoolEvent.TaskOutcome.FAILED, null);
            }
            engine.offLoop(a::cancelWork);
        }
        engine.dispatcher.markNeeded();
    }

    void unannounce(AgentSlot slot) {
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

    void removed(AgentSlot slot, DestroyReason reason, AgentSnapshot snapshot) {
        if (s.agents.remove(slot.id) == null) {
            return;
        }
        slot.listed = false;
        TypeState ts = s.type(slot.type());
        ts.slots.remove(slot);
        ts.removeFree(slot);
        s.destroys++;
        long now = clock.nanoTime();
        if (snapshot != null) {
            engine.durability.snapshotSaved(snapshot, engine.wallMillis(now));
        }
        s.events.emit(() -> new PoolEvent.AgentDestroyed(now, slot.id, slot.type(), reason, snapshot));
        engine.dispatcher.markNeeded();
        checkShutdownProgress();
    }

    static void closeQuietly(String id, Agent agent) {
        try {
            agent.close();
        } catch (Exception e) {
            Engine.LOG.warn("agent {}: close failed", id, e);
        }
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
        if (!ts.free.isEmpty() || ts.spawning > 0 || s.alive() < engine.maxAgents()) {
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
        planner.freed(slot);
        shutdown.afterAgentFreed(slot);
    }

    void beginShutdown(Duration drain, CompletableFuture<ShutdownReport> done) {
        shutdown.begin(drain, done);
    }

    void checkShutdownProgress() {
        shutdown.checkProgress();
    }

    boolean deadlinePassed() {
        return shutdown.deadlinePassed();
    }
}
