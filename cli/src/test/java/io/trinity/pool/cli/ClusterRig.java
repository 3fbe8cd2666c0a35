package io.trinity.pool.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;

/**
 * Real {@code tri serve --node-id} processes sharing one PostgreSQL schema (a fresh one per
 * rig), each talking to the database through its own {@link TcpGate}, with an HTTP client that
 * retries what a takeover answers (503, a refused connection) the way a client should.
 */
final class ClusterRig implements AutoCloseable {

    static final String PG = "TRINITY_TEST_PG_URL";
    static final String ADMIN = "k-admin";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final Path dir;
    private final String base;
    private final String schema;
    private final Path keys;
    private final List<String> extra;
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Node(String id, Process process, String url, TcpGate gate) {
    }

    /** The PostgreSQL URL of the tests, or a failure in CI (skipped elsewhere). */
    static String pgUrl() {
        String base = System.getenv(PG);
        if (base == null || base.isBlank()) {
            String why = PG + " is not set; run .ci/postgres and export what it prints";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("the cluster tests must run in CI: " + why);
            }
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        return base;
    }

    ClusterRig(Path dir, String... extraArgs) throws IOException {
        this.dir = dir;
        this.base = pgUrl();
        this.schema = "cluster_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        this.extra = List.of(extraArgs);
        this.keys = Files.writeString(dir.resolve("keys.json"), "{\"keys\": ["
                + "{\"key\": \"" + ADMIN + "\", \"tenant\": \"ops\", \"role\": \"admin\"},"
                + "{\"key\": \"k-quiet\", \"tenant\": \"quiet\", \"role\": \"tenant\"},"
                + "{\"key\": \"k-flood\", \"tenant\": \"flood\", \"role\": \"tenant\"}]}");
    }

    String schema() {
        return schema;
    }

    /** The database URL, straight or through {@code gate}. */
    String url(TcpGate gate) {
        String u = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return gate == null ? u : u.replaceFirst("//[^/]+/", "//127.0.0.1:" + gate.port() + "/");
    }

