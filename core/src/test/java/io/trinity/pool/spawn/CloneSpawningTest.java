package io.trinity.pool.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.AsyncAgent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CloneSpawningTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    @Test
    void aCloneStartsFromItsParentsSnapshot() {
        List<Map<String, Object>> seeded = new ArrayList<>();
        PoolConfig config = PoolConfig.custom().warmPool(0).warmPoolMin(0).build();
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .spawnStrategy(new CloneSpawning()).spawnStrategy(new OnDemandSpawning())
                .register("code", init -> {
                    init.snapshot().ifPresent(s -> seeded.add(s.state()));
                    return new SessionAgent(clock, init.agentId(),
                            init.snapshot().map(s -> (String) s.state().get("context")).orElse(""));
                }).build();
        // one agent learns a context, then a burst arrives while it works
        TaskHandle first = pool.submit(Task.builder("code").input(Map.of("learn", "project-x")).build());
        clock.advance(Duration.ofMillis(10));
        List<TaskHandle> burst = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            burst.add(pool.submit(Task.of("code", Map.of())));
        }
        clock.advance(Duration.ofSeconds(5));
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.AgentSpawned s && s.cause() == PoolEvent.SpawnCause.CLONE)
                .isNotEmpty();
        assertThat(seeded).isNotEmpty().allSatisfy(s -> assertThat(s).containsEntry("context", "project-x"));
        assertThat(burst).allSatisfy(h -> assertThat(h.result().join().data()).containsEntry("context", "project-x"));
        assertThat(first.result().join().data()).containsEntry("context", "project-x");
    }

    @Test
    void aSimulatedCloneInheritsTheTaskCountOfItsParent() {
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofSeconds(1))).withSpawnDelay(Duration.ofMillis(100));
        AgentPool pool = AgentPool.builder().config(PoolConfig.custom().warmPool(0).warmPoolMin(0).build())
                .deterministic(clock).listener(events::add)
                .spawnStrategy(new CloneSpawning()).spawnStrategy(new OnDemandSpawning())
                .register("data", SimulatedAgent.factory(clock, profile, 1)).build();
        for (int i = 0; i < 3; i++) {
            pool.submit(Task.of("data", Map.of()));
            clock.advance(Duration.ofSeconds(2));
        }
        List<TaskHandle> burst = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            burst.add(pool.submit(Task.of("data", Map.of())));
        }
        clock.advance(Duration.ofSeconds(10));
        List<PoolEvent.AgentSpawned> clones = events.stream()
                .filter(e -> e instanceof PoolEvent.AgentSpawned s && s.cause() == PoolEvent.SpawnCause.CLONE)
                .map(PoolEvent.AgentSpawned.class::cast).toList();
        assertThat(clones).isNotEmpty();
        // a fresh agent's first result says tasksDone=1; a clone's counts its parent's earlier tasks too
        java.util.Set<String> cloneIds = new java.util.HashSet<>();
        clones.forEach(c -> cloneIds.add(c.agent()));
        List<Map<String, Object>> fromClones = burst.stream().map(h -> h.result().join().data())
                .filter(d -> cloneIds.contains(d.get("agent"))).toList();
        assertThat(fromClones).isNotEmpty()
                .allSatisfy(d -> assertThat(((Number) d.get("tasksDone")).longValue()).isGreaterThan(1));
        assertThat(pool.snapshot().tasks(io.trinity.pool.TaskState.SUCCEEDED)).isEqualTo(7);
    }

    /** An agent with a session context that it snapshots and a clone restores; a task takes 1 s. */
    static final class SessionAgent implements AsyncAgent {
        private final VirtualClock clock;
        private final String id;
        private volatile String context;

        SessionAgent(VirtualClock clock, String id, String context) {
            this.clock = clock;
            this.id = id;
            this.context = context;
        }

        @Override
        public CompletionStage<Payload> executeAsync(TaskContext ctx) {
            Object learn = ctx.data().get("learn");
            if (learn != null) {
                context = learn.toString();
            }
            CompletableFuture<Payload> done = new CompletableFuture<>();
            clock.schedule(Duration.ofSeconds(1), () -> done.complete(Payload.of(Map.of("agent", id, "context", context))));
            return done;
        }

        @Override
        public Optional<AgentSnapshot> snapshot() {
            return Optional.of(new AgentSnapshot(id, "code", Map.of("context", context)));
        }
    }
}
