package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.event.PoolEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolSmokeTest {

    @Test
    void runsTasksOnSimulatedAgentsInVirtualTime() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.ofDefaults(), SimPools.fixed(200), "code");
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            handles.add(pool.submit(Task.of("code", Map.of("n", i))));
        }
        assertThat(sim.runUntil(() -> handles.stream().allMatch(h -> h.state().isFinal()), Duration.ofMinutes(5))).isTrue();
        assertThat(handles).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        assertThat(handles.get(0).result().join().data()).containsKey("agent");
        PoolSnapshot snap = pool.snapshot();
        assertThat(snap.agents().size()).isLessThanOrEqualTo(16);
        assertThat(sim.of(PoolEvent.AgentSpawned.class)).isNotEmpty();
        ShutdownReport report = pool.shutdown(Duration.ofSeconds(5)).join();
        assertThat(report.finalStates().get(TaskState.SUCCEEDED)).isEqualTo(50L);
        assertThat(((io.trinity.pool.internal.Engine) pool).loopFailures()).isZero();
    }
}