    /** Starts {@code tri serve --node-id id} and waits until it answers. */
    Node start(String id, String... args) throws Exception {
        Matcher m = Pattern.compile("//([^/:]+):(\\d+)/").matcher(base);
        if (!m.find()) {
            throw new IllegalArgumentException("cannot find host:port in " + PG + "=" + base);
        }
        TcpGate gate = new TcpGate(m.group(1), Integer.parseInt(m.group(2)));
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Tri.class.getName(), "serve",
                "--node-id", id, "--port", "0", "--bind", "127.0.0.1", "--keys", keys.toString(),
                "--journal", url(gate), "--rate-limit", "0"));
        cmd.addAll(extra);
        cmd.addAll(List.of(args));
        Path log = dir.resolve(id + ".log");
        long from = ServeAddress.size(log); // a restarted node appends to its log
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        String address;
        try {
            address = ServeAddress.await(p, log, from, Duration.ofSeconds(60));
        } catch (RuntimeException | InterruptedException e) {
            p.destroyForcibly();
            gate.close();
            throw new AssertionError("node " + id + ": " + e.getMessage(), e);
        }
        Node n = new Node(id, p, address, gate);
        nodes.add(n);
        await(Duration.ofSeconds(60), "node " + id + " answers /healthz", () -> {
            if (!p.isAlive()) {
                throw new AssertionError("node " + id + " exited (" + p.exitValue() + "): " + log(id));
            }
            try {
                return get(n, "healthz", null).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return n;
    }

    String log(String id) {
        try {
            return Files.readString(dir.resolve(id + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The cluster as {@code via} shows it ({@code /v1/cluster}). */
    Map<String, Object> cluster(Node via) throws Exception {
        return JSON.readValue(get(via, "v1/cluster", ADMIN).body(), MAP);
    }

    @SuppressWarnings("unchecked")
    String scheduler(Node via) throws Exception {
        Map<String, Object> s = (Map<String, Object>) cluster(via).get("schedulerNode");
        return Boolean.TRUE.equals(s.get("leaseValid")) && s.get("url") != null ? (String) s.get("node") : null;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> nodeRow(Node via, String id) throws Exception {
        for (Object o : (List<Object>) cluster(via).get("nodes")) {
            Map<String, Object> n = (Map<String, Object>) o;
            if (n.get("node").equals(id)) {
                return n;
            }
        }
        throw new AssertionError("node " + id + " is not in the registry");
    }

    Node node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    /** Waits until some node schedules and every started node is up in the registry; returns the scheduler's id. */
    String awaitReady(Node via) throws Exception {
        String[] s = new String[1];
        await(Duration.ofSeconds(60), "a scheduler with every node up", () -> {
            s[0] = scheduler(via);
            if (s[0] == null) {
                return false;
            }
            for (Node n : nodes) {
                if (n.process.isAlive() && !"up".equals(nodeRow(via, n.id).get("state"))) {
                    return false;
                }
            }
            return true;
        });
        return s[0];
    }

    HttpResponse<String> get(Node via, String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(via.url + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Submits through {@code via} with an idempotency key, retrying 503s and refused connections
     * (a takeover) until accepted; returns the task id.
     */
    String submit(Node via, String key, String idempotencyKey, Map<String, Object> body) throws Exception {
        String json = JSON.writeValueAsString(body);
        String[] id = new String[1];
        await(Duration.ofSeconds(60), "task " + idempotencyKey + " accepted through " + via.id, () -> {
            HttpRequest r = HttpRequest.newBuilder(URI.create(via.url + "v1/tasks")).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofString(json)).build();
            try {
                HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() == 202 || resp.statusCode() == 200) {
                    id[0] = (String) JSON.readValue(resp.body(), MAP).get("id");
                    return true;
                }
                if (resp.statusCode() >= 500) {
                    return false;
                }
                throw new AssertionError("submit refused with " + resp.statusCode() + ": " + resp.body());
            } catch (IOException e) {
                return false;
            }
        });
        return id[0];
    }

    /** One {@code POST /v1/tasks/batch} through {@code via}; the accepted tasks' ids, in order (no retry). */
    @SuppressWarnings("unchecked")
    List<String> submitBatch(Node via, String key, List<Map<String, Object>> tasks) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(via.url + "v1/tasks/batch")).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("tasks", tasks)))).build();
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new AssertionError("batch refused with " + resp.statusCode() + ": " + resp.body());
        }
        List<String> ids = new java.util.ArrayList<>();
        for (Map<String, Object> res : (List<Map<String, Object>>) JSON.readValue(resp.body(), MAP).get("results")) {
            if (((Number) res.get("status")).intValue() != 202) {
                throw new AssertionError("a task of the batch was refused: " + res);
            }
            ids.add((String) res.get("id"));
        }
        return ids;
    }


    Map<String, Object> awaitFinal(Node via, String key, String id, Duration within) throws Exception {
        Map<String, Object>[] view = new Map[1];
        String[] last = {"no answer yet"};
        try {
            await(within, "task " + id + " final", () -> {
                try {
                    HttpResponse<String> r = get(via, "v1/tasks/" + id + "?wait=5s", key);
                    last[0] = "HTTP " + r.statusCode() + ": " + r.body();
                    if (r.statusCode() != 200) {
                        return false;
                    }
                    view[0] = JSON.readValue(r.body(), MAP);
                    return List.of("SUCCEEDED", "FAILED", "CANCELLED", "DEAD_LETTERED", "REJECTED")
                            .contains((String) view[0].get("state"));
                } catch (IOException e) {
                    last[0] = e.toString();
                    return false;
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("task " + id + " did not end within " + within.toSeconds() + " s; the last answer of "
                    + via.id + " was " + last[0] + "\n" + diagnosis(), e);
        }
        return view[0];
    }

    /** What a failed wait needs to be understood: each node's view of the cluster and its log's tail. */
    String diagnosis() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes) {
            b.append("--- node ").append(n.id).append(n.process.isAlive() ? "" : " (exited)").append(": ");
            try {
                b.append(get(n, "v1/cluster", ADMIN).body());
            } catch (Exception e) {
                b.append("/v1/cluster failed: ").append(e);
            }
            String[] lines = log(n.id).split("\n");
            b.append("\n").append(String.join("\n",
                    java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length))).append('\n');
        }
        return b.toString();
    }

    void kill9(Node n) throws InterruptedException {
        n.process.destroyForcibly(); // SIGKILL
        n.process.waitFor();
    }

    /** Polls {@code condition} (which may throw to fail at once) until true or {@code within} passes. */
    static void await(Duration within, String what, Check condition) throws Exception {
        org.awaitility.Awaitility.await(what).atMost(within).pollInterval(Duration.ofMillis(200))
                .pollDelay(Duration.ZERO).ignoreExceptionsMatching(e -> e instanceof IOException)
                .until(condition::ok);
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    /** Rows of the shared schema, read directly (what the cluster stored, not what it says). */
    List<Map<String, Object>> query(String sql) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url(null)); var s = c.createStatement();
             var rs = s.executeQuery(sql)) {
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

    @Override
    public void close() throws Exception {
        for (Node n : nodes) {
            n.process.destroyForcibly();
            n.gate.close();
        }
        for (Node n : nodes) {
            n.process.waitFor();
        }
        try (Connection c = DriverManager.getConnection(base); var s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
