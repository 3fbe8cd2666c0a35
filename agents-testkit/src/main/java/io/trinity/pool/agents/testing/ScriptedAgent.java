package io.trinity.pool.agents.testing;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An agent on the virtual clock whose task input says what happens: {@code ms} (run time,
 * default 100) and {@code fail}: {@code first} (the first attempt fails, retryably),
 * {@code always} (every attempt fails retryably), {@code fatal} (non-retryable), {@code broken}
 * (the first attempt breaks the agent), {@code hang} (never answers, until cancelled).
 */
public final class ScriptedAgent implements AsyncAgent {

    private final VirtualClock clock;
    private final int capacity;

    private ScriptedAgent(VirtualClock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * {@return a factory of scripted agents of capacity 1 on {@code clock}}
     *
     * @param clock the virtual clock
     */
    public static AgentFactory factory(VirtualClock clock) {
        return factory(clock, 1);
    }

    /**
     * {@return a factory of scripted agents on {@code clock}}
     *
     * @param clock the virtual clock
     * @param capacity tasks each agent runs at once
     */
    public static AgentFactory factory(VirtualClock clock, int capacity) {
        return init -> new ScriptedAgent(clock, capacity);
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public CompletionStage<Payload> executeAsync(TaskContext ctx) {
        CompletableFuture<Payload> done = new CompletableFuture<>();
        ctx.onCancel(() -> done.completeExceptionally(new CancellationException("cancelled")));
        String fail = String.valueOf(ctx.data().getOrDefault("fail", ""));
        long ms = ((Number) ctx.data().getOrDefault("ms", 100L)).longValue();
        if (fail.equals("hang")) {
            return done;
        }
        clock.schedule(Duration.ofMillis(ms), () -> {
            switch (fail) {
                case "fatal" -> done.completeExceptionally(new NonRetryableException("bad input"));
                case "always" -> done.completeExceptionally(new IllegalStateException("flaky"));
                case "first" -> finish(done, ctx, new IllegalStateException("flaky once"));
                case "broken" -> finish(done, ctx, new AgentBrokenException("lost its worker"));
                default -> done.complete(Payload.of(Map.of("attempt", ctx.attempt())));
            }
        });
        return done;
    }

    private static void finish(CompletableFuture<Payload> done, TaskContext ctx, Exception firstAttempt) {
        if (ctx.attempt() == 1) {
            done.completeExceptionally(firstAttempt);
        } else {
            done.complete(Payload.of(Map.of("attempt", ctx.attempt())));
        }
    }
}
