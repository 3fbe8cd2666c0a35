package io.trinity.pool;

import io.trinity.pool.balance.BalancerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The {@code trinity.pool.*} keys: one for every plain-valued setting of
 * {@link PoolConfig.Builder}, in kebab case ({@code maxAgents} is {@code trinity.pool.max-agents}),
 * and the environment variable that overrides each ({@code TRINITY_POOL_MAX_AGENTS}).
 * {@link #keys()} lists them with their defaults; docs/configuration.md has the same table.
 *
 * <p>Values: whole numbers, decimals with a dot, {@code fail-fast}/{@code wait} for the circuit
 * mode, and durations in the project's one grammar ({@link Durations}: {@code 250ms},
 * {@code 1.5s}, {@code 2m}, {@code PT30S}). Keys outside {@code trinity.pool.} are ignored, so
 * a whole application's properties can be passed; an unknown key inside it is refused with the
 * closest valid key, since a typo silently falling back to a default is the worst outcome.
 * Every error names the key (or variable) and the value.
 *
 * <p>Tenants, resource limits and prices are structured values and are set on the builder that
 * {@link PoolConfig#from(Map)} returns.
 */
public final class PoolConfigLoader {

    /** Prefix of every key. */
    public static final String PREFIX = "trinity.pool.";
    /** Prefix of every overriding environment variable. */
    public static final String ENV_PREFIX = "TRINITY_POOL_";
    private static final String BALANCER_KEY = PREFIX + "balancer";
    /** What the loader calls a whole number: ASCII digits, an optional sign. */
    private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile("[+-]?[0-9]+");

    /**
     * One documented key.
     *
     * @param name         the full key, such as {@code trinity.pool.max-agents}
     * @param env          the variable that overrides it, such as {@code TRINITY_POOL_MAX_AGENTS}
     * @param setting      the {@link PoolConfig.Builder} method it sets
     * @param kind         what it takes: {@code integer}, {@code decimal}, {@code duration}, ...
     * @param defaultValue the seed default, written as the key takes it
     * @param meaning      one line on what it does
     */
    public record Key(String name, String env, String setting, String kind, String defaultValue, String meaning) {
    }

    /** What entries write to: the builder, and the balancer tunables gathered one component at a time. */
    private static final class Target {
        final PoolConfig.Builder builder;
        BalancerSettings balancer;
        boolean balancerSet;

        Target(PoolConfig base) {
            builder = PoolConfig.from(base);
            balancer = base.balancerSettings();
        }

        void balancer(BalancerSettings b) {
            balancer = b;
            balancerSet = true;
        }
    }

    private record Entry(Key key, BiConsumer<Target, String> apply) {
    }

    private static final Map<String, Entry> ENTRIES = entries();

    private PoolConfigLoader() {
    }

    /** {@return every key with its variable, kind and default, in the order of the documentation; immutable} */
    public static List<Key> keys() {
        return ENTRIES.values().stream().map(Entry::key).toList();
    }

    /**
     * Names the environment variable that overrides a key: upper case, with dots and dashes as
     * underscores. The key is not checked against {@link #keys()}.
     *
     * @param key a key, such as {@code trinity.pool.max-agents}; not null
     * @return its variable, such as {@code TRINITY_POOL_MAX_AGENTS}
     */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * A builder from {@code properties}, with the {@code TRINITY_POOL_*} variables of {@code env}
     * overriding them (a blank variable counts as unset), over the seed defaults.
     *
     * @param properties settings by key; keys outside {@code trinity.pool.} are ignored and a key
     *     with a null value counts as unset; not null
     * @param env        environment variables, such as {@code System.getenv()}; those outside
     *     {@code TRINITY_POOL_} are ignored; not null
     * @return a new builder holding the settings given, for further settings (tenants, limits,
     *     prices) before {@link PoolConfig.Builder#build()}
     * @throws IllegalArgumentException for an unknown key or variable (naming the closest valid
     *     one), or a bad value (naming the key or variable and the value)
     * @throws NullPointerException if {@code properties} or {@code env} is null
     */
    public static PoolConfig.Builder load(Map<String, String> properties, Map<String, String> env) {
        return load(PoolConfig.ofDefaults(), properties, env);
    }

    /**
     * {@link #load(Map, Map)} over {@code base} instead of the seed defaults: the keys given
     * replace base's settings, the others keep base's values.
     *
     * @param base       the settings to start from, not null
     * @param properties settings by key, as for {@link #load(Map, Map)}; not null
     * @param env        environment variables, as for {@link #load(Map, Map)}; not null
     * @return a new builder holding base's settings with the given ones applied
     * @throws IllegalArgumentException for an unknown key or variable (naming the closest valid
     *     one), or a bad value (naming the key or variable and the value)
     * @throws NullPointerException if an argument is null
     */
    public static PoolConfig.Builder load(PoolConfig base, Map<String, String> properties, Map<String, String> env) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(env, "env");
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        new TreeMap<>(properties).forEach((k, v) -> {
            if (k != null && k.startsWith(PREFIX)) {
                entry(k, k);
                values.put(k, v);
                sources.put(k, k);
            }
        });
        new TreeMap<>(env).forEach((var, v) -> {
            if (var != null && var.startsWith(ENV_PREFIX) && v != null && !v.isBlank()) {
                Entry e = ENTRIES.values().stream().filter(x -> x.key().env().equals(var)).findFirst()
                        .orElseThrow(() -> unknown(var, ENTRIES.values().stream().map(x -> x.key().env()).toList()));
                values.put(e.key().name(), v);
                sources.put(e.key().name(), var + " (overriding " + e.key().name() + ")");
            }
        });
        Target t = new Target(base);
        for (Entry e : ENTRIES.values()) {
            String raw = values.get(e.key().name());
            if (raw == null) {
                continue;
            }
            String source = sources.get(e.key().name());
            if (raw.isBlank()) {
                throw new IllegalArgumentException(source + " is empty; give " + aKind(e.key().kind())
                        + " such as " + e.key().defaultValue() + ", or remove it to use the default");
            }
            try {
                e.apply().accept(t, raw.strip());
            } catch (IllegalArgumentException ex) {
                String why = e.key().kind().equals("duration") ? asWritten(ex.getMessage(), raw.strip()) : ex.getMessage();
                throw new IllegalArgumentException(source + ": " + why, ex);
            }
            if (e.key().name().equals(BALANCER_KEY)) {
                // Custom balancers are registered on the PoolBuilder, so the name is checked when the
                // pool is built: that message names where it came from.
                t.builder.balancerSource(source);
            }
        }
        if (t.balancerSet) {
            t.builder.balancerSettings(t.balancer);
        }
        return t.builder;
    }

    /**
     * Copies the string entries of a {@link Properties}, for {@link #load(Map, Map)}.
     *
     * @param properties the properties, its defaults included; null gives an empty map
     * @return a new map of every entry whose key and value are strings
     */
    public static Map<String, String> strings(Properties properties) {
        Map<String, String> m = new LinkedHashMap<>();
        if (properties != null) {
            for (String name : properties.stringPropertyNames()) {
                m.put(name, properties.getProperty(name));
            }
        }
        return m;
    }

    private static Entry entry(String given, String source) {
        Entry e = ENTRIES.get(given);
        if (e == null) {
            throw unknown(source, List.copyOf(ENTRIES.keySet()));
        }
        return e;
    }

    private static IllegalArgumentException unknown(String given, List<String> valid) {
        String g = canonical(given);
        // A key cut short (warm for warm-pool) is the likeliest slip, then the fewest edits.
        String closest = valid.stream().min(Comparator
                .comparingInt((String v) -> canonical(v).startsWith(g) || g.startsWith(canonical(v)) ? 0 : 1)
                .thenComparingInt(v -> distance(g, canonical(v)))
                .thenComparing(Function.identity())).orElseThrow();
        return new IllegalArgumentException("unknown setting " + given + "; did you mean " + closest
                + "? (every key is listed in docs/configuration.md)");
    }

    /** Case, dashes, dots and underscores do not count, so {@code maxAgents} finds {@code max-agents}. */
    private static String canonical(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[-._]", "");
    }

    /** Levenshtein distance; keys are short, so the quadratic table is nothing. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }

    // ---- the table ----

    private static Map<String, Entry> entries() {
        PoolConfig d = PoolConfig.ofDefaults();
        BalancerSettings bd = BalancerSettings.DEFAULTS;
        List<Entry> l = new ArrayList<>();
        integer(l, "max-agents", "maxAgents", d.maxAgents(), "most live agents, counting SPAWNING and DESTROYING ones",
                PoolConfig.Builder::maxAgents);
        integer(l, "warm-pool", "warmPool", d.warmPool(), "agents kept READY for the next task (fitted to max-agents unless set)",
                PoolConfig.Builder::warmPool);
        integer(l, "warm-pool-min", "warmPoolMin", d.warmPoolMin(), "lowest warm pool the pool adapts down to",
                PoolConfig.Builder::warmPoolMin);
        integer(l, "warm-pool-max", "warmPoolMax", d.warmPoolMax(), "highest warm pool the pool adapts up to (fitted to max-agents unless set)",
                PoolConfig.Builder::warmPoolMax);
        duration(l, "idle-timeout", "idleTimeout", d.idleTimeout(), "an agent idle this long is destroyed",
                PoolConfig.Builder::idleTimeout);
        integer(l, "spawn-rate", "spawnRate", d.spawnRate(), "most spawns in any one second",
                PoolConfig.Builder::spawnRate);
        duration(l, "health-interval", "healthInterval", d.healthInterval(), "how often the health monitor runs",
                PoolConfig.Builder::healthInterval);
        duration(l, "stuck-after", "stuckAfter", d.stuckAfter(), "a busy agent silent this long is stuck",
                PoolConfig.Builder::stuckAfter);
        integer(l, "queue-capacity", "queueCapacity", d.queueCapacity(), "most pending tasks; a full queue refuses at once",
                PoolConfig.Builder::queueCapacity);
        add(l, "balancer", "balancer", "name", d.balancer(),
                "default balancer: round-robin, least-loaded, skill-aware, affinity or a registered one",
                (t, v) -> t.builder.balancer(v)); // checked at pool build, naming its source (see load)
        integer(l, "max-attempts", "maxAttempts", d.maxAttempts(), "attempts per task before it is dead-lettered",
                PoolConfig.Builder::maxAttempts);
        duration(l, "retry-backoff", "retryBackoff", d.retryBackoff(), "first delay before a retry, doubled each time",
                PoolConfig.Builder::retryBackoff);
        duration(l, "retry-backoff-max", "retryBackoffMax", d.retryBackoffMax(), "longest delay before a retry",
                PoolConfig.Builder::retryBackoffMax);
        duration(l, "aging-step", "agingStep", d.agingStep(), "a waiting task gains one priority point per step",
                PoolConfig.Builder::agingStep);
        duration(l, "scale-interval", "scaleInterval", d.scaleInterval(), "how often the scaler decides",
                PoolConfig.Builder::scaleInterval);
        decimal(l, "target-utilization", "targetUtilization", d.targetUtilization(), "busy share the scaler aims at, in (0, 1]",
                PoolConfig.Builder::targetUtilization);
        duration(l, "target-wait", "targetWait", d.targetWait(), "queue wait 99% of a steady flow's tasks are sized to stay under",
                PoolConfig.Builder::targetWait);
        duration(l, "scale-down-window", "scaleDownWindow", d.scaleDownWindow(), "demand must stay low this long before scaling down",
                PoolConfig.Builder::scaleDownWindow);
        duration(l, "restart-backoff", "restartBackoff", d.restartBackoff(), "first delay before replacing a failed agent",
                PoolConfig.Builder::restartBackoff);
        duration(l, "restart-backoff-max", "restartBackoffMax", d.restartBackoffMax(), "longest delay before replacing a failed agent",
                PoolConfig.Builder::restartBackoffMax);
        integer(l, "restart-intensity", "restartIntensity", d.restartIntensity(), "failures within restart-window that open a type's circuit",
                PoolConfig.Builder::restartIntensity);
        duration(l, "restart-window", "restartWindow", d.restartWindow(), "the window restart-intensity counts in",
                PoolConfig.Builder::restartWindow);
        add(l, "circuit-mode", "circuitMode", "fail-fast or wait", wire(d.circuitMode()),
                "tasks of a type whose circuit is open fail at once or wait",
                (t, v) -> t.builder.circuitMode(circuitMode(v)));
        integer(l, "preempt-priority", "preemptPriority", d.preemptPriority(), "tasks at least this urgent may preempt running work",
                PoolConfig.Builder::preemptPriority);
        duration(l, "stats-interval", "statsInterval", d.statsInterval(), "how often a pool.stats event is emitted",
                PoolConfig.Builder::statsInterval);
        integer(l, "quality-window", "qualityWindow", d.qualityWindow(), "recent results per agent the quality trend looks at",
                PoolConfig.Builder::qualityWindow);
        decimal(l, "quality-margin", "qualityMargin", d.qualityMargin(), "how far below its type an agent may fall before it is replaced",
                PoolConfig.Builder::qualityMargin);
        add(l, "seed", "seed", "integer", String.valueOf(d.seed()), "seed of the pool's randomness, so runs replay",
                (t, v) -> t.builder.seed(parseLong(v)));
        duration(l, "fairness-credit", "fairnessCredit", d.fairnessCredit(), "agent time a tenant back from idle may take ahead",
                PoolConfig.Builder::fairnessCredit);
        duration(l, "circuit-max-wait", "circuitMaxWait", d.circuitMaxWait(),
                "in wait mode, how long a task waits on the open circuit of a type that cannot start",
                PoolConfig.Builder::circuitMaxWait);
        integer(l, "max-rate-limit-requeues", "maxRateLimitRequeues", d.maxRateLimitRequeues(),
                "provider refusals (429) a task may meet before it fails", PoolConfig.Builder::maxRateLimitRequeues);
        integer(l, "dead-letter-max", "deadLetterMax", d.deadLetterMax(), "dead letters kept; the oldest is evicted beyond it",
                PoolConfig.Builder::deadLetterMax);
        duration(l, "dead-letter-retention", "deadLetterRetention", d.deadLetterRetention(),
                "age at which a dead letter is evicted", PoolConfig.Builder::deadLetterRetention);
        integer(l, "listener-buffer", "listenerBuffer", d.listenerBuffer(),
                "events a listener may fall behind before its events are dropped", PoolConfig.Builder::listenerBuffer);
        add(l, "affinity-load-factor", "balancerSettings.affinityLoadFactor", "decimal", fmt(bd.affinityLoadFactor()),
                "affinity: an agent takes at most this times the average load",
                (t, v) -> t.balancer(new BalancerSettings(parseDouble(v), t.balancer.affinityTtl(), t.balancer.affinityMaxBindings(),
                        t.balancer.powerOfTwoThreshold(), t.balancer.skillHalfLife(), t.balancer.skillExploration(),
                        t.balancer.affinityDelayFactor(), t.balancer.affinityMaxDelay())));
        add(l, "affinity-ttl", "balancerSettings.affinityTtl", "duration", Durations.format(bd.affinityTtl()),
                "affinity: a binding unused this long is forgotten",
                (t, v) -> t.balancer(new BalancerSettings(t.balancer.affinityLoadFactor(), Durations.parse(v),
                        t.balancer.affinityMaxBindings(), t.balancer.powerOfTwoThreshold(), t.balancer.skillHalfLife(),
                        t.balancer.skillExploration(),
                        t.balancer.affinityDelayFactor(), t.balancer.affinityMaxDelay())));
        add(l, "affinity-max-bindings", "balancerSettings.affinityMaxBindings", "integer", String.valueOf(bd.affinityMaxBindings()),
                "affinity: most bindings kept; least recently used go first",
                (t, v) -> t.balancer(new BalancerSettings(t.balancer.affinityLoadFactor(), t.balancer.affinityTtl(), parseInt(v),
                        t.balancer.powerOfTwoThreshold(), t.balancer.skillHalfLife(), t.balancer.skillExploration(),
                        t.balancer.affinityDelayFactor(), t.balancer.affinityMaxDelay())));
        add(l, "power-of-two-threshold", "balancerSettings.powerOfTwoThreshold", "integer", String.valueOf(bd.powerOfTwoThreshold()),
                "least-loaded: sample two agents once this many are eligible",
                (t, v) -> t.balancer(new BalancerSettings(t.balancer.affinityLoadFactor(), t.balancer.affinityTtl(),
                        t.balancer.affinityMaxBindings(), parseInt(v), t.balancer.skillHalfLife(), t.balancer.skillExploration(),
                        t.balancer.affinityDelayFactor(), t.balancer.affinityMaxDelay())));
        add(l, "skill-half-life", "balancerSettings.skillHalfLife", "duration", Durations.format(bd.skillHalfLife()),
                "skill-aware: observations lose half their weight after this long",
                (t, v) -> t.balancer(new BalancerSettings(t.balancer.affinityLoadFactor(), t.balancer.affinityTtl(),
                        t.balancer.affinityMaxBindings(), t.balancer.powerOfTwoThreshold(), Durations.parse(v),
                        t.balancer.skillExploration(),
                        t.balancer.affinityDelayFactor(), t.balancer.affinityMaxDelay())));
        add(l, "skill-exploration", "balancerSettings.skillExploration", "decimal", fmt(bd.skillExploration()),
                "skill-aware: chance of trying a random agent, 0 to 0.5",
                (t, v) -> t.balancer(new BalancerSettings(t.balancer.affinityLoadFactor(), t.balancer.affinityTtl(),
                        t.balancer.affinityMaxBindings(), t.balancer.powerOfTwoThreshold(), t.balancer.skillHalfLife(),
                        parseDouble(v),
                        t.balancer.affinityDelayFactor(), t.balancer.affinityMaxDelay())));
        add(l, "affinity-delay-factor", "balancerSettings.affinityDelayFactor", "decimal", fmt(bd.affinityDelayFactor()),
                "affinity: a keyed task waits for its busy agent up to this many mean run times; 0 never waits",
                (t, v) -> t.balancer(t.balancer.withAffinityDelay(parseDouble(v), t.balancer.affinityMaxDelay())));
        add(l, "affinity-max-delay", "balancerSettings.affinityMaxDelay", "duration", Durations.format(bd.affinityMaxDelay()),
                "affinity: the longest wait for a key's busy agent; 0 never waits",
                (t, v) -> t.balancer(t.balancer.withAffinityDelay(t.balancer.affinityDelayFactor(), Durations.parse(v))));
        Map<String, Entry> m = new LinkedHashMap<>();
        l.forEach(e -> m.put(e.key().name(), e));
        return m;
    }

    private static void add(List<Entry> l, String suffix, String setting, String kind, String dflt, String meaning,
                            BiConsumer<Target, String> apply) {
        String name = PREFIX + suffix;
        l.add(new Entry(new Key(name, envName(name), setting, kind, dflt, meaning), apply));
    }

    private static void integer(List<Entry> l, String suffix, String setting, int dflt, String meaning,
                                BiConsumer<PoolConfig.Builder, Integer> set) {
        add(l, suffix, setting, "integer", String.valueOf(dflt), meaning, (t, v) -> set.accept(t.builder, parseInt(v)));
    }

    private static void decimal(List<Entry> l, String suffix, String setting, double dflt, String meaning,
                                BiConsumer<PoolConfig.Builder, Double> set) {
        add(l, suffix, setting, "decimal", fmt(dflt), meaning, (t, v) -> set.accept(t.builder, parseDouble(v)));
    }

    private static void duration(List<Entry> l, String suffix, String setting, Duration dflt, String meaning,
                                 BiConsumer<PoolConfig.Builder, Duration> set) {
        add(l, suffix, setting, "duration", Durations.format(dflt), meaning,
                (t, v) -> set.accept(t.builder, Durations.parse(v)));
    }

    /**
     * A setting's refusal of a duration shows the value as {@link Duration#toString()} ({@code
     * got PT0S}); the reader wrote {@code 0s}, so the message shows that instead.
     */
    private static String asWritten(String message, String written) {
        try {
            String parsed = "(got " + Durations.parse(written) + ")";
            if (message.contains(parsed)) {
                return message.replace(parsed, "(got '" + written + "')");
            }
        } catch (IllegalArgumentException notParsed) {
            // the parse's own message, which quotes the text already
        }
        return message;
    }

    /** A kind as the empty-value message says it: "an integer", "a duration", "fail-fast or wait". */
    private static String aKind(String kind) {
        if (kind.contains(" or ")) {
            return kind;
        }
        return ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
    }

    private static int parseInt(String v) {
        return (int) parseWhole(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private static long parseLong(String v) {
        return parseWhole(v, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A whole number within [min, max]; one outside is called out of range, not "not a whole number". */
    private static long parseWhole(String v, long min, long max) {
        if (!WHOLE.matcher(v).matches()) {
            throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
        java.math.BigInteger n = new java.math.BigInteger(v);
        if (n.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
            throw new IllegalArgumentException("'" + v + "' is too large; the largest whole number this setting can"
                    + " hold is " + max);
        }
        if (n.compareTo(java.math.BigInteger.valueOf(min)) < 0) {
            throw new IllegalArgumentException("'" + v + "' is too small; the smallest whole number this setting can"
                    + " hold is " + min);
        }
        return n.longValueExact();
    }

    private static double parseDouble(String v) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d) && !v.endsWith("d") && !v.endsWith("D") && !v.endsWith("f") && !v.endsWith("F")) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + v + "' is not a decimal number such as 0.75");
    }

    private static PoolConfig.CircuitMode circuitMode(String v) {
        for (PoolConfig.CircuitMode m : PoolConfig.CircuitMode.values()) {
            if (wire(m).equals(v.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + v + "' is not a circuit mode; write fail-fast or wait");
    }

    private static String wire(PoolConfig.CircuitMode m) {
        return m.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String fmt(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
