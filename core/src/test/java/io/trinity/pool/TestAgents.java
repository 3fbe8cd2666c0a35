package io.trinity.pool;

import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/** Small agents on a clock for health and fault tests. */
final class TestAgents {

    private TestAgents() {
    }

    /**
     * Works for {@code ms} on the clock with a heartbeat every second, except that attempts
     * matching {@code hangs} go silent forever (until cancelled).
     */
    static AgentFactory hanging(PoolClock clock, long ms, Predicate<TaskContext> hangs) {
        return init -> new AsyncAgent() {
            @Override
            public CompletionStage<Payload> executeAsync(TaskContext ctx) {
                CompletableFuture<Payload> done = new CompletableFuture<>();
                ctx.onCancel(() -> done.completeExceptionally(new CancellationException("cancelled")));
                if (hangs.test(ctx)) {
                    return done;
                }
                beat(clock, ctx, done);
                clock.schedule(Duration.ofMillis(ms), () -> done.complete(Payload.of(Map.of("agent", init.agentId(),
                        "attempt", ctx.attempt()))));
                return done;
            }
        };
    }

    private static void beat(PoolClock clock, TaskContext ctx, CompletableFuture<Payload> done) {
        clock.schedule(Duration.ofSeconds(1), () -> {
            if (!done.isDone()) {
                ctx.heartbeat();
                beat(clock, ctx, done);
            }
        });
    }
}
