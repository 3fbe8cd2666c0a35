package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.journal.jdbc.Fencing;
import io.trinity.pool.journal.jdbc.JdbcJournal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Remote calls over the scheduler's direct link and their fallback to the assignment rows, with
 * the scheduler's {@link RemoteCalls}, a node's {@link NodeHost} and {@link LinkServer} in one JVM
 * against the real PostgreSQL (schema of its own). Needs {@code TRINITY_TEST_PG_URL}
 * ({@code .ci/postgres}); required in CI.
 */
class LinkedCallsPostgresTest {

    private static final long WAIT = 30;

    private final String schema = "links_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private final AtomicReference<String> gate = new AtomicReference<>();
    private final AtomicInteger executions = new AtomicInteger();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> running = new ConcurrentHashMap<>();
    private String base;
    private ClusterDatabase schedulerDb;
    private ClusterDatabase nodeDb;
    private RemoteCalls calls;
    private NodeHost host;
    private LinkServer server;
    private RemoteAgent agent;
    private long epoch;

    @BeforeEach
    void start() throws Exception {
        base = System.getenv("TRINITY_TEST_PG_URL");
        if (base == null || base.isBlank()) {
            String why = "TRINITY_TEST_PG_URL is not set; run .ci/postgres and export what it prints";
            if ("true".equals(System.getenv("CI"))) {
                fail("PostgreSQL cluster tests must run in CI: " + why);
            }
            Assumptions.abort(why);
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        JdbcJournal.builder(url).exclusive(false).migrate();
        schedulerDb = new ClusterDatabase(url, "n1", 4, Duration.ofSeconds(5));
        schedulerDb.migrate();
        nodeDb = new ClusterDatabase(url, "n2", 4, Duration.ofSeconds(5));
        try (Connection c = DriverManager.getConnection(url)) {
            epoch = Fencing.takeOver(c, "n1");
        }
        calls = new RemoteCalls(schedulerDb, epoch, "s3cret", 100, () -> { });
        calls.start();
        host = new NodeHost(nodeDb, "n2", Map.of("generic", init -> new Waiting(), "broken", init -> {
            throw new IllegalStateException("bad\0config"); // PostgreSQL stores no NUL in text
        }), 100, () -> 1L, () -> true);
        host.start();
        server = new LinkServer("n2", "127.0.0.1", 0,
                (e, s) -> e == epoch && s.equals("s3cret") ? gate.get() : "not the scheduler", host::runLinked);
        server.start();
        agent = new RemoteAgent("agent-1", "generic", "n2", 1, calls, () -> { });
        agent.initAsync().toCompletableFuture().get(WAIT, TimeUnit.SECONDS); // placed by its row
    }

    @AfterEach
    void stop() throws Exception {
        if (calls != null) {
            calls.close();
            server.close();
            host.close();
            schedulerDb.close();
            nodeDb.close();
        }
        if (base != null && !base.isBlank()) {
            try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void aCallOnTheLinkRunsOnceAndItsRowIsRemoved() throws Exception {
        assertThat(calls.connect("n2", server.address()).get(WAIT, TimeUnit.SECONDS)).isTrue();

        Payload out = call("hello").get(WAIT, TimeUnit.SECONDS);

        assertThat(out.data()).containsEntry("echo", "hello");
        assertThat(host.linkedCalls()).isEqualTo(1);
        assertThat(executions).hasValue(1);
        awaitRows(() -> rows("true") == 0, "the ended call's row removed");
    }

    @Test
    void aSpawnThatFailsWithANulInItsMessageIsReportedAndHoldsBackNothingElse() throws Exception {
        RemoteAgent broken = new RemoteAgent("agent-2", "broken", "n2", 1, calls, () -> { });
        assertThatThrownBy(() -> broken.initAsync().toCompletableFuture().get(WAIT, TimeUnit.SECONDS))
                .hasMessageContaining("bad\uFFFDconfig");
        // The node's next ends go by the same flush: a NUL held every one of them before.
        assertThat(call("after").get(WAIT, TimeUnit.SECONDS).data()).containsEntry("echo", "after");
    }

    @Test
    void aCallTheNodeRefusesOnTheLinkRunsByItsRow() throws Exception {
        assertThat(calls.connect("n2", server.address()).get(WAIT, TimeUnit.SECONDS)).isTrue();
        gate.set("the lease of this epoch ran out as this node last read it");

        Payload out = call("refused first").get(WAIT, TimeUnit.SECONDS);

        assertThat(out.data()).containsEntry("echo", "refused first");
        assertThat(host.linkedCalls()).isZero();
        assertThat(host.calls()).isEqualTo(1);
        assertThat(executions).hasValue(1);
    }

    @Test
    void aCallWhoseLinkBreaksWhileItRunsEndsByItsRowAndRunsOnce() throws Exception {
        CompletableFuture<Payload> result = heldLinkedCall();

        server.closeAll(); // the link breaks: the scheduler hands the call to its row
        awaitRows(() -> calls.openLinks() == 0, "the scheduler seeing its link gone");
        holds.get("held").countDown();

        assertThat(result.get(WAIT, TimeUnit.SECONDS).data()).containsEntry("echo", "held");
        assertThat(executions).as("the node skips a claim of the call it runs").hasValue(1);
    }

    @Test
    void anEndedCallsRowIsRemovedEvenWhenTheDatabaseRefusesTheFirstRemovals() throws Exception {
        CompletableFuture<Payload> result = heldLinkedCall();
        // the next two removals of an assignment row fail, as a database error would fail them
        try (Connection c = schedulerDb.connection(); Statement st = c.createStatement()) {
            st.execute("CREATE SEQUENCE delete_tries");
            st.execute("CREATE FUNCTION fail_first_deletes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF nextval('delete_tries') <= 2 THEN RAISE EXCEPTION 'injected: delete refused'; END IF;"
                    + " RETURN OLD; END $$");
            st.execute("CREATE TRIGGER fail_first_deletes BEFORE DELETE ON cluster_assignments"
                    + " FOR EACH ROW EXECUTE FUNCTION fail_first_deletes()");
        }

        holds.get("held").countDown();

        assertThat(result.get(WAIT, TimeUnit.SECONDS).data()).containsEntry("echo", "held");
        awaitRows(() -> rows("true") == 0, "the ended call's row removed by a later try");
        try (Connection c = schedulerDb.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT last_value FROM delete_tries")) {
            rs.next();
            assertThat(rs.getLong(1)).as("two refused removals, then the one that went through").isEqualTo(3);
        }
        assertThat(executions).hasValue(1);
    }

    @Test
    void withoutALinkCallsGoByTheirRows() throws Exception {
        assertThat(calls.openLinks()).isZero();

        assertThat(call("by row").get(WAIT, TimeUnit.SECONDS).data()).containsEntry("echo", "by row");

        assertThat(host.linkedCalls()).isZero();
        assertThat(host.calls()).isEqualTo(1);
    }

    /** A call on the link that has started on the node and holds there (until {@code holds} "held"), its row written. */
    private CompletableFuture<Payload> heldLinkedCall() throws Exception {
        assertThat(calls.connect("n2", server.address()).get(WAIT, TimeUnit.SECONDS)).isTrue();
        holds.put("held", new CountDownLatch(1));
        running.put("held", new CountDownLatch(1));
        CompletableFuture<Payload> result = call("held");
        assertThat(running.get("held").await(WAIT, TimeUnit.SECONDS)).as("the call started on the node").isTrue();
        awaitRows(() -> rows("state = 'running'") == 1, "the linked call's row written");
        return result;
    }

    private CompletableFuture<Payload> call(String text) {
        return calls.call(agent, new Context(Task.of("generic", Map.of("text", text))));
    }

    private long rows(String where) {
        try (Connection c = schedulerDb.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM cluster_assignments WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (at most 30 s) for a state another thread writes. */
    private static void awaitRows(BooleanSupplier condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(WAIT)).pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }

    /** Echoes its text; a text with a latch in {@link #holds} waits for it. */
    private final class Waiting implements Agent {
        @Override
        public Payload execute(TaskContext context) throws Exception {
            executions.incrementAndGet();
            String text = (String) context.task().input().data().get("text");
            CountDownLatch started = running.get(text);
            if (started != null) {
                started.countDown();
            }
            CountDownLatch hold = holds.get(text);
            if (hold != null && !hold.await(WAIT, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return Payload.of(Map.of("echo", text));
        }
    }

    private static final AtomicInteger TASK_IDS = new AtomicInteger();

    /** The scheduler's side of an attempt, as the pool would give it. */
    private static final class Context implements TaskContext {
        private final Task task;
        private final long id = TASK_IDS.incrementAndGet();

        Context(Task task) {
            this.task = task;
        }

        @Override public long taskId() { return id; }
        @Override public String type() { return task.type(); }
        @Override public String agentId() { return "agent-1"; }
        @Override public int attempt() { return 1; }
        @Override public Task task() { return task; }
        @Override public void progress(double fraction, String note) { }
        @Override public boolean isCancelled() { return false; }
        @Override public void onCancel(Runnable action) { }
        @Override public void reportQuality(double score) { }
        @Override public void reportUsage(String resource, long units) { }
        @Override public TaskHandle submit(Task subtask) {
            throw new UnsupportedOperationException("no subtasks here");
        }
    }
}
