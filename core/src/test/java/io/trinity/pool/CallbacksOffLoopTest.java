package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.internal.Engine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No user code runs on the control loop (issue 11). Real threads: each test blocks user code on
 * a latch that only another task's progress can open, so a loop that waited on user code would
 * never get there; the bounded awaits only turn such a deadlock into a failure.
 */
class CallbacksOffLoopTest {

    private static final long DEADLOCK_GUARD_S = 20;

    private static AgentPool pool(PoolListener... listeners) {
        return pool(PoolConfig.custom(), listeners);
    }

    private static AgentPool pool(PoolConfig.Builder config, PoolListener... listeners) {
        var b = AgentPool.builder().config(config.build())
                .register("echo", init -> ctx -> Payload.of(Map.of("n", ctx.data().get("n"))));
        for (PoolListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    private interface PoolListener extends io.trinity.pool.event.PoolListener {
    }

    @Test
    void aBlockedResultCallbackDoesNotDelayOtherTasks() throws Exception {
        CountDownLatch registered = new CountDownLatch(1);
        try (AgentPool pool = AgentPool.builder()
                .register("echo", init -> ctx -> Payload.of(Map.of("n", ctx.data().get("n"))))
                .register("gated", init -> ctx -> {
                    await(registered); // ends only once the callback is on its future
                    return Payload.of(Map.of("n", 1));
                }).build()) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch callbackEntered = new CountDownLatch(1);
            TaskHandle first = pool.submit(Task.of("gated", Map.of()));
            // registered before the task can end, so the pool completes the future and runs the
            // callback (on a future already complete, thenAccept would run it on this thread,
            // which then waited out the guard before it could release it)
            first.result().thenAccept(x -> {
                callbackEntered.countDown();
                await(release); // holds this callback until the second task has completed
            });
            registered.countDown();
            assertThat(callbackEntered.await(DEADLOCK_GUARD_S, TimeUnit.SECONDS)).isTrue();
            TaskHandle second = pool.submit(Task.of("echo", Map.of("n", 2)));
            assertThat(second.result().get(DEADLOCK_GUARD_S, TimeUnit.SECONDS).data()).containsEntry("n", 2L);
            release.countDown();
        }
    }

    @Test
    void aBlockedListenerNeitherStallsDispatchNorGrowsWithoutBound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<PoolEvent> seen = new CopyOnWriteArrayList<>();
        PoolListener blocking = e -> {
            seen.add(e);
            await(release);
        };
        AgentPool pool = pool(PoolConfig.custom().listenerBuffer(8), blocking);
        for (int i = 0; i < 50; i++) {
            TaskHandle h = pool.submit(Task.of("echo", Map.of("n", i)));
            assertThat(h.result().get(DEADLOCK_GUARD_S, TimeUnit.SECONDS).data()).containsEntry("n", (long) i);
        }
        Engine engine = (Engine) pool;
        assertThat(engine.droppedEvents()).isPositive();
        assertThat(seen).hasSize(1); // still inside the first event
        release.countDown();
        pool.shutdown(Duration.ofSeconds(5)).get(DEADLOCK_GUARD_S, TimeUnit.SECONDS);
        // 50 tasks make well over 150 events; at most the buffer plus the first were kept
        assertThat(seen.size()).isBetween(2, 9 + 16);
        assertThat(engine.loopFailures()).isZero();
    }

    @Test
    void closingThePoolFromAResultCallbackDoesNotDeadlock() throws Exception {
        AgentPool pool = pool();
        CompletableFuture<Void> closed = pool.submit(Task.of("echo", Map.of("n", 1))).result()
                .thenAccept(x -> pool.close());
        closed.get(DEADLOCK_GUARD_S, TimeUnit.SECONDS);
        assertThat(pool.isShutdown()).isTrue();
        assertThat(((Engine) pool).loopFailures()).isZero();
    }

    @Test
    void theHandedOutFutureIsACopyWhoseCancelCancelsTheTask() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (AgentPool pool = AgentPool.builder().register("slow", init -> ctx -> {
            started.countDown();
            Thread.sleep(60_000); // interrupted by the cancel
            return Payload.EMPTY;
        }).register("echo", init -> ctx -> Payload.of(Map.of("n", 1))).build()) {
            TaskHandle echo = pool.submit(Task.of("echo", Map.of()));
            CompletableFuture<Payload> mine = echo.result();
            mine.complete(Payload.of(Map.of("fake", true)));
            assertThat(echo.result().get(DEADLOCK_GUARD_S, TimeUnit.SECONDS).data()).containsEntry("n", 1L);
            assertThat(echo.state()).isEqualTo(TaskState.SUCCEEDED);

            TaskHandle slow = pool.submit(Task.of("slow", Map.of()));
            assertThat(started.await(DEADLOCK_GUARD_S, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Payload> copy = slow.result();
            assertThat(copy.cancel(true)).isTrue();
            assertThatThrownBy(copy::join).isInstanceOf(CancellationException.class);
            assertThatThrownBy(() -> slow.result().get(DEADLOCK_GUARD_S, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TaskFailedException.class);
            assertThat(slow.state()).isEqualTo(TaskState.CANCELLED);
        }
    }

    @Test
    void shutdownOfAPoolWhoseAgentIgnoresInterruptsEndsWithoutLoopFailures() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().healthInterval(Duration.ofMillis(50)).build())
                .register("stubborn", init -> ctx -> {
                    started.countDown();
                    while (never.getCount() > 0) {
                        try {
                            never.await();
                        } catch (InterruptedException ignored) {
                            // ignores the interrupt on purpose
                        }
                    }
                    return Payload.EMPTY;
                }).build();
        TaskHandle h = pool.submit(Task.of("stubborn", Map.of()));
        assertThat(started.await(DEADLOCK_GUARD_S, TimeUnit.SECONDS)).isTrue();
        ShutdownReport report = pool.shutdown(Duration.ZERO).get(DEADLOCK_GUARD_S, TimeUnit.SECONDS);
        assertThat(report.cancelled()).isEqualTo(1);
        assertThat(h.state()).isEqualTo(TaskState.CANCELLED);
        never.countDown(); // the runaway code returns at last, after the pool is gone
        assertThat(((Engine) pool).loopFailures()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(DEADLOCK_GUARD_S * 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
