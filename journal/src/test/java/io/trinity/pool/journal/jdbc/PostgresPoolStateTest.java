package io.trinity.pool.journal.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link PoolStateContract} on PostgreSQL, each test in a schema of its own (dropped after).
 * Needs {@code TRINITY_TEST_PG_URL}, like {@link PostgresJournalTest}: skipped with a message
 * without it, except in CI, where it must run.
 */
class PostgresPoolStateTest extends PoolStateContract {

    final String schema = "pool_state_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

    @BeforeAll
    static void needsPostgres() {
        PostgresJournalTest.needsPostgres();
    }

    @Override
    JdbcJournal.Builder builder() {
        String base = PostgresJournalTest.baseUrl;
        return JdbcJournal.builder(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    }

    @AfterEach
    void dropSchema() throws Exception {
        closeJournals();
        try (Connection c = DriverManager.getConnection(PostgresJournalTest.baseUrl); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
