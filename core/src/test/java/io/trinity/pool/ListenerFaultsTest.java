package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What a listener does wrong (throws, blocks, closes its own pool) never stops the pool, its delivery or its shutdown. */
class ListenerFaultsTest {

    private final VirtualClock clock = new VirtualClock();

    private PoolBuilder builder() {
        return AgentPool.builder().deterministic(clock)
                .config(PoolConfig.custom().maxAgents(2).warmPool(1).warmPoolMin(1).warmPoolMax(2).build())
                .register("code", SimulatedAgent.factory(clock, SimPools.fixed(1_000), 1));
    }

    private boolean runUntil(java.util.function.BooleanSupplier done, Duration limit) {
        long end = clock.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean() && clock.nanoTime() < end) {
            clock.advance(Duration.ofMillis(10));
        }
        return done.getAsBoolean();
    }

    @Test
    void aListenerThatThrowsAnErrorKeepsReceivingEventsAndShutdownCompletes() {
        List<PoolEvent> seen = new ArrayList<>();
        AgentPool pool = builder().listener(e -> {
            seen.add(e);
            if (seen.size() == 1) {
                throw new AssertionError("a test assertion inside a listener");
            }
        }).build();
        TaskHandle h = pool.submit(Task.of("code", Map.of()));
        runUntil(() -> h.state().isFinal(), Duration.ofMinutes(1));
        CompletableFuture<ShutdownReport> done = pool.shutdown(Duration.ofSeconds(5));
        assertThat(runUntil(done::isDone, Duration.ofMinutes(1))).as("shutdown completes").isTrue();
        assertThat(seen.size()).isGreaterThan(1);
        assertThat(seen).anySatisfy(e -> assertThat(e).isInstanceOf(PoolEvent.TaskEnded.class));
        assertThat(seen.getLast()).isInstanceOf(PoolEvent.AgentDestroyed.class);
    }
}
