package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Reads a journal without owning it, for {@code tri journal stats} and {@code tri journal export}:
 * no lock taken, no migration run, nothing written, so it works beside a running pool (SQLite's
 * WAL lets a reader in while the pool writes) and never creates a file that is not there.
 */
public final class JournalInspector implements AutoCloseable {

    static final List<String> STATES = List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT",
            "CANCELLED", "DEAD_LETTERED");

    private final Location location;
    private final Connection connection;
    private final int schemaVersion;

    private JournalInspector(Location location, Connection connection, int schemaVersion) {
        this.location = location;
        this.connection = connection;
        this.schemaVersion = schemaVersion;
    }

    /** Opens {@code spec} (a file path, {@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}) for reading. */
    public static JournalInspector open(String spec) {
        Location location = Location.parse(spec).orElseThrow(() -> new IllegalArgumentException(
                "journal 'none' keeps nothing to look into; give a file path or a jdbc:postgresql:// URL"));
        Connection c;
        try {
            c = connect(location);
        } catch (SQLException e) {
            throw location.dialect() == Dialect.SQLITE ? SqliteCheck.failure(location, e)
                    : Failures.open(location.name(), "connecting", e);
        }
        try {
            if (location.dialect() == Dialect.SQLITE) {
                SqliteCheck.inspect(c, location); // the diagnosis a pool opening this file gives
            }
            if (!hasTable(c, "tasks") || !hasTable(c, Migrations.HISTORY)) {
                throw new JournalException("journal " + location.name() + " holds no Trinity journal (no tasks table"
                        + " or schema history); check the path or URL");
            }
            return new JournalInspector(location, c, version(c));
        } catch (SQLException e) {
            close(c);
            throw Failures.read(location.name(), e);
        } catch (RuntimeException e) {
            close(c);
            throw e;
        }
    }

    private static Connection connect(Location location) throws SQLException {
        if (location.dialect() == Dialect.POSTGRESQL) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(location.jdbcUrl());
            return ds.getConnection();
        }
        if (!Files.exists(location.file())) {
            throw new JournalException("no journal at " + location.name() + " (the file does not exist); check the path");
        }
        SqliteFile.checkHeader(location.file(), location.name()); // refuses a folder and a file that is not SQLite
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(location.jdbcUrl());
        return ds.getConnection();
    }

    private static boolean hasTable(Connection c, String table) {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE 1 = 0");
             ResultSet rs = ps.executeQuery()) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static int version(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + Migrations.HISTORY
                + " WHERE success = TRUE AND version IS NOT NULL ORDER BY installed_rank DESC");
             ResultSet rs = ps.executeQuery()) {
            int v = 0;
            while (rs.next()) {
                v = Math.max(v, Integer.parseInt(rs.getString(1).split("\\.")[0]));
            }
            return v;
        }
    }

    /** The journal's name in messages: its path, or its URL with the password hidden. */
    public String name() {
        return location.name();
    }

    /** Counts, ages and sizes; see {@link JournalStats}. */
    public JournalStats stats() {
        try {
            Map<String, Long> byState = new LinkedHashMap<>();
            Map<String, Long> raw = new LinkedHashMap<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT state, COUNT(*) FROM tasks GROUP BY state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    raw.put(rs.getString(1), rs.getLong(2));
                }
            }
            STATES.forEach(s -> {
                if (raw.containsKey(s)) {
                    byState.put(s, raw.remove(s));
                }
            });
            byState.putAll(raw);
            long[] oldest = longs("SELECT id, enqueued_at FROM tasks WHERE ended_at = 0 AND state = 'QUEUED'"
                    + " ORDER BY enqueued_at, id LIMIT 1", 2);
            long[] ends = longs("SELECT MIN(ended_at), MAX(ended_at) FROM tasks WHERE ended_at > 0", 2);
            long deadLetters = longs("SELECT COUNT(*) FROM tasks WHERE dead_letter = TRUE", 1)[0];
            long snapshots = longs("SELECT COUNT(*) FROM snapshots", 1)[0];
            long maxId = longs("SELECT MAX(v) FROM (SELECT COALESCE(MAX(id), 0) AS v FROM tasks"
                    + " UNION ALL SELECT value AS v FROM journal_meta WHERE name = 'max_task_id') m", 1)[0];
            long size;
            long dbSize;
            if (location.dialect() == Dialect.SQLITE) {
                size = fileSize(location.file()) + fileSize(Path.of(location.file() + "-wal"));
                dbSize = size;
            } else {
                size = longs("SELECT pg_total_relation_size('tasks') + pg_total_relation_size('snapshots')"
                        + " + pg_total_relation_size('journal_meta') + pg_total_relation_size('"
                        + Migrations.HISTORY + "')", 1)[0];
                dbSize = longs("SELECT pg_database_size(current_database())", 1)[0];
            }
            return new JournalStats(location.name(), location.dialect() == Dialect.SQLITE ? "SQLite" : "PostgreSQL",
                    schemaVersion, byState, deadLetters, oldest[0], oldest[1], ends[0], ends[1], snapshots, maxId,
                    size, dbSize);
        } catch (SQLException e) {
            throw Failures.read(location.name(), e);
        }
    }

    /**
     * Writes what the journal holds as event-log JSON Lines (see {@link EventExport} for what it
     * can and cannot reconstruct); returns the number of lines.
     */
    public long export(Appendable out) throws IOException {
        try {
            return new EventExport(connection).write(out);
        } catch (SQLException e) {
            throw Failures.read(location.name(), e);
        } catch (IllegalStateException e) { // a row whose JSON does not parse
            throw new JournalException("journal " + location.name() + " cannot be exported: "
                    + e.getMessage().replaceFirst("^journal ", "it ") + "; it was left as it was: restore a backup", e);
        }
    }

    /** The schema version recorded in the journal. */
    public int schemaVersion() {
        return schemaVersion;
    }

    private long[] longs(String sql, int n) throws SQLException {
        long[] out = new long[n];
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                for (int i = 0; i < n; i++) {
                    out[i] = rs.getLong(i + 1);
                }
            }
        }
        return out;
    }

    private static long fileSize(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Already failing; the first error is the one to report.
        }
    }

    @Override
    public void close() {
        close(connection);
    }
}
