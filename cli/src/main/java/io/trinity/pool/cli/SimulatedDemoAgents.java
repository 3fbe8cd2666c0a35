package io.trinity.pool.cli;

import io.trinity.pool.PoolBuilder;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;

/**
 * The demo on simulated agents ({@code tri spawn --simulated}): the same scenes in real time,
 * with work that is only time on the system clock. For hosts where the built-in agents'
 * tools are missing, and for a quick look at the pool's behaviour alone.
 */
final class SimulatedDemoAgents implements DemoAgents {

    private static final List<String> TYPES = List.of("code", "data", "vision", "voice", "system", "generic");
    private static final Map<String, Long> MEDIAN_MS = Map.of("code", 250L, "data", 150L, "vision", 400L,
            "voice", 600L, "system", 200L, "generic", 100L);

    private final PoolClock clock;
    private final long seed;
    private final SplittableRandom random;

    SimulatedDemoAgents(PoolClock clock, long seed) {
        this.clock = clock;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public String description() {
        return "simulated agents (work is time on the system clock)";
    }

    @Override
    public void register(PoolBuilder builder) {
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofMillis(200)))
                .withSpawnDelay(Duration.ofMillis(300)).withHeartbeat(Duration.ofMillis(100));
        for (String t : TYPES) {
            builder.register(t, init -> new OneType(new SimulatedAgent(init, clock, profile, seed)));
        }
    }

    @Override
    public List<String> types() {
        return TYPES;
    }

    @Override
    public synchronized Task.Builder task(String type, int i) {
        long median = MEDIAN_MS.getOrDefault(type, 200L);
        long ms = Math.max(10, Distribution.lognormal(Duration.ofMillis(median), 0.5).sampleNanos(random) / 1_000_000);
        return Task.builder(type).input(Map.of(SimulatedAgent.DURATION_MS, ms));
    }

    @Override
    public Task.Builder sessionTask(int i) {
        return task("data", i);
    }

    /**
     * A simulated agent that keeps its type: a bare simulated agent re-specializes into any
     * type, which would let it take the demo's {@code flaky} tasks and hide the real faults.
     */
    private record OneType(SimulatedAgent agent) implements AsyncAgent {
        @Override
        public CompletionStage<Payload> executeAsync(TaskContext context) {
            return agent.executeAsync(context);
        }

        @Override
        public CompletionStage<Void> initAsync() {
            return agent.initAsync();
        }

        @Override
        public boolean alive() {
            return agent.alive();
        }

        @Override
        public Optional<AgentSnapshot> snapshot() {
            return agent.snapshot();
        }
    }
}
