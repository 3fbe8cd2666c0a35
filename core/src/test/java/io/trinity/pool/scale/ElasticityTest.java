package io.trinity.pool.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.RunMetrics;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElasticityTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    AgentPool pool(PoolConfig config) {
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofSeconds(2))).withSpawnDelay(Duration.ofMillis(500));
        return AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("code", SimulatedAgent.factory(clock, profile, 3)).build();
    }

    @Test
    void aBurstGrowsThePoolWithinTheSpawnLimitAndItShrinksBackAfterTheIdleTimeout() {
        AgentPool pool = pool(PoolConfig.ofDefaults());
        clock.advance(Duration.ofSeconds(5));
        assertThat(pool.snapshot().agents()).hasSize(3); // the warm pool
        List<TaskHandle> burst = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            burst.add(pool.submit(Task.of("code", Map.of())));
        }
        int peak = 0;
        for (int i = 0; i < 40; i++) {
            clock.advance(Duration.ofMillis(250));
            peak = Math.max(peak, pool.snapshot().agents().size());
        }
        assertThat(peak).isEqualTo(16);
        assertThat(burst).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        // 13 more agents at 10 spawns/s: the pool cannot be full before 1 s has passed
        List<PoolEvent.AgentSpawned> spawns = events.stream().filter(e -> e instanceof PoolEvent.AgentSpawned)
                .map(PoolEvent.AgentSpawned.class::cast).toList();
        for (PoolEvent.AgentSpawned s : spawns) {
            long inWindow = spawns.stream().filter(o -> o.nanos() > s.nanos() - 1_000_000_000L && o.nanos() <= s.nanos()).count();
            assertThat(inWindow).isLessThanOrEqualTo(10);
        }

        long lastWork = events.stream().filter(e -> e instanceof PoolEvent.AgentStateChanged c
                && c.from() == AgentState.BUSY).mapToLong(PoolEvent::nanos).max().orElseThrow();
        clock.advanceTo(lastWork + Duration.ofSeconds(55).toNanos());
        assertThat(pool.snapshot().agents().size()).as("nothing reclaimed before the idle timeout").isEqualTo(16);
        // idle agents go once the idle timeout has passed and the scaler's stabilization window
        // no longer remembers the burst (each 60 s here)
        clock.advanceTo(lastWork + Duration.ofSeconds(60 + 60 + 10).toNanos());
        PoolSnapshot after = pool.snapshot();
        assertThat(after.agents().size()).isBetween(pool.config().warmPoolMin(), pool.config().warmPool());
        // counts match the event log
        RunMetrics m = RunMetrics.of(events, clock.nanoTime());
        assertThat((long) m.spawns()).isEqualTo(after.spawns());
        assertThat((long) m.destroys()).isEqualTo(after.destroys());
        assertThat(m.spawns() - m.destroys()).isEqualTo(after.agents().size());
        assertThat(m.maxAlive()).isEqualTo(16);
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.AgentDestroyed)
                .allSatisfy(e -> assertThat(((PoolEvent.AgentDestroyed) e).reason())
                        .isIn(PoolEvent.DestroyReason.IDLE_TIMEOUT, PoolEvent.DestroyReason.SCALE_DOWN));
        // each reclaimed agent's state snapshot was taken while DESTROYING and offered to listeners
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.AgentDestroyed).allSatisfy(e -> {
            PoolEvent.AgentDestroyed d = (PoolEvent.AgentDestroyed) e;
            assertThat(d.snapshot()).isNotNull();
            assertThat(d.snapshot().agentId()).isEqualTo(d.agent());
            assertThat(d.snapshot().state()).containsKey("tasksDone");
        });
        long doneBySnapshots = events.stream().filter(e -> e instanceof PoolEvent.AgentDestroyed)
                .mapToLong(e -> ((Number) ((PoolEvent.AgentDestroyed) e).snapshot().state().get("tasksDone")).longValue())
                .sum();
        assertThat(doneBySnapshots).isPositive().isLessThanOrEqualTo(60);
    }

    @Test
    void idleReclamationNeverTakesABusyAgentNorGoesBelowTheMinimum() {
        PoolConfig config = PoolConfig.custom().warmPool(2).warmPoolMin(2).warmPoolMax(2)
                .idleTimeout(Duration.ofSeconds(10)).scaleDownWindow(Duration.ofSeconds(5)).build();
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofSeconds(2))).withSpawnDelay(Duration.ofMillis(500));
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register(io.trinity.pool.AgentType.of("data", SimulatedAgent.factory(clock, profile, 3)).withMinAgents(1))
                .register("code", SimulatedAgent.factory(clock, profile, 3))
                .build();
        for (int i = 0; i < 8; i++) {
            pool.submit(Task.of("data", Map.of()));
            pool.submit(Task.of("code", Map.of()));
        }
        // a long task keeps one code agent busy far past the idle timeout
        TaskHandle longTask = pool.submit(Task.of("code", Map.of("duration_ms", 120_000)));
        for (int i = 0; i < 1400; i++) {
            clock.advance(Duration.ofMillis(100));
            PoolSnapshot s = pool.snapshot();
            assertThat(s.count("data")).as("data keeps its minimum").isGreaterThanOrEqualTo(1);
            assertThat(s.agents().stream().filter(a -> a.warm() && a.state() == AgentState.READY).count())
                    .isLessThanOrEqualTo(2);
        }
        assertThat(longTask.state()).isEqualTo(TaskState.SUCCEEDED);
        // every destroyed agent was IDLE right before it went DESTROYING
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.AgentStateChanged c && c.to() == AgentState.DESTROYING) {
                assertThat(c.from()).isEqualTo(AgentState.IDLE);
            }
        }
        // reclaimed only after the timeout: from the agent's last activity to its destroy >= 10 s
        Map<String, Long> lastBusyEnd = new java.util.HashMap<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.AgentStateChanged c && c.from() == AgentState.BUSY) {
                lastBusyEnd.put(c.agent(), c.nanos());
            }
            if (e instanceof PoolEvent.AgentDestroyed d && d.reason() == PoolEvent.DestroyReason.IDLE_TIMEOUT) {
                Long end = lastBusyEnd.get(d.agent());
                if (end != null) {
                    assertThat(d.nanos() - end).isGreaterThanOrEqualTo(Duration.ofSeconds(10).toNanos());
                }
            }
        }
        PoolSnapshot end = pool.snapshot();
        assertThat(end.agents().stream().filter(a -> a.state() == AgentState.READY && a.warm()).count()).isEqualTo(2);
    }

    @Test
    void afterAQuietPeriodTheWarmPoolRemainsAndTheNextTaskStartsWithoutASpawn() {
        PoolConfig config = PoolConfig.custom().warmPool(3).warmPoolMin(3).warmPoolMax(3).build();
        AgentPool pool = pool(config);
        for (int i = 0; i < 30; i++) {
            pool.submit(Task.of("code", Map.of()));
        }
        clock.advance(Duration.ofMinutes(10));
        PoolSnapshot quiet = pool.snapshot();
        assertThat(quiet.agents()).hasSize(3).allMatch(a -> a.state() == AgentState.READY && a.warm());
        java.util.Set<String> warmIds = new java.util.HashSet<>();
        quiet.agents().forEach(a -> warmIds.add(a.id()));
        long at = clock.nanoTime();
        TaskHandle next = pool.submit(Task.of("code", Map.of()));
        clock.advance(Duration.ofMillis(1));
        assertThat(next.state()).isEqualTo(TaskState.RUNNING);
        PoolEvent.TaskDispatched d = events.stream().filter(e -> e instanceof PoolEvent.TaskDispatched t && t.task() == next.id())
                .map(PoolEvent.TaskDispatched.class::cast).findFirst().orElseThrow();
        assertThat(d.nanos()).as("dispatched the instant it arrived").isEqualTo(at);
        assertThat(warmIds).as("to an agent of the warm pool, not a new spawn").contains(d.agent());
        // the warm pool then refills behind it (within a scale tick plus a cold start), so the
        // next burst finds N READY agents again
        clock.advance(Duration.ofMillis(1_600));
        assertThat(pool.snapshot().agents().stream().filter(a -> a.state() == AgentState.READY).count()).isEqualTo(3);
    }

    @Test
    void theWarmPoolSizeFollowsForecastDemandWithinItsBounds() {
        PoolConfig config = PoolConfig.custom().warmPool(3).warmPoolMin(1).warmPoolMax(6).build();
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofMillis(500))).withSpawnDelay(Duration.ofSeconds(3));
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("vision", SimulatedAgent.factory(clock, profile, 3)).build();
        // a steady 2 tasks/s with 3 s cold starts forecasts ~6 arrivals per spawn window
        for (int i = 0; i < 80; i++) {
            pool.submit(Task.of("vision", Map.of()));
            clock.advance(Duration.ofMillis(500));
        }
        // ~1 agent busy on average; while the flow is younger than the scale-down window (60 s) the
        // scaler cannot size it, and the warm pool keeps its forecast share (up to 6) on top of it
        assertThat(pool.snapshot().agents().size()).isGreaterThanOrEqualTo(5);
        for (int i = 0; i < 160; i++) {
            pool.submit(Task.of("vision", Map.of()));
            clock.advance(Duration.ofMillis(500));
        }
        // seen for a window, the flow is sized by Erlang C (3 slots for a = 1 at a 0.7 s p99 wait),
        // whose 2 spare slots are its warm pool: the forecast share no longer comes on top
        assertThat(pool.snapshot().agents().size()).isBetween(3, 4);
        clock.advance(Duration.ofMinutes(5)); // demand gone: the warm pool shrinks to its minimum
        assertThat(pool.snapshot().agents().stream().filter(a -> a.warm()).count()).isEqualTo(1);
    }
}
