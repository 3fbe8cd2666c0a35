package io.trinity.pool.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();
    final AtomicBoolean broken = new AtomicBoolean(true);

    AgentPool pool(PoolConfig.CircuitMode mode) {
        PoolConfig config = PoolConfig.custom().warmPool(0).warmPoolMin(0).restartBackoffMax(Duration.ofSeconds(30))
                .circuitMode(mode).build();
        return AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("voice", init -> new Agent() {
                    @Override
                    public void init() {
                        if (broken.get()) {
                            throw new IllegalStateException("model file missing");
                        }
                    }

                    @Override
                    public Payload execute(TaskContext ctx) {
                        return Payload.of(Map.of("ok", true));
                    }
                }).build();
    }

    @Test
    void replacementsBackOffExponentiallyAndTheCircuitOpensThenClosesOnAProbe() {
        AgentPool pool = pool(PoolConfig.CircuitMode.FAIL_FAST);
        TaskHandle first = pool.submit(Task.of("voice", Map.of()));
        clock.advance(Duration.ofSeconds(40));

        List<Long> spawnSeconds = events.stream().filter(e -> e instanceof PoolEvent.AgentSpawned)
                .map(e -> e.nanos() / 1_000_000_000L).toList();
        // first spawn at 0 s, then 1, 2, 4, 8 s apart; the 5th failure within 60 s opens the circuit
        assertThat(spawnSeconds.subList(0, 5)).containsExactly(0L, 1L, 3L, 7L, 15L);
        assertThat(events.stream().filter(e -> e instanceof PoolEvent.HealthRestart)
                .map(e -> ((PoolEvent.HealthRestart) e).backoffMs()).limit(5).toList())
                .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.CircuitChanged.class,
                c -> assertThat(c.open()).isTrue()));
        // while open, tasks of the type fail fast with a reason that says so
        assertThat(first.state()).isEqualTo(TaskState.FAILED);
        assertThat(first.failureReasons().get(0)).contains("circuit open for agent type 'voice'");
        TaskHandle during = pool.submit(Task.of("voice", Map.of()));
        clock.advance(Duration.ofMillis(10));
        assertThat(during.state()).isEqualTo(TaskState.FAILED);

        // the type recovers: the next probe spawn succeeds and closes the circuit
        broken.set(false);
        clock.advance(Duration.ofSeconds(40));
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.CircuitChanged.class,
                c -> assertThat(c.open()).isFalse()));
        TaskHandle after = pool.submit(Task.of("voice", Map.of()));
        clock.advance(Duration.ofSeconds(2));
        assertThat(after.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void inWaitModeTasksWaitForTheCircuitToClose() {
        AgentPool pool = pool(PoolConfig.CircuitMode.WAIT);
        TaskHandle h = pool.submit(Task.of("voice", Map.of()));
        clock.advance(Duration.ofSeconds(40));
        assertThat(h.state()).isEqualTo(TaskState.QUEUED);
        broken.set(false);
        clock.advance(Duration.ofSeconds(40));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void theRestartPolicyDoublesUpToItsCap() {
        RestartPolicy p = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 100, Duration.ofSeconds(60));
        List<Long> backoffs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            backoffs.add(p.recordFailure(i) / 1_000_000_000L);
        }
        assertThat(backoffs).containsExactly(1L, 2L, 4L, 5L, 5L, 5L);
        assertThat(p.isOpen()).isFalse();
        p.recordSuccess();
        assertThat(p.recordFailure(10) / 1_000_000_000L).isEqualTo(1L);
    }
}
