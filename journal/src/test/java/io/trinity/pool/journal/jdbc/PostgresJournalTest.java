package io.trinity.pool.journal.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract on PostgreSQL, each test in a schema of its own (dropped after). Needs
 * {@code TRINITY_TEST_PG_URL} ({@code .ci/postgres} prepares a local server and prints it);
 * skipped with a message without it, except in CI ({@code CI=true}), where it must run.
 */
class PostgresJournalTest extends JournalContract {

    static final String ENV = "TRINITY_TEST_PG_URL";

    static String baseUrl;
    String schema;

    @BeforeAll
    static void needsPostgres() {
        baseUrl = System.getenv(ENV);
        if (baseUrl == null || baseUrl.isBlank()) {
            String why = ENV + " is not set; run .ci/postgres to start a local PostgreSQL and export what it prints";
            if ("true".equals(System.getenv("CI"))) {
                fail("PostgreSQL journal tests must run in CI: " + why);
            }
            System.err.println("PostgresJournalTest skipped: " + why);
            Assumptions.abort("PostgreSQL journal tests skipped: " + why);
        }
    }

    @BeforeEach
    void ownSchema() {
        schema = "journal_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    String url() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @AfterEach
    void dropSchema() throws Exception {
        closeJournals();
        try (Connection c = DriverManager.getConnection(baseUrl); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /**
     * A database that stops answering (no reset: a vanished host, a partition) fails the write
     * waiting on it after writeTimeout instead of holding it and every later one for ever; the
     * next write goes through on a fresh connection once the database answers again.
     */
    @org.junit.jupiter.api.Test
    void aWriteTheDatabaseNeverAnswersFailsAfterWriteTimeoutAndTheNextGoesThrough() throws Exception {
        java.net.URI u = java.net.URI.create(baseUrl.substring("jdbc:".length()));
        try (SilentRelay relay = new SilentRelay(u.getHost(), u.getPort())) {
            JdbcJournal j = track(JdbcJournal.builder(relay.through(url())).clock(clock)
                    .writeTimeout(java.time.Duration.ofSeconds(1)).open());
            await(j.write(java.util.List.of(Records.accepted(1, T0))));
            relay.silent(true);
            Throwable hung = failure(j.write(java.util.List.of(Records.started(1, 1, T0 + 1))));
            org.assertj.core.api.Assertions.assertThat(hung).isInstanceOf(io.trinity.pool.journal.JournalException.class)
                    .hasMessageContaining("did not answer a write within writeTimeout (1 s)")
                    .hasMessageContaining("may or may not have been stored");
            relay.silent(false);
            // The connection pool may still be replacing the dropped connection (its first try was
            // made while the relay was silent): the next write goes through once it has one.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    await(j.write(java.util.List.of(Records.started(1, 1, T0 + 1))));
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    org.assertj.core.api.Assertions.assertThat(System.nanoTime() - deadline)
                            .as("a write went through within 30 s of the database answering again: " + e.getCause())
                            .isNegative();
                }
            }
            org.assertj.core.api.Assertions.assertThat(j.find(1).orElseThrow().state()).isEqualTo("RUNNING");
        }
    }

    @org.junit.jupiter.api.Test
    void writeTimeoutOutsideItsRangeIsRefusedWithTheValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().writeTimeout(java.time.Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.01S")
                .hasMessageContaining("between 1 s and 1 h");
    }

    @org.junit.jupiter.api.Test
    void theInspectorReadsAPostgresJournal() throws Exception {
        JdbcJournal j = open();
        j.write(java.util.List.of(Records.accepted(1, T0), Records.accepted(2, T0 + 1))).get();
        try (JournalInspector in = JournalInspector.open(url())) {
            JournalStats s = in.stats();
            org.assertj.core.api.Assertions.assertThat(s.byState()).containsEntry("QUEUED", 2L);
            org.assertj.core.api.Assertions.assertThat(s.database()).isEqualTo("PostgreSQL");
            org.assertj.core.api.Assertions.assertThat(s.schemaVersion()).isEqualTo(4);
            org.assertj.core.api.Assertions.assertThat(s.sizeBytes()).isPositive();
            org.assertj.core.api.Assertions.assertThat(s.databaseBytes()).isGreaterThanOrEqualTo(s.sizeBytes());
            StringBuilder out = new StringBuilder();
            org.assertj.core.api.Assertions.assertThat(in.export(out)).isEqualTo(2);
        }
    }

    @Override
    JdbcJournal.Builder builder() {
        return JdbcJournal.builder(url());
    }

    @Override
    Connection raw() throws Exception {
        return DriverManager.getConnection(url());
    }

    @Override
    String builderName() {
        return Location.redact(url());
    }

    @Override
    int schemaVersion() {
        return 4;
    }

    @Override
    char nulStoredAs() {
        return '\uFFFD';
    }
}
