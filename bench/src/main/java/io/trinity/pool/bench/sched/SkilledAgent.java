package io.trinity.pool.bench.sched;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A simulated agent whose speed and quality depend on its own number and the task's skill
 * ({@link Speeds}). A task's normal-speed duration comes in its input ({@code base_ns}); the
 * agent finishes it on the pool's clock after that times its factor, and reports its quality.
 * It holds no thread, so a virtual-time run replays exactly.
 */
final class SkilledAgent implements AsyncAgent {

    static final String BASE_NS = "base_ns";

    private final int number;
    private final PoolClock clock;
    private final Speeds speeds;
    private final int capacity;

    SkilledAgent(String id, PoolClock clock, Speeds speeds, int capacity) {
        this.number = Speeds.number(id);
        this.clock = clock;
        this.speeds = speeds;
        this.capacity = capacity;
    }

    @Override
    public CompletionStage<Payload> executeAsync(TaskContext ctx) {
        long base = ((Number) ctx.data().get(BASE_NS)).longValue();
        String skill = ctx.task().skill();
        long nanos = Math.max(1, (long) (base * speeds.factor(number, skill)));
        CompletableFuture<Payload> done = new CompletableFuture<>();
        clock.schedule(Duration.ofNanos(nanos), () -> {
            ctx.reportQuality(speeds.quality(number, skill));
            done.complete(Payload.EMPTY);
        });
        return done;
    }

    @Override
    public int capacity() {
        return capacity;
    }
}
