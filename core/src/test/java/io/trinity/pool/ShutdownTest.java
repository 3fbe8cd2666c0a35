package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.event.PoolEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void drainsQueuedAndRunningTasksWhenTheDeadlineAllows() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.custom().maxAgents(2).warmPool(0).warmPoolMin(0).warmPoolMax(2).build(),
                SimPools.fixed(1_000), "code");
        List<TaskHandle> handles = submit(pool, 6);
        sim.advance(500);
        CompletableFuture<ShutdownReport> done = pool.shutdown(Duration.ofSeconds(60));
        assertThatThrownBy(() -> pool.submit(Task.of("code", Map.of())))
                .isInstanceOf(PoolShutdownException.class).hasMessageContaining("shutting down");
        sim.runUntil(done::isDone, Duration.ofMinutes(2));
        assertThat(done).isCompleted();
        assertThat(handles).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        assertThat(done.join().cancelled()).isZero();
        assertThat(pool.snapshot().agents()).isEmpty();
        assertThat(sim.of(PoolEvent.AgentDestroyed.class)).isNotEmpty()
                .allSatisfy(d -> assertThat(d.reason()).isEqualTo(PoolEvent.DestroyReason.SHUTDOWN));
    }

    @Test
    void cancelsWhatIsLeftAtTheDeadlineAndEveryTaskEndsExactlyOnce() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.custom().maxAgents(2).warmPool(0).warmPoolMin(0).warmPoolMax(2).build(),
                SimPools.fixed(10_000), "code");
        List<TaskHandle> handles = submit(pool, 8);
        sim.advance(1_000);
        CompletableFuture<ShutdownReport> done = pool.shutdown(Duration.ofSeconds(2));
        sim.runUntil(done::isDone, Duration.ofMinutes(1));
        assertThat(done).isCompleted();
        assertThat(handles).allMatch(h -> h.state() == TaskState.CANCELLED);
        assertThat(handles).allMatch(h -> h.result().isCompletedExceptionally());
        ShutdownReport report = done.join();
        assertThat(report.cancelled()).isEqualTo(8);
        assertThat(report.finalStates().get(TaskState.CANCELLED)).isEqualTo(8L);
        // each task ended once: one task.end per task, running ones with their agent
        assertThat(sim.of(PoolEvent.TaskEnded.class)).hasSize(8);
        assertThat(pool.snapshot().agents()).isEmpty();
    }

    @Test
    void anAgentThatIgnoresInterruptsIsFailedAfterTheDeadline() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().warmPool(0).warmPoolMin(0).healthInterval(Duration.ofMillis(200)).build())
                .register("stubborn", init -> ctx -> {
                    started.countDown();
                    // A badly written agent: swallows interrupts and ignores cancellation.
                    while (true) {
                        try {
                            release.await();
                            return Payload.EMPTY;
                        } catch (InterruptedException ignored) {
                            // keeps waiting
                        }
                    }
                })
                .build();
        TaskHandle h = pool.submit(Task.of("stubborn", Map.of()));
        started.await();
        ShutdownReport report = pool.shutdown(Duration.ofMillis(100)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(h.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(report.cancelled()).isEqualTo(1);
        assertThat(pool.snapshot().agents()).isEmpty();
        release.countDown();
    }

    private static List<TaskHandle> submit(AgentPool pool, int n) {
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handles.add(pool.submit(Task.of("code", Map.of())));
        }
        return handles;
    }
}
