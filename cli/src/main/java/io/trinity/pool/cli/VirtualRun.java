package io.trinity.pool.cli;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
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
 * <p>After the last arrival the clock runs on until every task is final (or
 * {@link #DRAIN_LIMIT} of virtual time passes), the metrics are frozen at the last task's
 * end, and the pool shuts down.
 */
final class VirtualRun {

    static final Duration DRAIN_LIMIT = Duration.ofHours(2);
    private static final Duration STEP = Duration.ofMillis(100);

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

    /** A run's summary and how long it took in virtual time. */
    record Result(RunMetrics.Summary summary, long virtualMs, boolean allFinal, ShutdownReport shutdown) {
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
        while (arrivals.hasNext()) {
            Arrival a = arrivals.next();
            clock.advanceTo(Math.max(clock.nanoTime(), a.atMs() * 1_000_000));
            submit(pool, metrics, clock, a);
        }
        long limit = clock.nanoTime() + DRAIN_LIMIT.toNanos();
        while (!metrics.allFinal() && clock.nanoTime() < limit) {
            clock.advance(STEP);
        }
        boolean allFinal = metrics.allFinal();
        RunMetrics.Summary summary = metrics.summary(metrics.lastFinalNanos());
        CompletableFuture<ShutdownReport> done = pool.shutdown(Duration.ofSeconds(10));
        long stopLimit = clock.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!done.isDone() && clock.nanoTime() < stopLimit) {
            clock.advance(STEP);
        }
        closeLog(log, setup.eventsOut());
        return new Result(summary, metrics.lastFinalNanos() / 1_000_000, allFinal, done.getNow(null));
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
