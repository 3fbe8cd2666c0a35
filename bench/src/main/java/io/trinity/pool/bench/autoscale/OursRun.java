package io.trinity.pool.bench.autoscale;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Our pool on a workload: the real {@link AgentPool} on virtual time, with its on-demand
 * spawning, warm pool, auto-scaler and idle reclaim at their defaults, simulated agents with
 * the shared cold start, and each task's duration fixed by its {@code duration_ms} input so
 * it matches the baselines exactly. Every metric comes from the pool's events.
 */
final class OursRun {

    static final String NAME = "Trinity (ours)";

    private OursRun() {
    }

    /** The config under test: defaults, except the shared cap and a queue that holds a burst. */
    static PoolConfig config(int maxAgents) {
        return PoolConfig.custom().maxAgents(maxAgents).queueCapacity(1_000_000).build();
    }

    /**
     * The same with the warm pool switched off (warmPool = min = max = 0). Not a contender: a
     * diagnostic that shows how much of our churn comes from the warm pool.
     */
    static PoolConfig withoutWarmPool(int maxAgents) {
        return PoolConfig.from(config(maxAgents)).warmPool(0).warmPoolMin(0).warmPoolMax(0).build();
    }

    static Metrics run(Workload w, int maxAgents, Duration spawnDelay, long seed) {
        return run(w, config(maxAgents), spawnDelay, seed);
    }

    static Metrics run(Workload w, PoolConfig config, Duration spawnDelay, long seed) {
        VirtualClock clock = new VirtualClock();
        Metrics.Builder m = new Metrics.Builder(w.size(), w.lengthNanos());
        Map<String, Long> spawnedAt = new HashMap<>();
        Map<Long, Long> submittedAt = new HashMap<>();
        int[] outstanding = {0};
        SimProfile profile = SimProfile.of(Workload.DURATIONS).withSpawnDelay(spawnDelay);
        AgentPool pool = AgentPool.builder().deterministic(clock).config(config)
                .register("agent", SimulatedAgent.factory(clock, profile, seed))
                .listener(e -> {
                    switch (e) {
                        case PoolEvent.AgentSpawned s -> {
                            spawnedAt.put(s.agent(), s.nanos());
                            m.spawned(s.nanos());
                        }
                        case PoolEvent.AgentDestroyed d -> {
                            Long at = spawnedAt.remove(d.agent());
                            if (at != null) { // null: already billed to the horizon when the run ended
                                m.removed(d.nanos(), at);
                            }
                        }
                        case PoolEvent.TaskSubmitted s -> {
                            submittedAt.put(s.task(), s.nanos());
                            outstanding[0]++;
                        }
                        case PoolEvent.TaskDispatched d -> {
                            if (d.attempt() == 1) {
                                m.waited(d.nanos() - submittedAt.remove(d.task()));
                            }
                        }
                        case PoolEvent.TaskEnded t -> outstanding[0]--;
                        default -> {
                        }
                    }
                })
                .build();
        for (int i = 0; i < w.size(); i++) {
            clock.advanceTo(w.arrivals()[i]);
            pool.submit(Task.builder("agent").input(Map.of(SimulatedAgent.DURATION_MS, w.durations()[i])).build());
        }
        clock.advanceTo(Math.max(clock.nanoTime(), w.lengthNanos()));
        long limit = clock.nanoTime() + Duration.ofHours(6).toNanos();
        while ((outstanding[0] > 0 || m.waitCount() < w.size()) && clock.nanoTime() < limit) {
            clock.advance(Duration.ofSeconds(10));
        }
        if (m.waitCount() < w.size()) {
            throw new IllegalStateException(w.name() + ": only " + m.waitCount() + " of " + w.size()
                    + " tasks started in our pool");
        }
        spawnedAt.values().forEach(m::stillAlive);
        spawnedAt.clear(); // billed to the horizon above: the shutdown's destroys must not bill them again
        pool.shutdown(Duration.ZERO);
        clock.advance(Duration.ofMinutes(1));
        return m.build();
    }
}
