package io.trinity.pool.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.server.ApiKeys;
import io.trinity.pool.server.PoolServer;
import io.trinity.pool.server.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * Cluster nodes in this JVM over a schema of their own in the real PostgreSQL
 * ({@code TRINITY_TEST_PG_URL}), with one agent type, {@code work}, whose tasks can be held
 * until a test releases them. Short timeouts (2 s node timeout) keep failovers quick.
 */
final class InProcessCluster implements AutoCloseable {

    static final String ADMIN = "k-admin";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);

    final String base;
    final String schema = "cluster_it_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    final ApiKeys keys = ApiKeys.builder().key(ADMIN, "ops", Role.ADMIN).key("k-t", "t", Role.TENANT).build();
    final List<ClusterNode> nodes = new ArrayList<>();
    /** Tasks whose input text is a key here run until the latch is released. */
    final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
    final AtomicInteger executions = new AtomicInteger();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    InProcessCluster() {
        base = pgUrl();
    }

    static String pgUrl() {
        String b = System.getenv("TRINITY_TEST_PG_URL");
        if (b == null || b.isBlank()) {
            String why = "TRINITY_TEST_PG_URL is not set; run .ci/postgres and export what it prints";
            if ("true".equals(System.getenv("CI"))) {
                fail("PostgreSQL cluster tests must run in CI: " + why);
            }
            Assumptions.abort(why);
        }
        return b;
    }

    String url() {
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    AgentType work() {
        return AgentType.of("work", init -> new Work()).withMaxAgents(8);
    }

    ClusterNode.Builder builder(String id) {
        return ClusterNode.Settings.builder(id, url()).port(0).maxAgents(4).nodeTimeout(Duration.ofSeconds(2))
                .poll(Duration.ofMillis(100)).types(List.of(work())).keys(keys)
                .scheduler((journal, types, limit) -> {
                    PoolBuilder b = AgentPool.builder().journal(journal).agentLimit(limit);
                    List<String> names = new ArrayList<>();
                    types.forEach(t -> {
                        b.register(t);
                        names.add(t.name());
                    });
                    return PoolServer.builder().pool(b, names).bind("127.0.0.1").port(0).keys(keys).build();
                });
    }

    ClusterNode start(String id) {
        return start(id, UnaryOperator.identity());
    }

    ClusterNode start(String id, UnaryOperator<ClusterNode.Builder> more) {
        ClusterNode n = ClusterNode.start(more.apply(builder(id)).build());
        nodes.add(n);
        return n;
    }

    /** Waits until {@code via}'s database row says some node schedules and serves; returns it. */
    String awaitScheduler() throws Exception {
        String[] s = new String[1];
        await("a scheduler serving", () -> {
            List<Map<String, Object>> rows = query("SELECT node FROM cluster_leader WHERE url IS NOT NULL"
                    + " AND lease_until > now()");
            s[0] = rows.isEmpty() ? null : (String) rows.get(0).get("node");
            return s[0] != null && nodes.stream().anyMatch(n -> n.node().equals(s[0]) && n.isScheduler()
                    && n.localServer() != null);
        });
        return s[0];
    }

    ClusterNode node(String id) {
        return nodes.stream().filter(n -> n.node().equals(id)).findFirst().orElseThrow();
    }

    HttpResponse<String> send(ClusterNode via, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(via.url() + path)).timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Submits a {@code work} task with {@code text} through {@code via} (retrying 503s); its id. */
    String submit(ClusterNode via, String text) throws Exception {
        String[] id = new String[1];
        await("task " + text + " accepted", () -> {
            HttpResponse<String> r = send(via, "POST", "v1/tasks", JSON.writeValueAsString(
                    Map.of("type", "work", "input", Map.of("text", text))), "Content-Type", "application/json",
                    "Idempotency-Key", text);
            if (r.statusCode() == 202 || r.statusCode() == 200) {
                id[0] = JSON.readTree(r.body()).path("id").asText();
                return true;
            }
            if (r.statusCode() >= 500) {
                return false;
            }
            throw new AssertionError("submit refused: " + r.statusCode() + " " + r.body());
        });
        return id[0];
    }

    JsonNode task(ClusterNode via, String id) throws Exception {
        HttpResponse<String> r = send(via, "GET", "v1/tasks/" + id, null);
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    List<Map<String, Object>> query(String sql) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= cols; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void await(String what, Check condition) throws Exception {
        await(WAIT, what, condition);
    }

    static void await(Duration within, String what, Check condition) throws Exception {
        org.awaitility.Awaitility.await(what).atMost(within).pollInterval(Duration.ofMillis(100))
                .pollDelay(Duration.ZERO).ignoreExceptionsMatching(e -> e instanceof java.io.IOException)
                .until(condition::ok);
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    @Override
    public void close() throws Exception {
        holds.values().forEach(l -> {
            while (l.getCount() > 0) {
                l.countDown();
            }
        });
        for (ClusterNode n : nodes) {
            n.close();
        }
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private final class Work implements Agent {
        @Override
        public Payload execute(io.trinity.pool.agent.TaskContext context) throws Exception {
            executions.incrementAndGet();
            String text = String.valueOf(context.task().input().data().get("text"));
            CountDownLatch s = started.get(text);
            if (s != null) {
                s.countDown();
            }
            CountDownLatch hold = holds.get(text);
            if (hold != null && !hold.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return Payload.of(Map.of("echo", text));
        }
    }
}
