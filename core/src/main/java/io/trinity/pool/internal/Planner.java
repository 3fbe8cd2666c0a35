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
import java.util.List;
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

    /**
     * Spawns for a strategy. Spawns ahead of demand (warm pool, predictive) wait out a
     * stabilization window after the type's last removal: one then would reverse the scaler's
     * decision inside its window while the agents left still serve. Spawns for waiting work
     * (on demand, clone) do not wait: a task that waits is worse than a reversal.
     */
    @Override
    public boolean spawn(String type, SpawnCause cause) {
        TypeState ts = s.type(type);
        long now = clock.nanoTime();
        boolean ahead = cause == SpawnCause.WARM_POOL || cause == SpawnCause.PREDICTIVE;
        if (ahead && now - ts.lastScaleDownNanos < config.scaleDownWindow().toNanos() && alive(type) > 0) {
            return false;
        }
        boolean spawned = lifecycle.spawn(type, cause);
        if (spawned) {
            ts.lastScaleUpNanos = now;
        }
        return spawned;
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

    /**
     * Room at the cap for {@code type}, in this order: a READY or IDLE agent of a type with
     * nothing queued is respecialized at once; failing that, when {@code type} has no agent at
     * all, a busy agent of the type with the most agents is promised to it and handed over when
     * its work returns ({@link #freed}), so no type waits behind other types' backlogs for
     * longer than one task. A type keeps its last agent while tasks keep arriving for it (one
     * is expected within the idle timeout), so two types cannot take one agent back and forth
     * at a cold start each. Each hand-over takes a spawn permit when the new agent starts: it
     * is a spawn like any other.
     */
    @Override
    public boolean reclaimFor(String type) {
        TypeState target = s.type(type);
        long now = clock.nanoTime();
        if (s.shuttingDown || target.slots.size() + incoming(target) >= target.agentCap()
                || !target.restart.maySpawn(now) || s.alive() > engine.maxAgents()) {
            // (over a lowered live limit the agent given up could not be replaced: it would be lost)
            return false; // the agent given up could not become one of this type: keep it
        }
        AgentSlot victim = idleVictim(type);
        AgentSlot busy = null;
        if (victim == null) {
            if (!target.slots.isEmpty() || incoming(target) > 0) {
                return false; // it has an agent: it makes progress, and no other type's work waits for it
            }
            busy = busyVictim(type);
            if (busy == null) {
                return false;
            }
        }
        if (busy != null) {
            // the spawn permit is taken at the hand-over, when the new agent actually starts
            busy.handOverTo = type;
            target.handingOver.add(busy);
            lifecycle.updateFree(busy); // takes no new task from here on
            return true;
        }
        if (!s.limiter.tryAcquire(now)) {
            lifecycle.wakeAt(s.limiter.nextPermitNanos(now));
            return false;
        }
        respecialize(victim, target);
        return true;
    }

    /** The READY or IDLE agent of another type, with nothing of its type queued, that can go. */
    private AgentSlot idleVictim(String type) {
        // Waiting work outranks the warm pool: a warm agent is taken only when no other will do,
        // or a pool at its cap could starve a type forever behind another type's warm agents.
        AgentSlot victim = null;
        for (AgentSlot slot : s.agents.values()) {
            if (slot.type().equals(type) || slot.agent == null || slot.handOverTo != null) {
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
            if (slot.lastKeyedNanos != Long.MIN_VALUE
                    && clock.nanoTime() - slot.lastKeyedNanos < config.idleTimeout().toNanos()) {
                continue; // a session's agent: its key's next task is expected, keep it its idle timeout
            }
            TypeState owner = s.type(slot.type());
            if (staying(owner) <= Math.max(owner.type.minAgents(), expectsWork(owner) ? 1 : 0)) {
                continue;
            }
            if (victim == null || (victim.warm && !slot.warm) || slot.lastActiveNanos < victim.lastActiveNanos) {
                victim = slot;
            }
        }
        return victim;
    }

    /**
     * A busy agent of the type with the most agents (at least two, above its minimum) that will
     * likely be free first: the one whose running work started earliest.
     */
    private AgentSlot busyVictim(String type) {
        TypeState richest = null;
        int most = 1;
        for (TypeState ts : s.byType.values()) {
            int n = staying(ts);
            if (!ts.name.equals(type) && n > most && n > ts.type.minAgents()) {
                richest = ts;
                most = n;
            }
        }
        if (richest == null) {
            return null;
        }
        AgentSlot best = null;
        long bestStart = Long.MAX_VALUE;
        for (AgentSlot slot : richest.slots) {
            if (slot.agent == null || slot.handOverTo != null || !slot.state.isAvailable() || slot.running.isEmpty()) {
                continue;
            }
            long start = Long.MAX_VALUE;
            for (Attempt a : slot.running) {
                start = Math.min(start, a.startNanos);
            }
            if (start < bestStart) {
                best = slot;
                bestStart = start;
            }
        }
        return best;
    }

    /** An agent's work returned (loop): one promised to another type is handed over now. */
    void freed(AgentSlot slot) {
        if (slot.handOverTo != null && slot.running.isEmpty() && s.agents.get(slot.id) == slot) {
            handOver(slot);
        }
    }

    /** Before each plan: promised agents that are free but were waiting for a spawn permit. */
    void handOverFreed() {
        for (TypeState ts : s.byType.values()) {
            if (incoming(ts) > ts.incoming) {
                for (AgentSlot slot : List.copyOf(ts.handingOver)) {
                    freed(slot);
                }
            }
        }
    }

    private void handOver(AgentSlot slot) {
        TypeState target = s.type(slot.handOverTo);
        long now = clock.nanoTime();
        boolean stillWanted = !s.shuttingDown && s.queue.size(target.name) > 0
                && target.slots.size() + target.incoming < target.agentCap() && target.restart.maySpawn(now)
                && (slot.state == AgentState.READY || slot.state == AgentState.IDLE);
        if (stillWanted && !s.limiter.tryAcquire(now)) {
            lifecycle.wakeAt(s.limiter.nextPermitNanos(now)); // stays promised and out of work until then
            return;
        }
        slot.handOverTo = null;
        target.handingOver.remove(slot);
        if (!stillWanted) {
            lifecycle.updateFree(slot); // the need went away (or the agent did): it serves its own type again
            engine.dispatcher.markNeeded();
            return;
        }
        respecialize(slot, target);
    }

    /** Destroys {@code v} with reason respecialize and starts an agent of the target type in its place. */
    private void respecialize(AgentSlot v, TypeState target) {
        String type = target.name;
        if (v.state == AgentState.READY) {
            lifecycle.transition(v, AgentState.IDLE, "reclaimed for " + type);
        }
        lifecycle.transition(v, AgentState.DESTROYING, "respecialize");
        lifecycle.unannounce(v);
        Agent agent = v.agent;
        target.incoming++; // on its way: the next plan must not reclaim for the same need again
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
                target.incoming--;
                lifecycle.removed(v, DestroyReason.RESPECIALIZE, null);
                lifecycle.spawnWith(type, SpawnCause.ON_DEMAND, Optional.empty(), reused, true);
            });
        });
    }

    /** Agents on their way into the type: respecializing, or promised and still busy elsewhere. */
    private int incoming(TypeState ts) {
        // a promised agent that failed or left meanwhile no longer counts
        ts.handingOver.removeIf(slot -> s.agents.get(slot.id) != slot || !ts.name.equals(slot.handOverTo));
        return ts.incoming + ts.handingOver.size();
    }

    /** The type's agents that stay with it: not leaving, not promised to another type. */
    private static int staying(TypeState ts) {
        int n = 0;
        for (AgentSlot slot : ts.slots) {
            if (slot.state != AgentState.DESTROYING && !slot.state.isTerminal() && slot.handOverTo == null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether a task of the type is expected before an idle agent of it would time out anyway:
     * its smoothed rate says so, or a task came since the last scale tick (the rate lags by one).
     */
    private boolean expectsWork(TypeState ts) {
        return ts.arrivalsThisTick > 0 || ts.arrivalRate * config.idleTimeout().toNanos() / 1e9 >= 1;
    }

    @Override public long nanoTime() { return clock.nanoTime(); }
    @Override public Collection<String> types() { return s.byType.keySet(); }
    /** Waiting tasks that an agent could start: those held by a limit do not call for agents. */
    @Override
    public int pending(String type) {
        TypeState ts = s.type(type);
        return ts.parked(clock.nanoTime()) ? 0 : Math.max(0, s.queue.size(type) - ts.held);
    }
    @Override public int freeSlots(String type) { return s.type(type).freeSlots(); }
    /** Agents starting, counting those on their way from another type. */
    @Override public int spawning(String type) { return s.type(type).spawning + incoming(s.type(type)); }
    /** Agents of the type, counting those on their way from another type. */
    @Override public int alive(String type) { return s.type(type).slots.size() + incoming(s.type(type)); }
    @Override public int alive() { return s.alive(); }
    /** The cap now, with the live agent limit; spawn strategies compare {@link #alive()} with it. */
    @Override public int maxAgents() { return engine.maxAgents(); }
    @Override public double arrivalRate(String type) { return s.type(type).arrivalRate; }
    @Override
    public int warmTarget(String type) {
        TypeState ts = s.type(type);
        return ts.parked(clock.nanoTime()) ? 0 : ts.warmTarget;
    }
    @Override
    public String pendingAffinityKey(String type) {
        TaskRecord head = s.queue.peek(type);
        return head == null ? null : head.task.affinityKey().orElse(null);
    }

    @Override
    public int warmFloor(String type) {
        TypeState ts = s.type(type);
        return ts.warmTarget == 0 || ts.parked(clock.nanoTime()) ? 0
                : (int) Math.ceil(ScaleController.expectedBusy(ts) - 1e-9) + ts.warmTarget;
    }

    @Override public int inFlight(String type) { return s.type(type).inFlight; }
    @Override public void keepAtLeast(String type, int agents) { s.type(type).strategyFloor = Math.max(0, agents); }
    @Override public long arrivals(String type) { return s.type(type).arrivals; }
    @Override public double serviceSeconds(String type) { return s.type(type).serviceEwmaNanos / 1e9; }
    @Override public double spawnSeconds(String type) { return s.type(type).spawnTimeEwmaNanos / 1e9; }
    @Override public int agentsFor(String type, double ratePerSecond) { return ScaleController.agentsFor(config, s.type(type), ratePerSecond); }

    /**
     * Waiting tasks that running work will have started before a new agent is ready or within the
     * pool's {@code targetWait}, whichever is longer: a task that starts within the wait the user
     * asked for needs no agent of its own. Without the target wait, a pool asked for a 60 s p99 wait
     * spawned (on demand and in the scaler's count of present work) for every queue longer than a
     * cold start's worth of completions, which is a wait of a few seconds.
     */
    @Override
    public int coveredBeforeASpawn(String type) {
        double service = serviceSeconds(type);
        double spawn = spawnSeconds(type);
        if (service <= 0 || spawn <= 0) {
            return 0;
        }
        double within = Math.max(spawn, config.targetWait().toNanos() / 1e9);
        return (int) Math.floor(inFlight(type) * (within / service));
    }

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
