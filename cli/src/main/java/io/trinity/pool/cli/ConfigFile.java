package io.trinity.pool.cli;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolConfigLoader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads {@code tri --config FILE}: a properties file of {@code trinity.pool.*} keys, the same
 * keys {@link PoolConfig#from(Properties)} reads, so one file serves the CLI and a library.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * The file's settings by key, checked (unknown keys and bad values are refused naming the
     * file, key and value); empty without a file.
     */
    static Map<String, String> read(Path file) {
        if (file == null) {
            return Map.of();
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError("--config: file not found: " + file);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("--config " + file + ": cannot read it as a properties file (" + e.getMessage() + ")");
        }
        Map<String, String> settings = new TreeMap<>(PoolConfigLoader.strings(p));
        for (String key : settings.keySet()) {
            // A library ignores other keys (they belong to the application); this file holds pool settings only.
            if (!key.startsWith(PoolConfigLoader.PREFIX)) {
                throw new UserError("--config " + file + ": '" + key + "' is not a pool setting; every key starts with "
                        + PoolConfigLoader.PREFIX + " (such as " + PoolConfigLoader.PREFIX + "max-agents), see docs/configuration.md");
            }
        }
        try {
            PoolConfig.from(settings);
        } catch (IllegalArgumentException e) {
            throw new UserError("--config " + file + ": " + e.getMessage());
        }
        return settings;
    }
}
