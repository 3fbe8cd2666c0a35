package io.trinity.pool.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QualityTrendTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    /** Three agents taking turns; {@code scorer} gives each agent's quality for its n-th task. */
    AgentPool pool(java.util.function.BiFunction<String, Integer, Double> scorer) {
        PoolConfig config = PoolConfig.custom().maxAgents(3).warmPool(3).warmPoolMin(3).warmPoolMax(3)
                .balancer(Balancers.ROUND_ROBIN).build();
        return AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("vision", init -> {
                    AtomicInteger n = new AtomicInteger();
                    return ctx -> {
                        double q = scorer.apply(init.agentId(), n.incrementAndGet());
                        if (q < 0) {
                            throw new IllegalStateException("one bad task");
                        }
                        ctx.reportQuality(q);
                        return Payload.EMPTY;
                    };
                }).build();
    }

    void run(AgentPool pool, int tasks) {
        clock.advance(Duration.ofSeconds(2)); // warm pool spawns
        for (int i = 0; i < tasks; i++) {
            pool.submit(Task.of("vision", Map.of()));
            clock.advance(Duration.ofMillis(200));
        }
        clock.advance(Duration.ofSeconds(10));
    }

    @Test
    void aDegradingAgentIsRecycled() {
        AgentPool pool = pool((agent, n) -> agent.equals("vision-2") && n > 5 ? 0.3 : 0.9);
        run(pool, 90);
        List<PoolEvent.AgentStateChanged> failed = events.stream()
                .filter(e -> e instanceof PoolEvent.AgentStateChanged s && s.to().name().equals("FAILED"))
                .map(PoolEvent.AgentStateChanged.class::cast).toList();
        assertThat(failed).singleElement().satisfies(f -> {
            assertThat(f.agent()).isEqualTo("vision-2");
            assertThat(f.reason()).startsWith("degraded: recent score").contains("vs peers 0.90");
        });
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.AgentSpawned.class,
                s -> assertThat(s.cause()).isEqualTo(PoolEvent.SpawnCause.REPLACE)));
    }

    @Test
    void aHealthyAgentWithOneFailureIsNotRecycled() {
        AgentPool pool = pool((agent, n) -> agent.equals("vision-2") && n == 7 ? -1 : 0.9);
        run(pool, 90);
        assertThat(events).noneMatch(e -> e instanceof PoolEvent.AgentStateChanged s && s.to().name().equals("FAILED"));
        assertThat(events).anyMatch(e -> e instanceof PoolEvent.TaskEnded t && t.outcome() == PoolEvent.TaskOutcome.FAILED);
    }
}
