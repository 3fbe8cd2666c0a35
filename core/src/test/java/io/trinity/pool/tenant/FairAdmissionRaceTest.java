package io.trinity.pool.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Fair admission under real concurrency: submitters of two tenants race for the last slots of a
 * queue that nothing drains (the one agent is held), so every submit meets a full queue or makes
 * it full. Whatever the interleaving, once the submits have returned the queue holds no more
 * than its capacity (a task let in over it is paid for by a shed), and every accepted task ends:
 * it runs, or it was shed with a reason.
 */
class FairAdmissionRaceTest {

    static final int CAPACITY = 40;

    @Test
    void concurrentTenantsNeverLeaveTheQueueOverItsCapacity() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().queueCapacity(CAPACITY).maxAgents(1).warmPool(1).warmPoolMin(1)
                        .warmPoolMax(1).tenant(TenantConfig.of("a")).tenant(TenantConfig.of("b").withWeight(2))
                        .build())
                .register("work", init -> ctx -> {
                    hold.await(60, TimeUnit.SECONDS);
                    return Payload.EMPTY;
                })
                .build();
        try {
            ConcurrentLinkedQueue<TaskHandle> accepted = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String tenant = t % 2 == 0 ? "a" : "b";
                submitters.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < 60; i++) {
                            try {
                                accepted.add(pool.submit(Task.builder("work").tenant(tenant).input(Map.of("i", i)).build()));
                            } catch (QueueFullException full) {
                                Thread.onSpinWait();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            go.countDown();
            for (Thread t : submitters) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(t.isAlive()).as("submitter finished").isFalse();
            }
            assertThat(failure.get()).isNull();
            PoolSnapshot s = pool.snapshot(); // on the loop: after every accepted task's admission ran there
            assertThat(s.queued()).as("queued once the submits returned").isLessThanOrEqualTo(CAPACITY);
            // the shares (13.3 and 26.7 of 40) cannot both be met by whole tasks: one tenant is always
            // below its share of the full queue, so some task got in over it and another was shed
            assertThat(accepted.size()).isGreaterThan(CAPACITY);
            hold.countDown();
            for (TaskHandle h : accepted) {
                h.result().handle((v, e) -> null).get(60, TimeUnit.SECONDS);
            }
            assertThat(accepted).allSatisfy(h -> assertThat(h.state()).isIn(TaskState.SUCCEEDED, TaskState.REJECTED));
            assertThat(accepted).filteredOn(h -> h.state() == TaskState.REJECTED).isNotEmpty()
                    .allSatisfy(h -> assertThat(h.failureReasons()).anyMatch(r -> r.startsWith("shed:")));
        } finally {
            hold.countDown();
            pool.shutdown(Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS);
        }
    }
}
