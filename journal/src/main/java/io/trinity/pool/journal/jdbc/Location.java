package io.trinity.pool.journal.jdbc;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where a journal lives, parsed from the one string a user gives ({@code --journal}).
 *
 * @param dialect the database kind
 * @param jdbcUrl the URL to connect with
 * @param name    how messages name it: the file path, or the URL with its password hidden
 * @param file    the SQLite file, or null
 * @param schema  the PostgreSQL schema named by {@code currentSchema}, or null for the default
 */
record Location(Dialect dialect, String jdbcUrl, String name, Path file, String schema) {

    static final String FORMS = "a file path, jdbc:sqlite:PATH, jdbc:postgresql://HOST:PORT/DB?user=U&password=P, or none";

    /** Up to the next parameter or white space, so a whole message can be redacted without losing the words after a URL. */
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;\\s]*");

    /** Parses a journal spec; empty for {@code none} (in memory). */
    static Optional<Location> parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("journal must be " + FORMS + " (got " + (spec == null ? "null" : "a blank string") + ")");
        }
        String s = spec.strip();
        if (s.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return Optional.of(new Location(Dialect.POSTGRESQL, s, redact(s), null, pgSchema(s)));
        }
        if (lower.startsWith("jdbc:sqlite:")) {
            String path = s.substring("jdbc:sqlite:".length());
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            if (path.startsWith("file:")) {
                path = path.substring("file:".length());
            }
            return Optional.of(sqlite(path, spec));
        }
        if (lower.startsWith("jdbc:")) {
            throw new IllegalArgumentException("journal URL " + redact(s) + " is not supported; use " + FORMS);
        }
        return Optional.of(sqlite(s, spec));
    }

    private static Location sqlite(String path, String spec) {
        if (path.isBlank() || path.contains(":memory:") || path.contains("mode=memory")) {
            throw new IllegalArgumentException("journal " + redact(spec) + " is not a file; use --journal none for a pool"
                    + " kept in memory, or give a file path");
        }
        Path file = Path.of(path).toAbsolutePath().normalize();
        return new Location(Dialect.SQLITE, "jdbc:sqlite:" + file, path, file, null);
    }

    static String redact(String url) {
        return PASSWORD.matcher(url).replaceAll("$1***");
    }

    private static String pgSchema(String url) {
        Properties p = org.postgresql.Driver.parseURL(url, new Properties());
        if (p == null) {
            throw new IllegalArgumentException("journal URL " + redact(url) + " is not a valid PostgreSQL URL;"
                    + " write it as jdbc:postgresql://HOST:PORT/DB?user=U&password=P");
        }
        String schema = p.getProperty("currentSchema");
        if (schema != null && schema.contains(",")) {
            throw new IllegalArgumentException("journal URL " + redact(url) + " names several schemas (currentSchema="
                    + schema + "); name the one schema the journal lives in");
        }
        return schema == null || schema.isBlank() ? null : schema;
    }
}
