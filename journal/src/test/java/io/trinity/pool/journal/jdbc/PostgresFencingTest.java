package io.trinity.pool.journal.jdbc;

import static io.trinity.pool.journal.jdbc.JournalContract.failure;
import static io.trinity.pool.journal.jdbc.Records.accepted;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.StoredTask;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Fencing ({@link Fencing}, {@link JdbcJournal.Builder#fencedBy}) against a real PostgreSQL, each
 * test in a schema of its own. Needs {@code TRINITY_TEST_PG_URL}, like {@link PostgresJournalTest}.
 */
class PostgresFencingTest {

    static final long T0 = JournalContract.T0;

    final String schema = "fence_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    final List<JdbcJournal> opened = new ArrayList<>();

    @BeforeAll
    static void needsPostgres() {
        PostgresJournalTest.needsPostgres();
    }

    String url() {
        String base = PostgresJournalTest.baseUrl;
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A cluster node's journal: shared on purpose, so not exclusive. */
    JdbcJournal.Builder node() {
        return JdbcJournal.builder(url()).exclusive(false);
    }

    JdbcJournal track(JdbcJournal j) {
        opened.add(j);
        return j;
    }

    long takeOver(String holder) throws Exception {
        try (Connection c = DriverManager.getConnection(url())) {
            return Fencing.takeOver(c, holder);
        }
    }

    @AfterEach
    void dropSchema() throws Exception {
        opened.forEach(JdbcJournal::close);
        try (Connection c = DriverManager.getConnection(PostgresJournalTest.baseUrl); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void aDeposedSchedulersWritesAreRefusedForGoodAndTheNewOneWrites() throws Exception {
        assertThat(node().migrate()).isEqualTo(4);
        assertThat(takeOver("node-a")).isEqualTo(1);
        List<String> callbacks = new CopyOnWriteArrayList<>();
        JdbcJournal a = track(node().fencedBy(1).onFenced(() -> callbacks.add(Thread.currentThread().getName()))
                .open());
        a.write(List.of(accepted(1, T0), accepted(2, T0 + 1))).get(30, TimeUnit.SECONDS);
        assertThat(a.fenced()).isFalse();

        assertThat(takeOver("node-b")).isEqualTo(2);
        Throwable refused = failure(a.write(List.of(accepted(3, T0 + 2))));
        assertThat(refused).isInstanceOf(JournalException.class)
                .hasMessageContaining("journal " + a.name() + " is fenced")
                .hasMessageContaining("this writer's epoch 1 is older than the journal's 2, another scheduler took over")
                .hasMessageContaining("this pool must stop");
        assertThat(a.fenced()).isTrue();
        assertThat(callbacks).containsExactly("trinity-journal-writer");
        assertThat(ids()).containsExactly(1L, 2L);

        // From now on nothing reaches the database: the future fails before write returns.
        long failedCommits = a.failedCommits();
        CompletableFuture<Void> later = a.write(List.of(accepted(4, T0 + 3)));
        assertThat(later).isCompletedExceptionally();
        assertThat(failure(later)).hasMessage(refused.getMessage());
        assertThat(failure(a.prune())).hasMessage(refused.getMessage());
        assertThat(a.failedCommits()).isEqualTo(failedCommits);
        assertThat(callbacks).hasSize(1);
        // Recovery still reads.
        assertThat(a.load().pending()).extracting(StoredTask::taskId).containsExactly(1L, 2L);

        JdbcJournal b = track(node().fencedBy(2).open());
        assertThat(b.load().pending()).extracting(StoredTask::taskId).containsExactly(1L, 2L);
        b.write(List.of(accepted(5, T0 + 4))).get(30, TimeUnit.SECONDS);
        assertThat(b.fenced()).isFalse();
        assertThat(ids()).containsExactly(1L, 2L, 5L);
        try (Connection c = DriverManager.getConnection(url());
             ResultSet rs = c.createStatement().executeQuery("SELECT epoch, holder FROM journal_fence")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(2);
            assertThat(rs.getString(2)).isEqualTo("node-b");
            assertThat(Fencing.current(c)).isEqualTo(2);
        }
    }

    @Test
    void aCommitThatReadsTheEpochWhileATakeoverIsOpenWaitsAndIsRefused() throws Exception {
        node().migrate();
        JdbcJournal a = track(node().fencedBy(takeOver("node-a")).open());
        try (Connection c = DriverManager.getConnection(url())) {
            c.setAutoCommit(false);
            assertThat(Fencing.takeOver(c, "node-b")).isEqualTo(2);
            // The takeover holds the row lock: the writer's FOR SHARE read must wait for it.
            CompletableFuture<Void> write = a.write(List.of(accepted(1, T0)));
            awaitWriterBlockedOnTheFence();
            assertThat(write).isNotDone();
            c.commit();
            assertThat(failure(write)).hasMessageContaining("epoch 1 is older than the journal's 2");
        }
        assertThat(ids()).isEmpty();
        assertThat(a.fenced()).isTrue();
    }

    @Test
    void aTakeoverThatRollsBackLeavesTheSchedulerWriting() throws Exception {
        node().migrate();
        JdbcJournal a = track(node().fencedBy(takeOver("node-a")).open());
        try (Connection c = DriverManager.getConnection(url())) {
            c.setAutoCommit(false);
            Fencing.takeOver(c, "node-b");
            c.rollback();
            assertThat(Fencing.current(c)).isEqualTo(1);
        }
        a.write(List.of(accepted(1, T0))).get(30, TimeUnit.SECONDS);
        assertThat(ids()).containsExactly(1L);
    }

    @Test
    void anUnfencedJournalIgnoresTakeovers() throws Exception {
        JdbcJournal j = track(node().open());
        takeOver("node-b");
        j.write(List.of(accepted(1, T0))).get(30, TimeUnit.SECONDS);
        assertThat(j.fenced()).isFalse();
        assertThat(ids()).containsExactly(1L);
    }

    @Test
    void aSchema2JournalUpgradesToSchema3KeepingItsTasks() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url());
        Flyway.configure(Migrations.class.getClassLoader()).dataSource(ds)
                .locations(Dialect.POSTGRESQL.migrations()).table(Migrations.HISTORY)
                .schemas(schema).defaultSchema(schema).createSchemas(true)
                .target("2").load().migrate();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            new RecordWriter(Dialect.POSTGRESQL).write(c, new RecordWriter(Dialect.POSTGRESQL).encode(List.of(accepted(1, T0), accepted(2, T0))));
            c.commit();
            assertThat(hasTable(c, schema, "journal_fence")).isFalse();
        }

        JdbcJournal j = track(node().open());
        assertThat(j.schemaVersion()).isEqualTo(4);
        assertThat(j.load().pending()).extracting(StoredTask::taskId).containsExactly(1L, 2L);
        j.close();
        try (Connection c = ds.getConnection()) {
            assertThat(Fencing.current(c)).isZero();
            assertThat(Fencing.takeOver(c, "node-a")).isEqualTo(1);
        }
        JdbcJournal fenced = track(node().fencedBy(1).open());
        fenced.write(List.of(accepted(3, T0))).get(30, TimeUnit.SECONDS);
        assertThat(ids()).containsExactly(1L, 2L, 3L);
        try (JournalInspector in = JournalInspector.open(url())) {
            assertThat(in.schemaVersion()).isEqualTo(4);
        }
    }

    /** Waits (polling the server, no sleeps) until the journal's writer waits for the fence row's lock. */
    private void awaitWriterBlockedOnTheFence() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = DriverManager.getConnection(url());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE"
                     + " wait_event_type = 'Lock' AND query LIKE '%journal_fence%FOR SHARE%'")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
            }
        }
        throw new AssertionError("the journal's writer never waited for the fence row's lock");
    }

    private List<Long> ids() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url());
             ResultSet rs = c.createStatement().executeQuery("SELECT id FROM tasks ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static boolean hasTable(Connection c, String schema, String table) throws Exception {
        try (ResultSet rs = c.getMetaData().getTables(null, schema, table, null)) {
            return rs.next();
        }
    }
}
