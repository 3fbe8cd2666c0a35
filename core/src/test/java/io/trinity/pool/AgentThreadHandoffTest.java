package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pool's own agent threads are reused: a thread that reports an attempt's end may run the
 * next attempt the loop dispatched (the hand-off). Real threads here, because that path exists
 * only with the pool's own loop and agent threads; the assertions hold on every interleaving.
 */
class AgentThreadHandoffTest {

    @Test
    void anInterruptLeftByOneAttemptNeverReachesTheNext() throws Exception {
        PoolConfig config = PoolConfig.custom().maxAgents(1).queueCapacity(500).build();
        try (AgentPool pool = AgentPool.builder().config(config).register("self-interrupting", init -> ctx -> {
            boolean startedInterrupted = Thread.currentThread().isInterrupted();
            Thread.currentThread().interrupt(); // agent code that leaves its thread interrupted
            return Payload.of(Map.of("startedInterrupted", startedInterrupted));
        }).build()) {
            // one agent and a queue of tasks: each end is reported while the next task waits, the
            // case where the reporting thread takes the next attempt itself
            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                handles.add(pool.submit(Task.of("self-interrupting", Map.of())));
            }
            int interrupted = 0;
            for (TaskHandle h : handles) {
                Payload p = h.result().get(20, TimeUnit.SECONDS);
                if (Boolean.TRUE.equals(p.data().get("startedInterrupted"))) {
                    interrupted++;
                }
            }
            assertThat(interrupted).as("attempts that started with an interrupt left by an earlier one").isZero();
            assertThat(handles).allSatisfy(h -> assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED));
        }
    }

    /**
     * Many agents ending at once while several threads submit: ends reported while another thread
     * holds the loop go to a waiting agent thread or wake a parked one. Every task must run once
     * and end once, whichever way each attempt travelled, for blocking and asynchronous agents.
     */
    @Test
    void everyTaskRunsExactlyOnceWhenAgentsEndTogether() throws Exception {
        int submitters = 4;
        int perSubmitter = 2_000;
        PoolConfig config = PoolConfig.custom().maxAgents(8).warmPool(8).warmPoolMin(8).warmPoolMax(8)
                .queueCapacity(submitters * perSubmitter).build();
        Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
        try (AgentPool pool = AgentPool.builder().config(config).register("count", init -> ctx -> {
            runs.computeIfAbsent(ctx.taskId(), id -> new AtomicInteger()).incrementAndGet();
            return Payload.EMPTY;
        }).register("async-count", init -> new AsyncAgent() {
            @Override
            public CompletableFuture<Payload> executeAsync(TaskContext ctx) {
                runs.computeIfAbsent(ctx.taskId(), id -> new AtomicInteger()).incrementAndGet();
                // ended at once on the agent thread, or later on another thread
                return (ctx.taskId() & 1) == 0 ? CompletableFuture.completedFuture(Payload.EMPTY)
                        : CompletableFuture.supplyAsync(() -> Payload.EMPTY);
            }
        }).build()) {
            List<TaskHandle> handles = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < submitters; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < perSubmitter; i++) {
                        handles.add(pool.submit(Task.of(i % 3 == 0 ? "async-count" : "count", Map.of())));
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            for (TaskHandle h : handles) {
                h.result().get(60, TimeUnit.SECONDS);
            }
            assertThat(handles).hasSize(submitters * perSubmitter)
                    .allSatisfy(h -> assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED));
            assertThat(runs).hasSize(submitters * perSubmitter);
            assertThat(runs.values()).as("runs per task").allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(pool.snapshot().tasksByState().get(TaskState.SUCCEEDED)).isEqualTo((long) submitters * perSubmitter);
        }
    }

    /** A pool shut down while its agents hand attempts to each other: every task ends, none runs twice. */
    @Test
    void aShutdownDuringHandOffsEndsEveryTaskAndRunsNoneTwice() throws Exception {
        for (int round = 0; round < 6; round++) {
            PoolConfig config = PoolConfig.custom().maxAgents(8).warmPool(8).warmPoolMin(8).warmPoolMax(8)
                    .queueCapacity(2_000).build();
            Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
            AgentPool pool = AgentPool.builder().config(config).register("count", init -> ctx -> {
                runs.computeIfAbsent(ctx.taskId(), id -> new AtomicInteger()).incrementAndGet();
                return Payload.EMPTY;
            }).build();
            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                handles.add(pool.submit(Task.of("count", Map.of())));
            }
            // no drain on even rounds: queued tasks are cancelled while agents are still handing off
            pool.shutdown(java.time.Duration.ofMillis(round % 2 == 0 ? 0 : 50)).get(30, TimeUnit.SECONDS);
            assertThat(handles).allSatisfy(h -> assertThat(h.state().isFinal()).isTrue());
            assertThat(runs.values()).as("runs per task").allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(handles).filteredOn(h -> h.state() == TaskState.SUCCEEDED)
                    .allSatisfy(h -> assertThat(runs).containsKey(h.id()));
        }
    }
}
