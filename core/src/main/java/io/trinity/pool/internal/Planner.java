package io.trinity.pool.internal;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent.DestroyReason;
import io.trinity.pool.event.PoolEvent.SpawnCause;
import io.trinity.pool.spawn.SpawnPlanner;
import io.trinity.pool.time.PoolClock;
import java.util.Collection;
import java.util.Optional;

/**
 * The engine as spawning strategies see it: read-only views of demand and supply per type, and
 * the three actions (spawn, clone, reclaim), all bounded by the {@link Lifecycle}'s limits.
 */
final class Planner implements SpawnPlanner {

    private final Engine engine;
    private final Lifecycle lifecycle;
    private final PoolState s;
    private final PoolConfig config;
    private final PoolClock clock;

    Planner(Engine engine, Lifecycle lifecycle) {
        this.engine = engine;
        this.lifecycle = lifecycle;
        this.s = engine.state;
        this.config = engine.config;
        this.clock = engine.clock;
    }

    @Override
    public boolean spawn(String type, SpawnCause cause) {
        return lifecycle.spawn(type, cause);
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
        return lifecycle.spawnWith(type, SpawnCause.CLONE, snap, null) != null;
    }

    // ---- room at the cap --------------------------------------------------------------------

    @Override
    public boolean reclaimFor(String type) {
        // Waiting work outranks the warm pool: a warm agent is taken only when no other will do,
        // or a pool at its cap could starve a type forever behind another type's warm agents.
        AgentSlot victim = null;
        for (AgentSlot slot : s.agents.values()) {
            if (slot.type().equals(type) || slot.agent == null) {
                continue;
            }
            if (victim != null && slot.warm && !victim.warm) {
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
            if (victim == null || (victim.warm && !slot.warm) || slot.lastActiveNanos < victim.lastActiveNanos) {
                victim = slot;
            }
        }
        if (victim == null) {
            return false;
        }
        long now = clock.nanoTime();
        if (!s.limiter.tryAcquire(now)) {
            // the new agent is a spawn like any other: it waits for the rate limit too
            lifecycle.wakeAt(s.limiter.nextPermitNanos(now));
            return false;
        }
        AgentSlot v = victim;
        if (v.state == AgentState.READY) {
            lifecycle.transition(v, AgentState.IDLE, "reclaimed for " + type);
        }
        lifecycle.transition(v, AgentState.DESTROYING, "respecialize");
        lifecycle.unannounce(v);
        Agent agent = v.agent;
        engine.agentExecutor.execute(() -> {
            boolean ok;
            try {
                ok = agent.respecialize(type);
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                Lifecycle.closeQuietly(v.id, agent);
            }
            Agent reused = ok ? agent : null;
            engine.post(() -> {
                lifecycle.removed(v, DestroyReason.RESPECIALIZE, null);
                lifecycle.spawnWith(type, SpawnCause.ON_DEMAND, Optional.empty(), reused, true);
            });
        });
        return true;
    }

    @Override public long nanoTime() { return clock.nanoTime(); }
    @Override public Collection<String> types() { return s.byType.keySet(); }
    /** Waiting tasks that an agent could start: those held by a limit do not call for agents. */
    @Override public int pending(String type) { return Math.max(0, s.queue.size(type) - s.type(type).held); }
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

    @Override
    public int warmFloor(String type) {
        TypeState ts = s.type(type);
        return ts.warmTarget == 0 ? 0 : (int) Math.ceil(ts.busyEwma - 1e-9) + ts.warmTarget;
    }

    @Override public int inFlight(String type) { return s.type(type).inFlight; }
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
}
