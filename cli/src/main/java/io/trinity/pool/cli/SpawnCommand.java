package io.trinity.pool.cli;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.event.EventLogWriter;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tri spawn}: a run of the pool on simulated agents in virtual time. */
@Command(name = "spawn", aliases = {"spawn-demo", "pool"}, mixinStandardHelpOptions = true,
        description = "Runs a burst of tasks through a pool of simulated agents and prints what the pool did.")
final class SpawnCommand implements Callable<Integer> {

    @Option(names = "--tasks", defaultValue = "200", description = "Tasks to submit (default: ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the workload (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--events-out", description = "Write the event log (JSON Lines) to this file.")
    Path eventsOut;

    @Override
    public Integer call() throws Exception {
        if (tasks < 1) {
            System.err.println("tri spawn: --tasks must be >= 1 (got " + tasks + ")");
            return 2;
        }
        VirtualClock clock = new VirtualClock();
        PoolConfig config = PoolConfig.custom().seed(seed).build();
        SimProfile profile = SimProfile.of(Distribution.lognormal(Duration.ofMillis(400), 0.8))
                .withSpawnDelay(Duration.ofMillis(300));
        Map<String, Integer> spawns = new TreeMap<>();
        Map<String, Integer> destroys = new TreeMap<>();
        var builder = AgentPool.builder().config(config).deterministic(clock).listener(e -> {
            if (e instanceof PoolEvent.AgentSpawned s) {
                spawns.merge(s.cause().name().toLowerCase(), 1, Integer::sum);
            } else if (e instanceof PoolEvent.AgentDestroyed d) {
                destroys.merge(d.reason().name().toLowerCase(), 1, Integer::sum);
            }
        });
        EventLogWriter log = eventsOut == null ? null : EventLogWriter.toFile(eventsOut, clock.nanoTime());
        if (log != null) {
            builder.listener(log);
        }
        for (String type : AgentTypes.BUILT_IN) {
            builder.register(type, SimulatedAgent.factory(clock, profile, seed));
        }
        AgentPool pool = builder.build();
        SplittableRandom random = new SplittableRandom(seed);
        List<TaskHandle> handles = new ArrayList<>();
        int submitted = 0;
        while (submitted < tasks) {
            int burst = Math.min(tasks - submitted, 20);
            for (int i = 0; i < burst; i++) {
                String type = AgentTypes.BUILT_IN.get(random.nextInt(AgentTypes.BUILT_IN.size()));
                handles.add(pool.submit(Task.builder(type).priority(random.nextInt(3)).build()));
            }
            submitted += burst;
            clock.advance(Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofMinutes(3));
        ShutdownReport report = pool.shutdown(Duration.ofSeconds(30)).join();
        clock.advance(Duration.ofMinutes(1));
        if (log != null) {
            log.close();
        }
        EnumMap<TaskState, Long> byState = new EnumMap<>(TaskState.class);
        handles.forEach(h -> byState.merge(h.state(), 1L, Long::sum));
        System.out.println("tasks by final state: " + byState);
        System.out.println("spawns by cause:      " + spawns);
        System.out.println("destroys by reason:   " + destroys);
        System.out.println("shutdown:             " + report);
        boolean allFinal = handles.stream().allMatch(h -> h.state().isFinal());
        return allFinal ? 0 : 1;
    }
}
