package io.trinity.pool.sim;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An agent whose work is time on a clock: each task takes a duration (from the task's
 * {@code duration_ms}, or drawn from the profile's distribution), heartbeats while it runs,
 * and may fail, hang or crash with the profile's probabilities. It holds no thread, so on a
 * {@link io.trinity.pool.time.VirtualClock} a day of work runs in seconds and replays exactly:
 * its randomness is seeded from the pool seed and its own id.
 *
 * <p>It keeps a small state (tasks done, busy time) that a clone inherits.
 */
public final class SimulatedAgent implements AsyncAgent {

    /** Input field that fixes a task's duration, in milliseconds, instead of drawing it: {@value}. */
    public static final String DURATION_MS = "duration_ms";

    private final AgentInit init;
    private final PoolClock clock;
    private final SimProfile profile;
    private final SplittableRandom random;
    private volatile boolean alive = true;
    private long tasksDone;
    private long busyNanos;

    /**
     * A simulated agent; a clone starts with its parent's counters.
     *
     * @param init the agent's id, type and, for a clone, the parent's snapshot
     * @param clock the clock its work takes time on (the pool's)
     * @param profile how it behaves
     * @param seed the pool seed; mixed with the agent's id so each agent draws its own sequence
     */
    public SimulatedAgent(AgentInit init, PoolClock clock, SimProfile profile, long seed) {
        this.init = init;
        this.clock = clock;
        this.profile = profile;
        this.random = new SplittableRandom(seed ^ (init.agentId().hashCode() * 0x9E3779B97F4A7C15L));
        init.snapshot().ifPresent(s -> {
            tasksDone = ((Number) s.state().getOrDefault("tasksDone", 0L)).longValue();
            busyNanos = ((Number) s.state().getOrDefault("busyNanos", 0L)).longValue();
        });
    }

    /**
     * A factory of simulated agents.
     *
     * @param clock the clock their work takes time on (the pool's)
     * @param profile how they behave
     * @param seed the pool seed
     * @return the factory
     */
    public static AgentFactory factory(PoolClock clock, SimProfile profile, long seed) {
        return init -> new SimulatedAgent(init, clock, profile, seed);
    }

    @Override
    public CompletionStage<Void> initAsync() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        if (profile.spawnDelay().isZero()) {
            ready.complete(null);
        } else {
            clock.schedule(profile.spawnDelay(), () -> ready.complete(null));
        }
        return ready;
    }

    @Override
    public synchronized CompletionStage<Payload> executeAsync(TaskContext ctx) {
        CompletableFuture<Payload> done = new CompletableFuture<>();
        long nanos = duration(ctx);
        double roll = random.nextDouble();
        Fault fault = roll < profile.failRate() ? Fault.FAIL
                : roll < profile.failRate() + profile.hangRate() ? Fault.HANG
                : roll < profile.failRate() + profile.hangRate() + profile.crashRate() ? Fault.CRASH : Fault.NONE;
        long start = clock.nanoTime();
        Run run = new Run(ctx, done, fault, start, nanos);
        ctx.onCancel(run::cancel);
        if (fault == Fault.HANG) {
            return done; // silent forever: only stuck detection or cancellation ends it
        }
        long endAfter = fault == Fault.NONE ? nanos : Math.max(1, nanos / 2);
        run.finish = clock.schedule(Duration.ofNanos(endAfter), run::end);
        run.scheduleHeartbeat();
        return done;
    }

    private long duration(TaskContext ctx) {
        Object fixed = ctx.data().get(DURATION_MS);
        long base = fixed instanceof Number n ? Math.max(0, n.longValue()) * 1_000_000L
                : profile.duration().sampleNanos(random);
        return Math.max(1, (long) (base * profile.slowdown()));
    }

    @Override
    public boolean alive() {
        return alive;
    }

    @Override
    public synchronized Optional<AgentSnapshot> snapshot() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("tasksDone", tasksDone);
        state.put("busyNanos", busyNanos);
        return Optional.of(new AgentSnapshot(init.agentId(), init.type(), state));
    }

    @Override
    public boolean respecialize(String newType) {
        return true; // a simulated agent is type-agnostic: re-specializing is free
    }

    /** {@return the tasks it completed, counting those inherited from a clone parent} */
    public synchronized long tasksDone() {
        return tasksDone;
    }

    private enum Fault { NONE, FAIL, HANG, CRASH }

    private final class Run {
        final TaskContext ctx;
        final CompletableFuture<Payload> done;
        final Fault fault;
        final long start;
        final long nanos;
        PoolClock.Timer finish;
        PoolClock.Timer heartbeat;

        Run(TaskContext ctx, CompletableFuture<Payload> done, Fault fault, long start, long nanos) {
            this.ctx = ctx;
            this.done = done;
            this.fault = fault;
            this.start = start;
            this.nanos = nanos;
        }

        void scheduleHeartbeat() {
            heartbeat = clock.schedule(profile.heartbeat(), () -> {
                if (!done.isDone()) {
                    ctx.progress(Math.min(1, (clock.nanoTime() - start) / (double) nanos), null);
                    scheduleHeartbeat();
                }
            });
        }

        void end() {
            if (heartbeat != null) {
                heartbeat.cancel();
            }
            synchronized (SimulatedAgent.this) {
                busyNanos += clock.nanoTime() - start;
                switch (fault) {
                    case FAIL -> done.completeExceptionally(new IllegalStateException(
                            "simulated task failure (fail rate " + profile.failRate() + ")"));
                    case CRASH -> {
                        alive = false;
                        done.completeExceptionally(new AgentBrokenException(
                                "simulated agent crash (crash rate " + profile.crashRate() + ")"));
                    }
                    default -> {
                        tasksDone++;
                        done.complete(Payload.of(Map.of("agent", init.agentId(), "ms", nanos / 1_000_000,
                                "tasksDone", tasksDone)));
                    }
                }
            }
        }

        void cancel() {
            if (finish != null) {
                finish.cancel();
            }
            if (heartbeat != null) {
                heartbeat.cancel();
            }
            done.completeExceptionally(new CancellationException("task " + ctx.taskId() + " cancelled"));
        }
    }
}
