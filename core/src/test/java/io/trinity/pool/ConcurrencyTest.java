package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.internal.Engine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Real threads, real clock: many submitters, agents completing on their own threads. */
class ConcurrencyTest {

    @Test
    void everyTaskEndsExactlyOnceUnderConcurrentSubmitters() throws Exception {
        int threads = 8;
        int perThread = 1_500;
        AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().queueCapacity(200).maxAgents(16).spawnRate(1000).build())
                .register("work", init -> ctx -> {
                    long n = ((Number) ctx.data().get("n")).longValue();
                    if (n % 97 == 0) {
                        throw new IllegalStateException("task " + n + " fails on purpose");
                    }
                    ctx.heartbeat();
                    return Payload.of(Map.of("square", n * n));
                })
                .build();
        ConcurrentLinkedQueue<TaskHandle> accepted = new ConcurrentLinkedQueue<>();
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger completions = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> submitters = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            submitters.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    try {
                        TaskHandle h = pool.submit(Task.builder("work").input(Map.of("n", base + i)).maxAttempts(2).build());
                        h.result().whenComplete((v, e) -> completions.incrementAndGet());
                        accepted.add(h);
                    } catch (QueueFullException full) {
                        rejected.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : submitters) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(t.isAlive()).as("submitter finished").isFalse();
        }
        for (TaskHandle h : accepted) {
            h.result().handle((v, e) -> null).get(60, TimeUnit.SECONDS);
        }
        ShutdownReport report = pool.shutdown(Duration.ofSeconds(30)).get(60, TimeUnit.SECONDS);

        assertThat(accepted.size() + rejected.get()).isEqualTo(threads * perThread);
        assertThat(accepted).allMatch(h -> h.state().isFinal());
        long succeeded = accepted.stream().filter(h -> h.state() == TaskState.SUCCEEDED).count();
        long deadLettered = accepted.stream().filter(h -> h.state() == TaskState.DEAD_LETTERED).count();
        assertThat(succeeded + deadLettered).isEqualTo(accepted.size());
        assertThat(accepted).filteredOn(h -> h.state() == TaskState.SUCCEEDED)
                .allSatisfy(h -> {
                    long n = ((Number) h.task().input().data().get("n")).longValue();
                    assertThat(h.result().join().data().get("square")).isEqualTo(n * n);
                });
        assertThat(accepted).filteredOn(h -> h.state() == TaskState.DEAD_LETTERED)
                .allSatisfy(h -> assertThat(((Number) h.task().input().data().get("n")).longValue() % 97).isZero());
        long finals = report.finalStates().values().stream().mapToLong(Long::longValue).sum();
        assertThat(finals).isEqualTo(accepted.size());
        assertThat(completions.get()).isEqualTo(accepted.size());
        assertThat(((Engine) pool).loopFailures()).isZero();
    }
}
