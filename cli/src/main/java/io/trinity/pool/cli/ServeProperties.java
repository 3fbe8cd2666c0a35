package io.trinity.pool.cli;

import io.trinity.pool.PoolConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;

/**
 * The {@code --config FILE} of {@code tri serve}: a properties file of pool settings under
 * {@code trinity.pool.}, named as in docs/configuration.md ({@code trinity.pool.maxAgents=8},
 * {@code trinity.pool.idleTimeout=30s}; {@code max-agents} spellings work too). Other keys are
 * left alone; an unknown {@code trinity.pool.} key or a bad value is a {@link UserError}.
 * (Until the CLI's shared --config lands; then serve reads it the same way spawn does.)
 */
final class ServeProperties {

    static final String PREFIX = "trinity.pool.";

    private static final Map<String, BiConsumer<PoolConfig.Builder, String>> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("maxAgents", (b, v) -> b.maxAgents(whole(v)));
        SETTINGS.put("warmPool", (b, v) -> b.warmPool(whole(v)));
        SETTINGS.put("warmPoolMin", (b, v) -> b.warmPoolMin(whole(v)));
        SETTINGS.put("warmPoolMax", (b, v) -> b.warmPoolMax(whole(v)));
        SETTINGS.put("idleTimeout", (b, v) -> b.idleTimeout(duration(v)));
        SETTINGS.put("spawnRate", (b, v) -> b.spawnRate(whole(v)));
        SETTINGS.put("healthInterval", (b, v) -> b.healthInterval(duration(v)));
        SETTINGS.put("stuckAfter", (b, v) -> b.stuckAfter(duration(v)));
        SETTINGS.put("queueCapacity", (b, v) -> b.queueCapacity(whole(v)));
        SETTINGS.put("balancer", PoolConfig.Builder::balancer);
        SETTINGS.put("maxAttempts", (b, v) -> b.maxAttempts(whole(v)));
        SETTINGS.put("retryBackoff", (b, v) -> b.retryBackoff(duration(v)));
        SETTINGS.put("preemptPriority", (b, v) -> b.preemptPriority(whole(v)));
        SETTINGS.put("statsInterval", (b, v) -> b.statsInterval(duration(v)));
        SETTINGS.put("deadLetterMax", (b, v) -> b.deadLetterMax(whole(v)));
        SETTINGS.put("seed", (b, v) -> b.seed(Long.parseLong(v.trim())));
    }

    private ServeProperties() {
    }

    /** {@code base} with the settings of {@code file} applied. */
    static PoolConfig apply(Path file, PoolConfig base) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("--config: file not found: " + file + " (a properties file of trinity.pool.* settings)");
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("--config: cannot read " + file + " (" + e.getMessage() + ")", e);
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String name = canonical(key.substring(PREFIX.length()));
            if (name == null) {
                throw new UserError("--config " + file + ": unknown setting " + key + "; known: " + PREFIX + "{"
                        + String.join(",", SETTINGS.keySet()) + "}");
            }
            given.put(name, p.getProperty(key));
        }
        PoolConfig.Builder b = PoolConfig.from(base);
        if (given.containsKey("maxAgents") && !given.containsKey("warmPoolMax")) {
            // as the --max-agents flag does: a smaller pool shrinks the warm pool's bounds with it
            set(file, b, "maxAgents", given.get("maxAgents"), SETTINGS.get("maxAgents"));
            int max = whole(given.get("maxAgents"));
            int warmMax = Math.min(base.warmPoolMax(), max);
            b.warmPoolMax(warmMax).warmPoolMin(Math.min(base.warmPoolMin(), warmMax))
                    .warmPool(Math.min(base.warmPool(), warmMax));
        }
        given.forEach((name, value) -> set(file, b, name, value, SETTINGS.get(name)));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UserError("--config " + file + ": " + e.getMessage(), e);
        }
    }

    /** The setting's name as docs/configuration.md spells it, or null if there is none. */
    private static String canonical(String name) {
        String wanted = name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        for (String known : SETTINGS.keySet()) {
            if (known.toLowerCase(Locale.ROOT).equals(wanted)) {
                return known;
            }
        }
        return null;
    }

    private static void set(Path file, PoolConfig.Builder b, String name, String value,
                              BiConsumer<PoolConfig.Builder, String> setter) {
        try {
            setter.accept(b, value);
        } catch (RuntimeException e) {
            throw new UserError("--config " + file + ": " + PREFIX + name + "=" + value + ": " + e.getMessage(), e);
        }
    }

    private static int whole(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number");
        }
    }

    private static Duration duration(String v) {
        return DurationConverter.parse(v);
    }
}
