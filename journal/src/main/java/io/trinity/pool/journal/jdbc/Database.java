package io.trinity.pool.journal.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.trinity.pool.journal.JournalException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * An open journal database: one HikariCP pool (the writer borrows a connection per group, readers
 * one per query), the guard that keeps a second pool away, and the schema checked and migrated.
 *
 * <p>Opening order matters: a SQLite file is checked (is it SQLite at all?) and locked before
 * any connection touches it, so a refused file is left byte-for-byte as it was; its pages are
 * then quick-checked, and only then migrated.
 */
final class Database implements AutoCloseable {

    private final Location location;
    private final HikariDataSource pool;
    private final int schemaVersion;
    private final AutoCloseable guard;

    private Database(Location location, HikariDataSource pool, int schemaVersion, AutoCloseable guard) {
        this.location = location;
        this.pool = pool;
        this.schemaVersion = schemaVersion;
        this.guard = guard;
    }

    static Database open(Location location, Settings settings) {
        return location.dialect() == Dialect.SQLITE ? openSqlite(location, settings) : openPostgres(location, settings);
    }

    private static Database openSqlite(Location location, Settings settings) {
        SqliteFile.checkHeader(location.file(), location.name());
        SqliteFile lock = settings.exclusive() ? SqliteFile.lock(location.file(), location.name()) : null;
        HikariDataSource pool = null;
        try {
            inspect(location);
            pool = new HikariDataSource(sqliteConfig(location, settings));
            int version = Migrations.migrate(pool, location);
            return new Database(location, pool, version, lock);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            if (lock != null) {
                lock.close();
            }
            throw e instanceof JournalException ? e : opening(location, "connecting", e);
        }
    }

    /**
     * WAL lets readers run beside the writer. {@code synchronous} decides what a commit survives:
     * in WAL mode NORMAL syncs only at checkpoints, so a commit survives a killed process (the
     * data is in the operating system's cache and the WAL is replayed on open) but may be lost
     * to a power cut or a kernel crash; FULL (the default) syncs the WAL at every commit, which
     * group commit pays once per group.
     */
    private static HikariConfig sqliteConfig(Location location, Settings settings) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(settings.synchronous()));
        sqlite.setBusyTimeout(10_000);
        for (Map.Entry<String, String> p : settings.pragmas().entrySet()) {
            sqlite.setPragma(pragma(p.getKey()), p.getValue());
        }
        SQLiteDataSource ds = new SQLiteDataSource(sqlite);
        ds.setUrl(location.jdbcUrl());
        HikariConfig config = base(location, settings, 1 + settings.readConnections());
        config.setDataSource(ds);
        // A file connection does not go stale; retiring it would only throw away its page cache.
        config.setMaxLifetime(0);
        return config;
    }

    private static SQLiteConfig.Pragma pragma(String name) {
        for (SQLiteConfig.Pragma p : SQLiteConfig.Pragma.values()) {
            if (p.pragmaName.equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("sqlitePragma: unknown SQLite pragma '" + name
                + "'; see sqlite-jdbc's SQLiteConfig.Pragma for the names it accepts");
    }

    private static Database openPostgres(Location location, Settings settings) {
        HikariConfig config = base(location, settings, 2 + settings.readConnections());
        config.setJdbcUrl(location.jdbcUrl());
        // One round trip for a whole batch of INSERTs instead of one per row.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("ApplicationName", "trinity-journal");
        // A client that gave up on a write (writeTimeout) closes only its own socket; in a partition
        // the server would keep that session idle in its transaction, holding the rows' locks (and
        // the fence's share lock) for as long as its TCP takes to notice: the retry on a fresh
        // connection would wait on them. The server ends such a session itself after this.
        config.setConnectionInitSql("SET idle_in_transaction_session_timeout = "
                + Math.max(1_000, settings.writeTimeout().toMillis()));
        HikariDataSource pool = null;
        Connection lock = null;
        try {
            pool = new HikariDataSource(config);
            int version = Migrations.migrate(pool, location);
            if (settings.exclusive()) {
                lock = advisoryLock(pool, location);
            }
            Connection held = lock;
            return new Database(location, pool, version, held == null ? null : held::close);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            if (pool != null) {
                pool.close();
            }
            throw e instanceof JournalException ? e : opening(location, "connecting", e);
        }
    }

    private static HikariConfig base(Location location, Settings settings, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("trinity-journal");
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        // Fail at open, with the driver's reason, rather than at the first write.
        config.setInitializationFailTimeout(1);
        return config;
    }

    /**
     * A session-level advisory lock, held on a connection kept for the journal's life, so two
     * pools never recover the same tasks from one database. PostgreSQL releases it when that
     * session ends, a crashed pool included.
     */
    private static Connection advisoryLock(HikariDataSource pool, Location location) {
        Connection c = null;
        try {
            c = pool.getConnection();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_try_advisory_lock(hashtext('trinity-journal:' || current_schema()))");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    c.close();
                    throw new JournalException("journal " + location.name() + " is in use by another pool (it holds"
                            + " the journal's advisory lock); stop that pool first, or give this one its own database"
                            + " or schema (currentSchema=...)");
                }
            }
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw opening(location, "taking its lock", e);
        }
    }

    /**
     * Looks at an existing file through a plain connection before the pool opens it (the pool's
     * connections switch the file to WAL, which would change another program's database); see
     * {@link SqliteCheck}, which {@code tri journal} shares, so both tell a damaged file alike.
     */
    private static void inspect(Location location) {
        if (!java.nio.file.Files.exists(location.file())) {
            return;
        }
        SQLiteDataSource plain = new SQLiteDataSource();
        plain.setUrl(location.jdbcUrl());
        try (Connection c = plain.getConnection()) {
            SqliteCheck.inspect(c, location);
        } catch (SQLException e) {
            throw SqliteCheck.failure(location, e);
        }
    }

    private static JournalException opening(Location location, String what, Throwable e) {
        return Failures.open(location.name(), what, e);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Already failing; the first error is the one to report.
            }
        }
    }

    Location location() {
        return location;
    }

    Dialect dialect() {
        return location.dialect();
    }

    String name() {
        return location.name();
    }

    int schemaVersion() {
        return schemaVersion;
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * PostgreSQL: bounds each wait for the database on {@code c} (its socket timeout; the pool
     * restores the connection's own when it is handed back). A SQLite file has no network.
     */
    void limitWrite(Connection c, java.time.Duration timeout) throws SQLException {
        if (location.dialect() == Dialect.POSTGRESQL) {
            c.setNetworkTimeout(Runnable::run, (int) timeout.toMillis());
        }
    }

    /**
     * Keeps a connection whose transaction failed out of the pool: SQLite rolls some failures
     * back by itself (a full disk among them), after which the driver's idea of the
     * transaction is wrong, so the next borrower would run outside a transaction.
     */
    void discard(Connection c) {
        pool.evictConnection(c);
    }

    @Override
    public void close() {
        closeQuietly(guard);
        pool.close();
    }
}
