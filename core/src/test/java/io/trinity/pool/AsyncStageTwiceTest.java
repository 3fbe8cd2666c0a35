package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.internal.Engine;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * An async agent's stage is user code: one that calls its completion action twice must not make
 * the pool settle an attempt twice nor lose any other work (an attempt is posted back to the
 * loop as itself, once).
 */
class AsyncStageTwiceTest {

    /**
     * A stage that runs every {@code whenComplete} action twice with its result, and in between
     * runs {@code between} (which posts other work to the loop, behind the attempt).
     */
    static final class Twice extends CompletableFuture<Payload> {
        private final Runnable between;

        Twice(Runnable between) {
            this.between = between;
        }

        @Override
        public CompletableFuture<Payload> whenComplete(BiConsumer<? super Payload, ? super Throwable> action) {
            Payload v = join();
            action.accept(v, null);
            between.run();
            action.accept(v, null);
            return this;
        }
    }

    /** A parent task's stage submits a child task between its two callbacks. */
    record TwiceAgent() implements AsyncAgent {
        @Override
        public CompletionStage<Payload> executeAsync(TaskContext ctx) {
            long n = ((Number) ctx.data().get("n")).longValue();
            Twice t = new Twice(() -> {
                if (n < 100) {
                    ctx.submit(Task.builder("work").input(Map.of("n", n + 100)).build());
                }
            });
            t.complete(Payload.of(Map.of("n", n)));
            return t;
        }
    }

    @Test
    void aStageCompletingTwiceEndsItsTaskOnceAndLosesNothing() {
        VirtualClock clock = new VirtualClock();
        PoolConfig config = PoolConfig.custom().maxAgents(2).warmPool(2).warmPoolMin(2).warmPoolMax(2)
                .queueCapacity(100).build();
        AgentPool pool = AgentPool.builder().deterministic(clock).config(config)
                .register("work", init -> new TwiceAgent()).build();
        clock.advance(Duration.ofSeconds(5));
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            handles.add(pool.submit(Task.builder("work").input(Map.of("n", i)).build()));
        }
        clock.advance(Duration.ofSeconds(5));
        for (int i = 0; i < handles.size(); i++) {
            TaskHandle h = handles.get(i);
            assertThat(h.state()).as("task %d", i).isEqualTo(TaskState.SUCCEEDED);
            assertThat(h.attempts()).isEqualTo(1);
            assertThat(h.result().join().data()).containsEntry("n", (long) i);
        }
        assertThat(((Engine) pool).loopFailures()).isZero();
        assertThat(pool.snapshot().tasksByState()).containsEntry(TaskState.SUCCEEDED, 20L); // the 10 children too
        pool.shutdown(Duration.ofSeconds(1));
    }

    @Test
    void anAsyncAgentRunningItsContextAgainIsRefusedAndItsCodeRunsOnce() {
        VirtualClock clock = new VirtualClock();
        int[] starts = {0};
        List<String> refused = new ArrayList<>();
        AsyncAgent rerun = ctx -> {
            starts[0]++;
            if (starts[0] == 1) {
                try {
                    ((Runnable) ctx).run(); // misuse: the context is not the agent's to run
                } catch (IllegalStateException e) {
                    refused.add(e.getMessage());
                }
            }
            return CompletableFuture.completedFuture(Payload.of(Map.of("starts", starts[0])));
        };
        AgentPool pool = AgentPool.builder().deterministic(clock)
                .config(PoolConfig.custom().maxAgents(1).warmPool(1).warmPoolMin(1).warmPoolMax(1).build())
                .register("work", init -> rerun).build();
        TaskHandle h = pool.submit(Task.builder("work").input(Map.of()).build());
        clock.advance(Duration.ofSeconds(5));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(starts[0]).as("the agent's code started once").isEqualTo(1);
        assertThat(refused).singleElement().asString().contains("has already run", "must not call run()");
        assertThat(((Engine) pool).loopFailures()).isZero();
    }
}
