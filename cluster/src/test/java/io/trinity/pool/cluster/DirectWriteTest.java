package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.TaskContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A remote call is written by the calling thread itself only when that thread is virtual (the
 * pool's agent threads) and nothing waits for the writer; a platform thread, such as the pool's
 * loop, never waits for the database, and under load calls keep going to the writer's batches.
 * Here the scheduler has no database (a write fails at once) and no writer thread runs, so a call
 * written directly fails at once and a queued one stays pending.
 */
class DirectWriteTest {

    @Test
    void onlyAVirtualThreadWithNothingQueuedWritesItsOwnCall() throws Exception {
        RemoteCalls calls = new RemoteCalls(null, 1, 100, () -> { });
        RemoteAgent agent = new RemoteAgent("generic-1", "generic", "b", 1, calls, () -> { });

        CompletableFuture<Payload> direct = onVirtualThread(() -> calls.call(agent, new Context(1)));
        assertThat(direct).as("written on the virtual caller").failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(AgentBrokenException.class).withMessageContaining("cannot reach the database");

        CompletableFuture<Payload> fromPlatform = calls.call(agent, new Context(2));
        assertThat(fromPlatform).as("a platform thread leaves it to the writer").isNotDone();

        CompletableFuture<Payload> behindQueue = onVirtualThread(() -> calls.call(agent, new Context(3)));
        assertThat(behindQueue).as("a call queued before it: batched with it").isNotDone();
        calls.close();
    }

    private static CompletableFuture<Payload> onVirtualThread(java.util.function.Supplier<CompletableFuture<Payload>> s)
            throws InterruptedException {
        AtomicReference<CompletableFuture<Payload>> out = new AtomicReference<>();
        Thread.ofVirtual().start(() -> out.set(s.get())).join();
        return out.get();
    }

    private record Context(long taskId) implements TaskContext {
        @Override public String type() { return "generic"; }
        @Override public String agentId() { return "generic-1"; }
        @Override public int attempt() { return 1; }
        @Override public Task task() { return Task.of("generic", Map.of("op", "count")); }
        @Override public void progress(double fraction, String note) { }
        @Override public boolean isCancelled() { return false; }
        @Override public void onCancel(Runnable action) { }
        @Override public void reportQuality(double score) { }
        @Override public void reportUsage(String resource, long units) { }
        @Override public TaskHandle submit(Task subtask) { throw new UnsupportedOperationException(); }
    }
}
