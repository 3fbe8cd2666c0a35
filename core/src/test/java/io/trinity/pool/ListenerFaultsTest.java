package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.internal.Engine;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

    @Test
    void aListenerStuckInsideOnEventHoldsShutdownOnlyForTheListenerPatience() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch destroyedSeen = new CountDownLatch(1);
        List<PoolEvent> seen = new CopyOnWriteArrayList<>();
        // Real threads only for listener deliveries, so this one can block while the test drives the clock.
        AgentPool pool = builder().callbackExecutor(r -> Thread.ofVirtual().start(r)).listener(e -> {
            seen.add(e);
            entered.countDown();
            if (e instanceof PoolEvent.AgentDestroyed) {
                destroyedSeen.countDown();
            }
            await(release);
        }).build();
        clock.advance(Duration.ofSeconds(1));
        CompletableFuture<ShutdownReport> done = pool.shutdown(Duration.ZERO);
        long start = clock.nanoTime();
        assertThat(runUntil(done::isDone, Duration.ofMinutes(1))).as("shutdown completes").isTrue();
        assertThat(clock.nanoTime() - start).isGreaterThanOrEqualTo(Engine.LISTENER_PATIENCE.toNanos());
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).hasSize(1); // still inside its first event
        release.countDown();
        // what was queued for it is still delivered once it returns, the shutdown's events included
        assertThat(destroyedSeen.await(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closeFromInsideAListenerBeginsTheShutdownAndThrowsInsteadOfWaitingForItself() {
        List<Throwable> thrown = new ArrayList<>();
        AgentPool[] self = new AgentPool[1];
        self[0] = builder().listener(e -> {
            if (e instanceof PoolEvent.TaskEnded) {
                try {
                    self[0].close();
                } catch (IllegalStateException ex) {
                    thrown.add(ex);
                }
            }
        }).build();
        TaskHandle h = self[0].submit(Task.of("code", Map.of()));
        runUntil(() -> h.state().isFinal(), Duration.ofMinutes(1));
        assertThat(thrown).singleElement().extracting(Throwable::getMessage).asString()
                .startsWith("close() was called from inside a PoolListener of this pool")
                .contains("call shutdown(drain) and do not wait for its future");
        assertThat(self[0].isShutdown()).isTrue();
        CompletableFuture<ShutdownReport> done = self[0].shutdown(Duration.ZERO); // the first shutdown's report
        assertThat(runUntil(done::isDone, Duration.ofMinutes(1))).isTrue();
        assertThat(done.join().drained()).isEqualTo(0);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(40, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
