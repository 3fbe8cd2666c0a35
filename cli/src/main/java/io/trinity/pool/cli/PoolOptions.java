package io.trinity.pool.cli;

import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.spawn.SpawnStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The pool settings every pool-running command takes as flags. A flag left out falls back to
 * the command's own default (the demo compresses timings) and then to the seed default
 * ({@code PoolConfig.DEFAULT_*}); {@link #settingsTable} shows which one each value came from.
 */
final class PoolOptions {

    @Option(names = "--max-agents", paramLabel = "N", description = "Most live agents in the pool.")
    Integer maxAgents;

    @Option(names = "--warm", paramLabel = "N", description = "Agents kept READY as the warm pool.")
    Integer warm;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "An idle agent is destroyed after this long.")
    Duration idleTimeout;

    @Option(names = "--spawn-rate", paramLabel = "N", description = "Most spawns in any one second.")
    Integer spawnRate;

    @Option(names = "--health-interval", paramLabel = "DURATION", description = "How often the health monitor runs.")
    Duration healthInterval;

    @Option(names = "--stuck-after", paramLabel = "DURATION", description = "A busy agent silent this long is stuck.")
    Duration stuckAfter;

    @Option(names = "--queue", paramLabel = "N", description = "Task queue capacity.")
    Integer queue;

    @Option(names = "--balancer", paramLabel = "NAME",
            description = "Load balancer: round-robin, least-loaded, skill-aware or affinity.")
    String balancer;

    @Option(names = "--spawn-strategy", paramLabel = "NAME", split = ",",
            description = "Spawning strategies to run (default: on-demand,warm-pool).")
    List<String> spawnStrategy;

    @Option(names = "--preempt-priority", paramLabel = "P",
            description = "Tasks with at least this priority may preempt lower-priority running work.")
    Integer preemptPriority;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the workload and of the pool's randomness.")
    Long seed;

    /** The settings: each flag given, else the command's default, else the seed default. */
    PoolConfig toConfig(PoolConfig commandDefaults) {
        positive("--max-agents", maxAgents);
        atLeastZero("--warm", warm);
        positive("--spawn-rate", spawnRate);
        positive("--queue", queue);
        positive("--idle-timeout", idleTimeout);
        positive("--health-interval", healthInterval);
        positive("--stuck-after", stuckAfter);
        int max = or(maxAgents, commandDefaults.maxAgents());
        int w = or(warm, commandDefaults.warmPool());
        if (w > max) {
            throw new UserError("--warm (" + w + ") must be <= --max-agents (" + max + "); lower --warm or raise --max-agents");
        }
        String b = or(balancer, commandDefaults.balancer());
        if (!Balancers.builtIn().containsKey(b)) {
            throw new UserError("--balancer: unknown balancer '" + b + "'; choose one of "
                    + String.join(", ", Balancers.builtIn().keySet()));
        }
        try {
            return PoolConfig.from(commandDefaults)
                    .warmPoolMin(Math.min(commandDefaults.warmPoolMin(), w))
                    .warmPoolMax(Math.max(w, Math.min(commandDefaults.warmPoolMax(), max)))
                    .warmPool(w)
                    .maxAgents(max)
                    .idleTimeout(or(idleTimeout, commandDefaults.idleTimeout()))
                    .spawnRate(or(spawnRate, commandDefaults.spawnRate()))
                    .healthInterval(or(healthInterval, commandDefaults.healthInterval()))
                    .stuckAfter(or(stuckAfter, commandDefaults.stuckAfter()))
                    .queueCapacity(or(queue, commandDefaults.queueCapacity()))
                    .balancer(b)
                    .preemptPriority(or(preemptPriority, commandDefaults.preemptPriority()))
                    .seed(or(seed, commandDefaults.seed()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UserError("invalid pool settings: " + e.getMessage());
        }
    }

    /** The strategy names to run; {@code fallback} when the flag is absent. */
    List<String> strategyNames(List<String> fallback) {
        return spawnStrategy == null || spawnStrategy.isEmpty() ? fallback : List.copyOf(spawnStrategy);
    }

    /** Adds the named strategies, unless they are exactly the pool's own default set. */
    static void applyStrategies(PoolBuilder builder, List<String> names) {
        List<SpawnStrategy> created = SpawnStrategies.create(names);
        if (!names.equals(SpawnStrategies.POOL_DEFAULT)) {
            created.forEach(builder::spawnStrategy);
        }
    }

    /**
     * Rows of setting, value, seed default, and where the value came from: {@code flag},
     * {@code <label>} (the command's own default) or {@code seed default}.
     */
    List<List<String>> settingsTable(PoolConfig used, PoolConfig commandDefaults, List<String> strategies,
                                     List<String> commandStrategies, String label) {
        PoolConfig seedDefaults = PoolConfig.ofDefaults();
        List<List<String>> rows = new ArrayList<>();
        row(rows, "--max-agents", "DEFAULT_MAX_AGENTS", maxAgents, used, commandDefaults, seedDefaults, c -> String.valueOf(c.maxAgents()), label);
        row(rows, "--warm", "DEFAULT_WARM_POOL", warm, used, commandDefaults, seedDefaults, c -> String.valueOf(c.warmPool()), label);
        row(rows, "--idle-timeout", "DEFAULT_IDLE_TIMEOUT", idleTimeout, used, commandDefaults, seedDefaults, c -> DurationConverter.format(c.idleTimeout()), label);
        row(rows, "--spawn-rate", "DEFAULT_SPAWN_RATE", spawnRate, used, commandDefaults, seedDefaults, c -> c.spawnRate() + "/s", label);
        row(rows, "--health-interval", "DEFAULT_HEALTH_INTERVAL", healthInterval, used, commandDefaults, seedDefaults, c -> DurationConverter.format(c.healthInterval()), label);
        row(rows, "--stuck-after", "DEFAULT_STUCK_AFTER", stuckAfter, used, commandDefaults, seedDefaults, c -> DurationConverter.format(c.stuckAfter()), label);
        row(rows, "--queue", "DEFAULT_QUEUE_CAPACITY", queue, used, commandDefaults, seedDefaults, c -> String.valueOf(c.queueCapacity()), label);
        row(rows, "--balancer", "DEFAULT_BALANCER", balancer, used, commandDefaults, seedDefaults, PoolConfig::balancer, label);
        row(rows, "--preempt-priority", "DEFAULT_PREEMPT_PRIORITY", preemptPriority, used, commandDefaults, seedDefaults, c -> String.valueOf(c.preemptPriority()), label);
        row(rows, "--seed", null, seed, used, commandDefaults, seedDefaults, c -> String.valueOf(c.seed()), label);
        String pooled = String.join(",", SpawnStrategies.POOL_DEFAULT);
        String given = String.join(",", strategies);
        String source = spawnStrategy != null ? "flag" : commandStrategies.equals(SpawnStrategies.POOL_DEFAULT)
                ? "seed default" : label;
        rows.add(List.of("--spawn-strategy", given, pooled + " (builder default)", source));
        return rows;
    }

    private static void row(List<List<String>> rows, String flag, String constant, Object flagValue, PoolConfig used,
                            PoolConfig commandDefaults, PoolConfig seed, Function<PoolConfig, String> show,
                            String label) {
        String value = show.apply(used);
        String dflt = show.apply(seed);
        String source = flagValue != null ? "flag" : value.equals(dflt) ? "seed default" : label;
        rows.add(List.of(flag, value, constant == null ? dflt : dflt + " (" + constant + ")", source));
    }

    private static <T> T or(T v, T dflt) {
        return v != null ? v : Objects.requireNonNull(dflt);
    }

    static void positive(String flag, Integer v) {
        if (v != null && v < 1) {
            throw new UserError(flag + " must be >= 1 (got " + v + ")");
        }
    }

    static void atLeastZero(String flag, Integer v) {
        if (v != null && v < 0) {
            throw new UserError(flag + " must be >= 0 (got " + v + ")");
        }
    }

    static void positive(String flag, Duration v) {
        if (v != null && (v.isZero() || v.isNegative())) {
            throw new UserError(flag + " must be > 0 (got " + DurationConverter.format(v) + ")");
        }
    }
}
