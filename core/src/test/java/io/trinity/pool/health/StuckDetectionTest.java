package io.trinity.pool.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StuckDetectionTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    AgentPool pool(AgentType type) {
        return AgentPool.builder().deterministic(clock).listener(events::add)
                .config(PoolConfig.custom().warmPool(0).warmPoolMin(0).build())
                .register(type).build();
    }

    @Test
    void aSilentTaskIsDetectedWithinOneHealthIntervalAfterTheThresholdNotBefore() {
        AgentPool pool = pool(AgentType.of("code", HangFirst.factory(clock)));
        TaskHandle h = pool.submit(Task.of("code", Map.of()));
        long dispatchedAt = -1;
        while (!h.state().isFinal() && clock.nanoTime() < Duration.ofMinutes(3).toNanos()) {
            clock.advance(Duration.ofMillis(100));
            if (dispatchedAt < 0) {
                dispatchedAt = events.stream().filter(e -> e instanceof PoolEvent.TaskDispatched)
                        .mapToLong(PoolEvent::nanos).findFirst().orElse(-1);
            }
            boolean detected = events.stream().anyMatch(e -> e instanceof PoolEvent.HealthStuck);
            if (dispatchedAt >= 0 && clock.nanoTime() - dispatchedAt < Duration.ofSeconds(30).toNanos()) {
                assertThat(detected).as("stuck before the 30 s threshold").isFalse();
            }
        }
        PoolEvent.HealthStuck stuck = only(PoolEvent.HealthStuck.class);
        long after = stuck.nanos() - dispatchedAt;
        assertThat(after).isBetween(Duration.ofSeconds(30).toNanos(), Duration.ofSeconds(35).toNanos());
        assertThat(stuck.silentMs()).isBetween(30_000L, 35_000L);
        // the agent failed and was replaced, and the task was retried and succeeded
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.AgentStateChanged.class,
                s -> assertThat(s.to().name()).isEqualTo("FAILED")));
        assertThat(only(PoolEvent.HealthRestart.class).agent()).isEqualTo(stuck.agent());
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.AgentSpawned.class,
                s -> assertThat(s.cause()).isEqualTo(PoolEvent.SpawnCause.REPLACE)));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.attempts()).isEqualTo(2);
        assertThat(h.result().join().data().get("agent")).isNotEqualTo(stuck.agent());
    }

    @Test
    void theStuckThresholdCanBeSetPerType() {
        AgentPool pool = pool(AgentType.of("voice", HangFirst.factory(clock)).withStuckAfter(Duration.ofSeconds(8)));
        TaskHandle h = pool.submit(Task.of("voice", Map.of()));
        while (!h.state().isFinal() && clock.nanoTime() < Duration.ofMinutes(1).toNanos()) {
            clock.advance(Duration.ofMillis(100));
        }
        long dispatchedAt = events.stream().filter(e -> e instanceof PoolEvent.TaskDispatched)
                .mapToLong(PoolEvent::nanos).findFirst().orElseThrow();
        long after = only(PoolEvent.HealthStuck.class).nanos() - dispatchedAt;
        assertThat(after).isBetween(Duration.ofSeconds(8).toNanos(), Duration.ofSeconds(13).toNanos());
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    private <T> T only(Class<T> type) {
        List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /** First attempt of every task hangs; later attempts work for 2 s with heartbeats. */
    static final class HangFirst {
        static io.trinity.pool.agent.AgentFactory factory(VirtualClock clock) {
            return io.trinity.pool.TestAgentsAccess.hanging(clock, 2_000, ctx -> ctx.attempt() == 1);
        }
    }
}
