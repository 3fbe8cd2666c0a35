package io.trinity.pool.cli;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Durations;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolException;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.event.EventLogWriter;
import io.trinity.pool.event.PoolListener;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Replays arrivals through a deterministic pool of simulated agents on a virtual clock: the
 * same inputs give the same events, to the nanosecond. Used by the bench and the simulator.
 *
 * <p>After the last arrival the clock runs on until every task is final, the metrics are
 * frozen at the last task's end, and the pool shuts down. A run whose tasks stop ending (a
 * task that can never start, say) is cut when no task has ended for {@link #quietLimit}: one
 * task's longest path to a final state under these settings plus {@link #DRAIN_MARGIN}, so a
 * long task or a slow cold start is waited for however long the trace and flags make it, and a
 * long backlog drains as long as it keeps moving.
 */
final class VirtualRun {

    /** Added to the longest path of one task in {@link #quietLimit}: the pool's own waits (scale ticks, holds). */
    static final Duration DRAIN_MARGIN = Duration.ofHours(2);
    /** The longest simulated cold start ({@code --spawn-delay}): a day, like the longest task of a trace. */
    static final Duration MAX_SPAWN_DELAY = Duration.ofDays(1);

    /** The longest {@link #quietLimit}, so settings such as a 100-year stuck threshold cannot make a stuck run endless. */
    static final Duration MAX_QUIET = Duration.ofDays(30);
    private static final Duration STEP = Duration.ofMillis(100);
    private static final Duration LONG_STEP = Duration.ofSeconds(1);
    private static final long LONG_WAIT_NANOS = Duration.ofHours(1).toNanos();

    /**
     * @param config     the pool settings
     * @param strategies spawning strategy names
     * @param profiles   the simulated behaviour of each type's agents
     * @param eventsOut  where to write the event log, or null
     * @param typeResources rate-limited resources each type's tasks use, with their token estimates
     * @param listeners  further listeners (reports)
     */
    record Setup(PoolConfig config, List<String> strategies, Function<String, SimProfile> profiles, Path eventsOut,
                 Map<String, Map<String, Long>> typeResources, List<PoolListener> listeners) {

        Setup(PoolConfig config, List<String> strategies, Function<String, SimProfile> profiles, Path eventsOut) {
            this(config, strategies, profiles, eventsOut, Map.of(), List.of());
        }
    }

    /**
     * A run's summary and how long it took in virtual time.
     *
     * @param virtualMs when the last task ended (0 when none did)
     * @param stoppedMs when the drain stopped: the last task's end, or the cut of a run whose tasks stopped ending
     * @param quiet     how long the drain waited for a task to end before it cut the run
     */
    record Result(RunMetrics.Summary summary, long virtualMs, boolean allFinal, ShutdownReport shutdown, long stoppedMs,
                  Duration quiet) {
    }

    private VirtualRun() {
    }

    static Result run(Setup setup, List<Arrival> arrivals) {
        Set<String> types = new LinkedHashSet<>();
        arrivals.forEach(a -> types.add(a.type()));
        return run(setup, types, arrivals.iterator());
    }

    /**
     * Replays arrivals read lazily: each is taken from {@code arrivals} only when virtual time
     * reaches it, so a trace of any length runs in the memory of the tasks in flight.
     *
     * @param types every type the arrivals name (agent types must be registered before the pool starts)
     */
    static Result run(Setup setup, Collection<String> types, Iterator<Arrival> arrivals) {
        VirtualClock clock = new VirtualClock();
        RunMetrics metrics = new RunMetrics(clock::nanoTime, false);
        PoolBuilder builder = AgentPool.builder().config(setup.config()).deterministic(clock).listener(metrics);
        for (String type : types) {
            AgentType t = AgentType.of(type, SimulatedAgent.factory(clock, setup.profiles().apply(type), setup.config().seed()));
            for (Map.Entry<String, Long> r : setup.typeResources().getOrDefault(type, Map.of()).entrySet()) {
                t = t.withResource(r.getKey(), r.getValue());
            }
            builder.register(t);
        }
        setup.listeners().forEach(builder::listener);
        PoolOptions.applyStrategies(builder, setup.strategies());
        EventLogWriter log = null;
        if (setup.eventsOut() != null) {
            log = openLog(setup.eventsOut(), clock.nanoTime());
            builder.listener(log);
        }
        if (types.isEmpty()) {
            throw new UserError("the workload has no tasks; nothing to run");
        }
        AgentPool pool = builder.build();
        long longestMs = 0;
        while (arrivals.hasNext()) {
            Arrival a = arrivals.next();
            longestMs = Math.max(longestMs, a.durationMs());
            clock.advanceTo(Math.max(clock.nanoTime(), a.atMs() * 1_000_000));
            submit(pool, metrics, clock, a);
        }
        long longestAttempt = 0;
        for (String type : types) {
            SimProfile p = setup.profiles().apply(type);
            longestAttempt = Math.max(longestAttempt, plus(Durations.saturatedNanos(p.spawnDelay()),
                    (long) Math.min(Long.MAX_VALUE, longestMs * 1e6 * Math.max(1, p.slowdown()))));
        }
        Duration quiet = quietLimit(setup.config(), longestAttempt);
        long lastEnd = clock.nanoTime();
        long ended = metrics.completed();
        while (!metrics.allFinal() && clock.nanoTime() - lastEnd < quiet.toNanos()) {
            // after an hour without an end, step by the second: a day-long wait then costs a tenth of the steps
            clock.advance(clock.nanoTime() - lastEnd < LONG_WAIT_NANOS ? STEP : LONG_STEP);
            if (metrics.completed() != ended) {
                ended = metrics.completed();
                lastEnd = clock.nanoTime();
            }
        }
        long stoppedMs = clock.nanoTime() / 1_000_000;
        boolean allFinal = metrics.allFinal();
        RunMetrics.Summary summary = metrics.summary(metrics.lastFinalNanos());
        CompletableFuture<ShutdownReport> done = pool.shutdown(Duration.ofSeconds(10));
        long stopLimit = clock.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!done.isDone() && clock.nanoTime() < stopLimit) {
            clock.advance(STEP);
        }
        closeLog(log, setup.eventsOut());
        return new Result(summary, metrics.lastFinalNanos() / 1_000_000, allFinal, done.getNow(null),
                allFinal ? metrics.lastFinalNanos() / 1_000_000 : stoppedMs, quiet);
    }

    /**
     * How long the drain waits for the next task to end before it calls the run stuck: every
     * attempt may wait a cold start, run the longest task, hang until the health check finds it
     * stuck and its agent's restart backs off, then back off before the next attempt; then a
     * provider pause or an open circuit may hold it, plus {@link #DRAIN_MARGIN}.
     *
     * @param longestAttemptNanos the longest cold start plus the longest (slowed-down) task duration
     */
    static Duration quietLimit(PoolConfig c, long longestAttemptNanos) {
        long perAttempt = longestAttemptNanos;
        for (Duration d : List.of(c.stuckAfter(), c.healthInterval(), c.restartBackoffMax(), c.retryBackoffMax())) {
            perAttempt = plus(perAttempt, Durations.saturatedNanos(d));
        }
        long hold = Durations.saturatedNanos(c.circuitMaxWait());
        for (var l : c.resourceLimits().values()) {
            hold = Math.max(hold, Durations.saturatedNanos(l.maxPause()));
        }
        long all = perAttempt > Long.MAX_VALUE / Math.max(1, c.maxAttempts()) ? Long.MAX_VALUE
                : perAttempt * Math.max(1, c.maxAttempts());
        return Duration.ofNanos(Math.min(plus(plus(all, hold), DRAIN_MARGIN.toNanos()), MAX_QUIET.toNanos()));
    }

    private static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum; // both >= 0: a negative sum wrapped
    }

    /** Checks {@code --spawn-delay}: 0 to {@link #MAX_SPAWN_DELAY}. */
    static void checkSpawnDelay(Duration d) {
        if (d.isNegative() || d.compareTo(MAX_SPAWN_DELAY) > 0) {
            throw new UserError("--spawn-delay must be between 0 and " + DurationConverter.format(MAX_SPAWN_DELAY)
                    + " (got " + DurationConverter.format(d) + "); it is the cold start of one simulated agent");
        }
    }

    static void submit(AgentPool pool, RunMetrics metrics, VirtualClock clock, Arrival a) {
        Task.Builder t = Task.builder(a.type()).priority(a.priority())
                .input(Map.of(SimulatedAgent.DURATION_MS, a.durationMs()));
        if (a.affinity() != null) {
            t.affinity(a.affinity());
        }
        if (a.tenant() != null) {
            t.tenant(a.tenant());
        }
        long now = clock.nanoTime();
        try {
            TaskHandle h = pool.submit(t.build());
            metrics.track(h, now);
        } catch (PoolException e) {
            metrics.rejected(e);
        }
    }

    static EventLogWriter openLog(Path file, long startNanos) {
        try {
            return EventLogWriter.toFile(file, startNanos);
        } catch (IOException e) {
            throw new UserError("--events-out: cannot write " + file + " (" + UserError.reason(e) + ")", e);
        }
    }

    static void closeLog(EventLogWriter log, Path file) {
        if (log == null) {
            return;
        }
        try {
            log.close();
        } catch (IOException e) {
            throw new UserError("--events-out: cannot finish writing " + file + " (" + UserError.reason(e) + ")", e);
        }
    }
}
