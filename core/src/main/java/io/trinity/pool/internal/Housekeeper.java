package io.trinity.pool.internal;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.DestroyReason;
import io.trinity.pool.spawn.OnDemandSpawning;
import io.trinity.pool.spawn.SpawnStrategy;
import io.trinity.pool.spawn.WarmPoolSpawning;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The periodic work, like HikariCP's housekeeper: on every scale tick it settles quiet agents
 * into IDLE, reclaims those idle past the timeout (never below the warm pool or a type's
 * minimum, never a busy one), lets the spawning strategies and the auto-scaler act; on every
 * health tick it runs the {@link HealthCheck}; and it publishes {@code pool.stats}.
 */
final class Housekeeper {

    private final Engine engine;
    private final PoolState s;
    private final PoolConfig config;
    private final PoolClock clock;
    private final HealthCheck health;
    private final ScaleController scaler;
    private final List<Periodic> periodics = new ArrayList<>();
    private boolean stopped;

    Housekeeper(Engine engine, List<SpawnStrategy> strategies) {
        this.engine = engine;
        this.s = engine.state;
        this.config = engine.config;
        this.clock = engine.clock;
        this.health = new HealthCheck(engine);
        this.scaler = new ScaleController(engine);
        List<SpawnStrategy> chosen = strategies.isEmpty()
                ? List.of(new OnDemandSpawning(), new WarmPoolSpawning())
                : strategies;
        engine.lifecycle.strategies(chosen);
        engine.keeper.strategies(chosen);
    }

    void start() {
        every(config.scaleInterval(), this::scaleTick);
        every(config.healthInterval(), health::run);
        every(config.statsInterval(), this::publishStats);
        engine.dispatcher.markNeeded(); // lets the warm pool fill at once
    }

    void stop() {
        stopped = true;
        for (Periodic p : periodics) {
            if (p.timer != null) {
                p.timer.cancel();
            }
        }
    }

    private void every(Duration period, Runnable work) {
        Periodic p = new Periodic(period, work);
        periodics.add(p);
        p.arm();
    }

    /** A job re-armed after each run, so a slow loop delays it instead of piling runs up. */
    private final class Periodic {
        final Duration period;
        final Runnable work;
        PoolClock.Timer timer;

        Periodic(Duration period, Runnable work) {
            this.period = period;
            this.work = work;
        }

        void arm() {
            timer = clock.schedule(period, () -> engine.post(() -> {
                if (stopped) {
                    return;
                }
                work.run();
                arm();
            }));
        }
    }

    void scaleTick() {
        long now = clock.nanoTime();
        double tickSeconds = config.scaleInterval().toNanos() / 1e9;
        for (TypeState ts : s.byType.values()) {
            double instant = ts.arrivalsThisTick / tickSeconds;
            ts.arrivalRate = ts.arrivalRate * 0.8 + instant * 0.2;
            FlowForecast.observe(ts, instant, tickSeconds, config.idleTimeout().toNanos() / 1e9);
            ts.arrivalsThisTick = 0;
        }
        for (AgentSlot slot : new ArrayList<>(s.agents.values())) {
            if (slot.state == AgentState.READY && slot.running.isEmpty() && !slot.warm
                    && now - slot.lastActiveNanos >= config.scaleInterval().toNanos()) {
                engine.lifecycle.transition(slot, AgentState.IDLE, "no work for " + config.scaleInterval().toMillis() + " ms");
            }
        }
        scaler.tick(now);
        reclaimIdle(now);
        engine.lifecycle.planSpawns(true);
        engine.keeper.afterScaleTick(now);
        engine.dispatcher.markNeeded();
    }

    /**
     * Destroys agents idle past the timeout, oldest first, but never below the type's minimum,
     * the scaler's stabilized target, or the agents the warm pool counts as ready. Like a
     * scale-down it waits a stabilization window after the type's last spawn, and a removal starts
     * the scaler's hold, so an idle timeout and a spawn cannot flip the pool inside a window.
     */
    private void reclaimIdle(long now) {
        long timeout = config.idleTimeout().toNanos();
        long window = config.scaleDownWindow().toNanos();
        for (TypeState ts : s.byType.values()) {
            if (now - ts.lastScaleUpNanos < window) {
                continue;
            }
            int alive = 0;
            int readyOrIdle = 0;
            for (AgentSlot slot : ts.slots) {
                if (slot.state != AgentState.DESTROYING) {
                    alive++;
                }
                if ((slot.state == AgentState.READY || slot.state == AgentState.IDLE) && slot.running.isEmpty()) {
                    readyOrIdle++;
                }
            }
            int floor = Math.max(ts.type.minAgents(), ts.stabilizedTarget);
            for (AgentSlot slot : new ArrayList<>(ts.slots)) {
                if (alive <= floor || readyOrIdle <= ts.warmTarget) {
                    break;
                }
                if (slot.state == AgentState.IDLE && !slot.warm && now - slot.lastActiveNanos >= timeout
                        && s.queue.size(ts.name) == 0) {
                    engine.lifecycle.destroy(slot, DestroyReason.IDLE_TIMEOUT);
                    ts.lastScaleDownNanos = now;
                    alive--;
                    readyOrIdle--;
                }
            }
        }
    }

    private void publishStats() {
        if (!s.events.enabled()) {
            return;
        }
        Map<String, Integer> byState = new TreeMap<>();
        for (AgentState st : AgentState.values()) {
            byState.put(st.name(), 0);
        }
        for (AgentSlot slot : s.agents.values()) {
            byState.merge(slot.state.name(), 1, Integer::sum);
        }
        long now = clock.nanoTime();
        int queue = s.queue.size();
        s.events.emit(() -> new PoolEvent.PoolStats(now, byState, queue));
    }
}
