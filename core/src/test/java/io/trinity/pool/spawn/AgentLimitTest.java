package io.trinity.pool.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code PoolBuilder.agentLimit}: a live cap beside maxAgents that bounds every kind of spawn, can
 * be raised (and lowered) while the pool runs, and never removes an agent when it falls.
 */
class AgentLimitTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();
    final AtomicInteger limit = new AtomicInteger(1);

    /** Finishes after its input's ms on the pool clock. */
    record TimedAgent(VirtualClock clock) implements AsyncAgent {
        @Override
        public CompletionStage<Payload> executeAsync(TaskContext ctx) {
            CompletableFuture<Payload> done = new CompletableFuture<>();
            clock.schedule(Duration.ofMillis(((Number) ctx.data().get("ms")).longValue()),
                    () -> done.complete(Payload.EMPTY));
            return done;
        }
    }

    AgentPool pool() {
        PoolConfig config = PoolConfig.custom().maxAgents(4).warmPool(2).warmPoolMin(2).warmPoolMax(2).spawnRate(10)
                .queueCapacity(100).idleTimeout(Duration.ofHours(1)).stuckAfter(Duration.ofHours(1))
                .healthInterval(Duration.ofHours(1)).statsInterval(Duration.ofHours(1)).build();
        return AgentPool.builder().deterministic(clock).config(config).listener(events::add).agentLimit(limit::get)
                .register("work", init -> new TimedAgent(clock)).build();
    }

    static Task longTask() {
        return Task.builder("work").input(Map.of("ms", 120_000L)).build();
    }

    @Test
    void theLimitCapsWarmAndOnDemandSpawnsAndCanGrowAtRunTimeUpToMaxAgents() {
        AgentPool pool = pool();
        clock.advance(Duration.ofSeconds(5));
        assertThat(pool.snapshot().agents()).hasSize(1); // the warm pool wants 2
        for (int i = 0; i < 3; i++) {
            pool.submit(longTask());
        }
        clock.advance(Duration.ofSeconds(5));
        assertThat(pool.snapshot().agents()).hasSize(1);
        assertThat(pool.snapshot().running()).isEqualTo(1);

        limit.set(3);
        clock.advance(Duration.ofSeconds(3));
        assertThat(pool.snapshot().agents()).hasSize(3);
        assertThat(pool.snapshot().running()).isEqualTo(3);

        // above maxAgents the configured cap holds
        limit.set(100);
        for (int i = 0; i < 3; i++) {
            pool.submit(longTask());
        }
        clock.advance(Duration.ofSeconds(3));
        assertThat(pool.snapshot().agents()).hasSize(4);
        assertThat(pool.snapshot().spawns()).isEqualTo(4);
    }

    @Test
    void aLimitBelowTheCountStopsSpawnsButRemovesNoAgent() {
        limit.set(3);
        AgentPool pool = pool();
        for (int i = 0; i < 3; i++) {
            pool.submit(longTask());
        }
        clock.advance(Duration.ofSeconds(5));
        assertThat(pool.snapshot().agents()).hasSize(3);

        limit.set(1);
        pool.submit(longTask());
        // many scale ticks and dispatch rounds with a task waiting: maxAgents (4) would spawn for it
        clock.advance(Duration.ofSeconds(90));
        assertThat(pool.snapshot().agents()).hasSize(3);
        assertThat(pool.snapshot().spawns()).isEqualTo(3);
        assertThat(pool.snapshot().queued()).isEqualTo(1);
        assertThat(events).noneMatch(e -> e instanceof PoolEvent.AgentDestroyed);
    }

    @Test
    void aMissingOrNegativeLimitIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> AgentPool.builder().agentLimit(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agentLimit must not be null");
        assertThatThrownBy(() -> AgentPool.builder().agentLimit(() -> -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agentLimit must return >= 0 (got -2)");
    }
}
