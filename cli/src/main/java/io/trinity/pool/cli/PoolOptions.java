package io.trinity.pool.cli;

import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolConfigLoader;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.spawn.SpawnStrategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The pool settings every pool-running command takes as flags. A flag wins over the
 * {@code tri --config FILE} settings, which win over the command's own default (the demo
 * compresses timings), which wins over the seed default ({@code PoolConfig.DEFAULT_*});
 * {@link #settingsTable} shows which one each value came from.
 */
final class PoolOptions {

    private static final String MAX_AGENTS = PoolConfigLoader.PREFIX + "max-agents";
    private static final String WARM_POOL = PoolConfigLoader.PREFIX + "warm-pool";
    private static final String WARM_POOL_MIN = PoolConfigLoader.PREFIX + "warm-pool-min";
    private static final String WARM_POOL_MAX = PoolConfigLoader.PREFIX + "warm-pool-max";

    /** The command this mixin is part of, to find {@code --config}; null when built directly. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The settings of the {@code --config} file, as read by the last {@link #toConfig}. */
    private Map<String, String> fileSettings = Map.of();

    @Option(names = "--max-agents", paramLabel = "N", description = "Most live agents in the pool.")
    Integer maxAgents;

    @Option(names = "--warm", paramLabel = "N",
            description = "Agents kept READY as the warm pool at the start; the pool adapts it between --warm-min and"
                    + " its maximum (at least N) to the load.")
    Integer warm;

    @Option(names = "--warm-min", paramLabel = "N",
            description = "The warm pool never adapts below this (default 1); --warm-min N --warm N keeps N READY"
                    + " all the time.")
    Integer warmMin;

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

    /** The settings: each flag given, else the {@code --config} file's, else the command's default, else the seed default. */
    PoolConfig toConfig(PoolConfig commandDefaults) {
        return toConfig(commandDefaults, Tri.configFile(mixee));
    }

    PoolConfig toConfig(PoolConfig commandDefaults, Path configFile) {
        positive("--max-agents", maxAgents);
        atLeastZero("--warm", warm);
        atLeastZero("--warm-min", warmMin);
        positive("--spawn-rate", spawnRate);
        positive("--queue", queue);
        positive("--idle-timeout", idleTimeout);
        positive("--health-interval", healthInterval);
        positive("--stuck-after", stuckAfter);
        if (balancer != null && !Balancers.builtIn().containsKey(balancer)) {
            // checked before the builder, whose own check of a blank name is an IllegalArgumentException
            throw new UserError("--balancer: unknown balancer '" + balancer + "'; choose one of "
                    + String.join(", ", Balancers.builtIn().keySet()));
        }
        fileSettings = ConfigFile.read(configFile);
        PoolConfig.Builder b = PoolConfigLoader.load(commandDefaults, fileSettings, Map.of());
        // The command's warm pool is a default too: fit it to the sizes the user gave, as the core
        // fits its seed defaults; warm-pool settings the user gave are taken as they are.
        Integer userMax = maxAgents != null ? maxAgents : fileInt(MAX_AGENTS);
        Integer userWarm = warm != null ? warm : fileInt(WARM_POOL);
        Integer userMin = warmMin != null ? warmMin : fileInt(WARM_POOL_MIN);
        Integer userWarmMax = fileInt(WARM_POOL_MAX);
        int max = or(userMax, commandDefaults.maxAgents());
        int warmMax = userWarmMax != null ? userWarmMax
                : Math.max(Math.min(commandDefaults.warmPoolMax(), max), Math.max(or(userWarm, 0), or(userMin, 0)));
        int lowest = userMin != null ? userMin : Math.min(commandDefaults.warmPoolMin(), or(userWarm, warmMax));
        int w = userWarm != null ? userWarm : Math.max(lowest, Math.min(commandDefaults.warmPool(), warmMax));
        if (userWarm != null && w > max) {
            throw new UserError(name("--warm", WARM_POOL, warm) + " (" + w + ") must be <= " + name("--max-agents",
                    MAX_AGENTS, maxAgents) + " (" + max + "); lower " + setting("--warm", WARM_POOL, warm) + " or raise "
                    + setting("--max-agents", MAX_AGENTS, maxAgents));
        }
        if (userMin != null && lowest > w) {
            throw new UserError(name("--warm-min", WARM_POOL_MIN, warmMin) + " (" + lowest + ") must be <= "
                    + name("--warm", WARM_POOL, warm) + " (" + w + "); raise " + setting("--warm", WARM_POOL, warm)
                    + " or lower " + setting("--warm-min", WARM_POOL_MIN, warmMin));
        }
        if (userMin != null && lowest > max) {
            throw new UserError(name("--warm-min", WARM_POOL_MIN, warmMin) + " (" + lowest + ") must be <= "
                    + name("--max-agents", MAX_AGENTS, maxAgents) + " (" + max + "); lower "
                    + setting("--warm-min", WARM_POOL_MIN, warmMin) + " or raise " + setting("--max-agents", MAX_AGENTS, maxAgents));
        }
        b.warmPoolMin(lowest).warmPoolMax(warmMax).warmPool(w).maxAgents(max);
        if (idleTimeout != null) {
            b.idleTimeout(idleTimeout);
        }
        if (spawnRate != null) {
            b.spawnRate(spawnRate);
        }
        if (healthInterval != null) {
            b.healthInterval(healthInterval);
        }
        if (stuckAfter != null) {
            b.stuckAfter(stuckAfter);
        }
        if (queue != null) {
            b.queueCapacity(queue);
        }
        if (balancer != null) {
            b.balancer(balancer);
        }
        if (preemptPriority != null) {
            b.preemptPriority(preemptPriority);
        }
        if (seed != null) {
            b.seed(seed);
        }
        PoolConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new UserError("invalid pool settings: " + e.getMessage());
        }
        if (!Balancers.builtIn().containsKey(config.balancer())) {
            throw new UserError(name("--balancer", PoolConfigLoader.PREFIX + "balancer", balancer) + ": unknown balancer '"
                    + config.balancer() + "'; choose one of " + String.join(", ", Balancers.builtIn().keySet()));
        }
        return config;
    }

    /** An integer the file sets (already checked by {@link ConfigFile#read}), or null. */
    private Integer fileInt(String key) {
        String v = fileSettings.get(key);
        return v == null ? null : Integer.valueOf(v.strip());
    }

    /**
     * What to change, in a message's advice: the flag, or the file's key when the value came from
     * the file. A setting neither gave (a default) is changed with its flag.
     */
    private String setting(String flag, String key, Object flagValue) {
        return flagValue == null && fileSettings.containsKey(key) ? key + " in the --config file" : flag;
    }

    /** How to name a setting in a message: the flag, unless the value came from the file. */
    private String name(String flag, String key, Object flagValue) {
        return flagValue == null && fileSettings.containsKey(key) ? key + " (--config)" : flag;
    }

    /** The strategy names to run; {@code fallback} when the flag is absent. */
    List<String> strategyNames(List<String> fallback) {
        List<String> given = listOption(mixee, "--spawn-strategy", spawnStrategy, "on-demand,predictive");
        return given == null ? fallback : given;
    }

    /**
     * The names a comma-separated list option was given, stripped, or null when it was not
     * given. An empty item ({@code ,} or {@code a,,b}) is a {@link UserError}: it would
     * otherwise be dropped, and a list of nothing would quietly mean the default or nothing.
     */
    static List<String> listOption(CommandSpec spec, String flag, List<String> given, String example) {
        if (given == null) {
            return null;
        }
        if (given.isEmpty() || given.stream().anyMatch(String::isBlank)) {
            String raw = String.join(",", given);
            if (spec != null && spec.commandLine() != null && spec.commandLine().getParseResult() != null
                    && spec.commandLine().getParseResult().matchedOption(flag) != null) {
                raw = String.join(" ", spec.commandLine().getParseResult().matchedOption(flag).originalStringValues());
            }
            throw new UserError(flag + " has an empty name in '" + raw + "'; give one or more names separated by"
                    + " commas, such as " + flag + " " + example);
        }
        return given.stream().map(String::strip).toList();
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
     * {@code --config}, {@code <label>} (the command's own default) or {@code seed default}.
     */
    List<List<String>> settingsTable(PoolConfig used, PoolConfig commandDefaults, List<String> strategies,
                                     List<String> commandStrategies, String label) {
        PoolConfig seedDefaults = PoolConfig.ofDefaults();
        List<List<String>> rows = new ArrayList<>();
        row(rows, "--max-agents", "max-agents", "DEFAULT_MAX_AGENTS", maxAgents, used, commandDefaults, seedDefaults, c -> String.valueOf(c.maxAgents()), label);
        row(rows, "--warm", "warm-pool", "DEFAULT_WARM_POOL", warm, used, commandDefaults, seedDefaults, c -> String.valueOf(c.warmPool()), label);
        row(rows, "--warm-min", "warm-pool-min", "DEFAULT_WARM_POOL_MIN", warmMin, used, commandDefaults, seedDefaults, c -> String.valueOf(c.warmPoolMin()), label);
        row(rows, "--idle-timeout", "idle-timeout", "DEFAULT_IDLE_TIMEOUT", idleTimeout, used, commandDefaults, seedDefaults, c -> DurationConverter.format(c.idleTimeout()), label);
        row(rows, "--spawn-rate", "spawn-rate", "DEFAULT_SPAWN_RATE", spawnRate, used, commandDefaults, seedDefaults, c -> c.spawnRate() + "/s", label);
        row(rows, "--health-interval", "health-interval", "DEFAULT_HEALTH_INTERVAL", healthInterval, used, commandDefaults, seedDefaults, c -> DurationConverter.format(c.healthInterval()), label);
        row(rows, "--stuck-after", "stuck-after", "DEFAULT_STUCK_AFTER", stuckAfter, used, commandDefaults, seedDefaults, c -> DurationConverter.format(c.stuckAfter()), label);
        row(rows, "--queue", "queue-capacity", "DEFAULT_QUEUE_CAPACITY", queue, used, commandDefaults, seedDefaults, c -> String.valueOf(c.queueCapacity()), label);
        row(rows, "--balancer", "balancer", "DEFAULT_BALANCER", balancer, used, commandDefaults, seedDefaults, PoolConfig::balancer, label);
        row(rows, "--preempt-priority", "preempt-priority", "DEFAULT_PREEMPT_PRIORITY", preemptPriority, used, commandDefaults, seedDefaults, c -> String.valueOf(c.preemptPriority()), label);
        row(rows, "--seed", "seed", null, seed, used, commandDefaults, seedDefaults, c -> String.valueOf(c.seed()), label);
        String pooled = String.join(",", SpawnStrategies.POOL_DEFAULT);
        String given = String.join(",", strategies);
        String source = spawnStrategy != null ? "flag" : commandStrategies.equals(SpawnStrategies.POOL_DEFAULT)
                ? "seed default" : label;
        rows.add(List.of("--spawn-strategy", given, pooled + " (builder default)", source));
        return rows;
    }

    private void row(List<List<String>> rows, String flag, String key, String constant, Object flagValue, PoolConfig used,
                     PoolConfig commandDefaults, PoolConfig seed, Function<PoolConfig, String> show, String label) {
        String value = show.apply(used);
        String dflt = show.apply(seed);
        String source = flagValue != null ? "flag" : fileSettings.containsKey(PoolConfigLoader.PREFIX + key) ? "--config"
                : value.equals(dflt) ? "seed default" : label;
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
