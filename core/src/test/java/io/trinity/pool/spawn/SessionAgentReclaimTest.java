package io.trinity.pool.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.DestroyReason;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Room at the cap does not take a session's agent away between two of its tasks (the demo's
 * affinity scene on a busy machine): an agent that served an affinity key keeps its type for
 * the idle timeout, then may be respecialized like any other.
 */
class SessionAgentReclaimTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    AgentPool pool() {
        PoolConfig config = PoolConfig.custom().maxAgents(1).spawnRate(10).warmPool(0).warmPoolMin(0).warmPoolMax(1)
                .idleTimeout(Duration.ofSeconds(3)).queueCapacity(100).seed(3).build();
        var b = AgentPool.builder().config(config).deterministic(clock).listener(events::add);
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofMillis(100))).withSpawnDelay(Duration.ofMillis(10));
        b.register("chat", SimulatedAgent.factory(clock, profile, 3));
        b.register("other", SimulatedAgent.factory(clock, profile, 3));
        return b.build();
    }

    static Task task(String type, String key) {
        Task.Builder t = Task.builder(type).input(Map.of(SimulatedAgent.DURATION_MS, 100L));
        return (key == null ? t : t.affinity(key)).build();
    }

    private long respecialized() {
        return events.stream().filter(e -> e instanceof PoolEvent.AgentDestroyed d
                && d.reason() == DestroyReason.RESPECIALIZE).count();
    }

    @Test
    void aSessionsAgentIsKeptForItsIdleTimeoutThenReclaimed() {
        AgentPool pool = pool();
        pool.submit(task("chat", "session-1"));
        clock.advance(Duration.ofMillis(500)); // served; the pool is at its cap of one agent
        pool.submit(task("other", null));
        clock.advance(Duration.ofSeconds(1));
        assertThat(respecialized()).as("the session's agent stays while its next task is expected").isZero();
        pool.submit(task("chat", "session-1"));
        clock.advance(Duration.ofMillis(500));
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.TaskDispatched d && d.agent().startsWith("chat"))
                .hasSize(2);
        clock.advance(Duration.ofSeconds(5));
        assertThat(respecialized()).as("after its idle timeout it goes to the waiting type").isEqualTo(1);
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.TaskDispatched d && d.agent().startsWith("other"))
                .hasSize(1);
    }
}
