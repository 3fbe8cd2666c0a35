package io.trinity.pool.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * The connections a node keeps to the shared PostgreSQL database: a small pool for short
 * statements, and dedicated sessions for what must stay on one session (the advisory lock and
 * LISTEN). Every session carries {@code application_name = trinity-<node>}, so an operator (or a
 * fault test) can find a node's backends in {@code pg_stat_activity}.
 */
final class ClusterDatabase implements AutoCloseable {

    private final String url;
    private final Properties properties = new Properties();
    private final HikariDataSource pool;

    ClusterDatabase(String url, String node, int poolSize, java.time.Duration ioTimeout) {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--journal must be a jdbc:postgresql:// URL for a cluster (got "
                    + io.trinity.pool.journal.jdbc.Journals.redact(url) + "); nodes share one PostgreSQL database");
        }
        this.url = url;
        properties.setProperty("ApplicationName", "trinity-" + node);
        // a node must notice a dead database within its lease, not after the kernel's TCP timeout
        properties.setProperty("socketTimeout", String.valueOf(Math.max(2, ioTimeout.toSeconds())));
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("tcpKeepAlive", "true");
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setDataSourceProperties(properties);
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(1);
        c.setPoolName("trinity-cluster-" + node);
        c.setConnectionTimeout(5_000);
        c.setValidationTimeout(2_000);
        c.setConnectionInitSql("SET synchronous_commit = off");
        c.setInitializationFailTimeout(10_000);
        pool = new HikariDataSource(c);
    }

    /** Creates or upgrades the cluster's tables (its own history table beside the journal's). */
    void migrate() {
        Flyway.configure().dataSource(pool).table("trinity_cluster_history")
                .locations("classpath:trinity-cluster/postgresql").baselineOnMigrate(true).baselineVersion("0")
                .load().migrate();
    }

    /** A connection from the pool; close it to give it back. */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** A session of its own (advisory lock, LISTEN); the caller closes it. */
    Connection session() throws SQLException {
        Connection c = DriverManager.getConnection(url, properties);
        try (var s = c.createStatement()) {
            s.execute("SET synchronous_commit = off");
        }
        return c;
    }

    @Override
    public void close() {
        pool.close();
    }
}
