package io.trinity.pool.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.trinity.pool.server.PoolServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's HTTP front: {@code /v1/cluster}, {@code /healthz}, {@code /readyz} and {@code /metrics}
 * answer from this node; every other call (the whole API, the dashboard) goes on to the
 * scheduler's pool server with {@code X-Trinity-Origin} naming this node, so tasks prefer this
 * node's agents: {@code POST /v1/tasks} and {@code GET /v1/tasks/{id}} in process or on the
 * scheduler's link ({@link #submit}, {@link #read}), the rest by HTTP. Streams (long-polls, server-sent events) are copied as they come.
 */
final class Front implements AutoCloseable {

    static final String ORIGIN_HEADER = "X-Trinity-Origin";
    private static final Logger LOG = LoggerFactory.getLogger(Front.class);
    private static final Set<String> HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings");
    private static final long MAX_BODY = 64L << 20;

    private final ClusterNode node;
    private final String bind;
    private final int port;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer server;
    /** {@code POST /v1/tasks} taken here, by the way it went to the scheduler's pool. */
    private final LongAdder submitsLocal = new LongAdder();
    private final LongAdder submitsLinked = new LongAdder();
    private final LongAdder submitsByHttp = new LongAdder();
    /** {@code GET /v1/tasks/{id}} taken here, by the way it went. */
    private final LongAdder readsLocal = new LongAdder();
    private final LongAdder readsLinked = new LongAdder();
    private final LongAdder readsByHttp = new LongAdder();
    /** The longest {@code ?wait=} of a read (the API's bound), which a read on the link may wait on top of the rest. */
    static final int TASK_WAIT_MAX_SECONDS = 60;
    /** How long a submit relayed on the link waits for its answer (a submit waits for its journal write at most). */
    static final int LINK_ANSWER_SECONDS = 30;

    Front(ClusterNode node, String bind, int port) {
        this.node = node;
        this.bind = bind;
        this.port = port;
    }

    void start() {
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 256);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "); is another server there? Pick another --port", e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        String h = bind.contains(":") ? "[" + bind + "]" : bind;
        return "http://" + h + ":" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            switch (path) {
                case "/v1/cluster" -> {
                    if (authorized(x)) {
                        json(x, 200, cluster());
                    } else {
                        json(x, 401, Map.of("error", "GET /v1/cluster needs an API key of this cluster in"
                                + " 'Authorization: Bearer KEY' (any role)", "field", "Authorization"));
                    }
                }
                case "/healthz" -> json(x, 200, Map.of("status", "ok", "node", node.node()));
                case "/readyz" -> {
                    String url = node.schedulerUrl();
                    String why = node.notReady();
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("node", node.node());
                    body.put("scheduler", url == null ? "none yet" : url);
                    body.put("lease", why == null); // the scheduler's, as /v1/cluster's leaseValid
                    body.put("nodeLease", node.leaseValid());
                    if (why != null) {
                        body.put("reason", why);
                    }
                    json(x, why == null ? 200 : 503, body);
                }
                case "/metrics" -> metrics(x);
                default -> relay(x);
            }
        } catch (IOException e) {
            LOG.debug("front: {} {} failed: {}", x.getRequestMethod(), x.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            LOG.warn("front: {} {} failed", x.getRequestMethod(), x.getRequestURI(), e);
            try {
                json(x, 500, Map.of("error", "the node failed: " + e));
            } catch (IOException | RuntimeException ignored) {
                // the answer had begun; nothing more to send
            }
        }
    }

    private boolean authorized(HttpExchange x) {
        var keys = node.settings().keys;
        if (keys == null) {
            return true;
        }
        String h = x.getRequestHeaders().getFirst("Authorization");
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) && keys.authenticate(h.substring(7).trim()).isPresent();
    }

    private void relay(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BODY + 1));
        if (body.length > MAX_BODY) {
            json(x, 413, Map.of("error", "the request body is larger than this node relays (" + MAX_BODY
                    + " bytes); send attachments smaller, or split the work into several tasks", "node", node.node()));
            return;
        }
        String path = x.getRequestURI().getRawPath();
        String query = x.getRequestURI().getRawQuery();
        if (x.getRequestMethod().equals("POST") && path.equals("/v1/tasks") && query == null && submit(x, body)) {
            return;
        }
        if (x.getRequestMethod().equals("GET") && body.length == 0) {
            Matcher task = TASK_PATH.matcher(path);
            Matcher wait = query == null ? null : WAIT_QUERY.matcher(query);
            if (task.matches() && (wait == null || wait.matches())
                    && read(x, task.group(1), wait == null ? null : wait.group(1))) {
                return;
            }
        }
        proxy(x, body);
    }

    /** {@code GET /v1/tasks/{id}} with a plain id, and a query of at most a plain {@code wait}: the reads {@link #read} takes. */
    private static final Pattern TASK_PATH = Pattern.compile("/v1/tasks/([0-9]{1,19})");
    private static final Pattern WAIT_QUERY = Pattern.compile("wait=([A-Za-z0-9.]{1,40})");

    /**
     * {@code GET /v1/tasks/{id}[?wait=...]}, what a client does after each submit, the way
     * {@link #submit} goes: in process on the scheduler, on the scheduler's link elsewhere. False
     * when neither is there, or when the link broke before the answer came (a read can simply be
     * made again): the call then goes by HTTP.
     */
    private boolean read(HttpExchange x, String id, String wait) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        PoolServer local = node.localServer();
        if (local != null) {
            PoolServer.Answer a = local.read(auth, id, wait);
            readsLocal.increment();
            answer(x, a.status(), a.headers(), a.body());
            return true;
        }
        LinkServer.Link link = node.schedulerLink();
        CompletableFuture<JsonNode> asked = link == null ? null : link.read(auth, id, wait);
        if (asked == null) {
            return false;
        }
        JsonNode f;
        try {
            f = asked.get(LINK_ANSWER_SECONDS + TASK_WAIT_MAX_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            asked.cancel(false);
            LOG.debug("front: a read relayed on the scheduler's link has no answer ({}); it goes by HTTP", e.toString());
            return false;
        } catch (InterruptedException e) {
            asked.cancel(false);
            Thread.currentThread().interrupt();
            return true;
        }
        if (f.path("byHttp").asBoolean()) {
            return false; // an answer too large for the link: read it by HTTP
        }
        readsLinked.increment();
        answer(x, f);
        return true;
    }

    /**
     * {@code POST /v1/tasks} without a second HTTP hop, the API's busiest call: on the scheduler
     * straight into its pool server; on another node over the scheduler's direct link to this node
     * (one frame each way on a socket already open, where HTTP costs a client's and a server's
     * request handling). False when neither is there (no scheduler yet, or no link from it): the
     * call then goes by HTTP.
     */
    private boolean submit(HttpExchange x, byte[] body) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String key = x.getRequestHeaders().getFirst("Idempotency-Key");
        PoolServer local = node.localServer();
        if (local != null) {
            PoolServer.Answer a = local.submit(auth, key, node.node(), body);
            submitsLocal.increment();
            answer(x, a.status(), a.headers(), a.body());
            return true;
        }
        LinkServer.Link link = node.schedulerLink();
        CompletableFuture<JsonNode> asked = link == null ? null : link.submit(auth, key, node.node(), body);
        if (asked == null) {
            return false;
        }
        submitsLinked.increment();
        JsonNode f;
        try {
            f = asked.get(LINK_ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            asked.cancel(false); // a late answer then finds no one waiting
            String why = e instanceof TimeoutException ? "did not answer within " + LINK_ANSWER_SECONDS + " s"
                    : e.getCause().getMessage();
            LOG.info("front: a submit relayed to the scheduler on its link has no answer ({})", why);
            x.getResponseHeaders().set("Retry-After", "1");
            json(x, 503, Map.of("error", "the scheduler took the task on its link but its answer did not come (" + why
                    + "); it may or may not be accepted: retry with the same Idempotency-Key to be sure of one task",
                    "node", node.node()));
            return true;
        } catch (InterruptedException e) {
            asked.cancel(false);
            Thread.currentThread().interrupt();
            return true;
        }
        answer(x, f);
        return true;
    }

    /** Answers with what an {@code answer} frame from the scheduler carries. */
    private static void answer(HttpExchange x, JsonNode f) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        f.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        answer(x, f.path("status").asInt(500), headers, f.path("body").binaryValue());
    }

    private static void answer(HttpExchange x, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((name, value) -> x.getResponseHeaders().set(name, value));
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }

    private void proxy(HttpExchange x, byte[] body) throws IOException {
        submitsByHttp.add(x.getRequestMethod().equals("POST") && x.getRequestURI().getRawPath().equals("/v1/tasks") ? 1 : 0);
        readsByHttp.add(x.getRequestMethod().equals("GET") && TASK_PATH.matcher(x.getRequestURI().getRawPath()).matches() ? 1 : 0);
        for (int attempt = 0; attempt < 2; attempt++) {
            String base = node.schedulerUrl();
            if (base == null) {
                break;
            }
            URI target = URI.create(base.replaceAll("/$", "") + x.getRequestURI().getRawPath()
                    + (x.getRequestURI().getRawQuery() == null ? "" : "?" + x.getRequestURI().getRawQuery()));
            int timeout = relayTimeoutSeconds(x.getRequestURI().getRawQuery());
            HttpRequest.Builder rb = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(timeout))
                    .method(x.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            x.getRequestHeaders().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.equalsIgnoreCase(ORIGIN_HEADER)) {
                    values.forEach(v -> rb.header(name, v));
                }
            });
            rb.header(ORIGIN_HEADER, node.node());
            HttpResponse<InputStream> r;
            try {
                r = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.net.http.HttpTimeoutException e) {
                // sent, maybe taken, not answered (a paused or cut-off scheduler): not sent again
                LOG.info("front: scheduler {} did not answer {} {} within {} s", base, x.getRequestMethod(),
                        x.getRequestURI().getRawPath(), timeout);
                x.getResponseHeaders().set("Retry-After", "1");
                json(x, 503, Map.of("error", "the scheduler at " + base + " did not answer within " + timeout + " s (it"
                        + " may be paused, or cut off from the database, and another node taking over); retry the call,"
                        + " with the same Idempotency-Key for a submit", "reason", "scheduler_timeout", "node", node.node()));
                return;
            } catch (IOException e) {
                LOG.debug("front: scheduler {} unreachable: {}", base, e.toString());
                continue; // a takeover may have moved it; the next read of the registry tells
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            r.headers().map().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    x.getResponseHeaders().put(name, values);
                }
            });
            long length = r.headers().firstValueAsLong("content-length").orElse(0);
            boolean noBody = x.getRequestMethod().equals("HEAD") || r.statusCode() == 204 || r.statusCode() == 304;
            x.sendResponseHeaders(r.statusCode(), noBody ? -1 : length);
            try (InputStream in = r.body(); OutputStream out = x.getResponseBody()) {
                byte[] buf = new byte[16 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    if (in.available() == 0) {
                        out.flush(); // streams (events, long-polls) go out as they come
                    }
                }
            }
            return;
        }
        x.getResponseHeaders().set("Retry-After", "1");
        json(x, 503, Map.of("error", "no scheduler answers yet (a takeover takes up to the node timeout, "
                + node.settings().nodeTimeout.toSeconds() + " s); retry the call, with the same Idempotency-Key for"
                + " a submit", "node", node.node()));
    }

    /**
     * How long a call relayed by HTTP may wait for the scheduler's answer to begin: a long poll's
     * {@code wait} (at most {@value #TASK_WAIT_MAX_SECONDS} s) on top of {@value #LINK_ANSWER_SECONDS} s. An
     * event stream's answer begins at once; only its start is bounded.
     */
    static int relayTimeoutSeconds(String rawQuery) {
        return LINK_ANSWER_SECONDS + (rawQuery != null && rawQuery.contains("wait=") ? TASK_WAIT_MAX_SECONDS : 0);
    }

    private Map<String, Object> cluster() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node.node());
        m.put("scheduler", node.isScheduler());
        try (Connection c = node.database().connection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT node, url, epoch, since, lease_until,"
                    + " lease_until > now() FROM cluster_leader WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("node", rs.getString(1));
                s.put("url", rs.getString(2));
                s.put("epoch", rs.getLong(3));
                s.put("since", rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant().toString());
                s.put("leaseValid", rs.getBoolean(6));
                m.put("schedulerNode", s);
            }
            List<Map<String, Object>> nodes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT node, url, max_agents, incarnation, state,"
                    + " heartbeat_at >= now() - ? * interval '1 millisecond', agents, busy,"
                    + " (extract(epoch FROM (now() - heartbeat_at)) * 1000)::bigint, reason, calls FROM cluster_nodes ORDER BY node")) {
                ps.setLong(1, node.settings().nodeTimeout.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> n = new LinkedHashMap<>();
                        n.put("node", rs.getString(1));
                        n.put("url", rs.getString(2));
                        n.put("maxAgents", rs.getInt(3));
                        n.put("incarnation", rs.getLong(4));
                        n.put("state", rs.getString(5).equals("up") && !rs.getBoolean(6) ? "silent" : rs.getString(5));
                        n.put("agents", rs.getInt(7));
                        n.put("busy", rs.getInt(8));
                        n.put("heartbeatAgoMillis", rs.getLong(9));
                        n.put("reason", rs.getString(10));
                        n.put("calls", rs.getLong(11));
                        nodes.add(n);
                    }
                }
            }
            m.put("nodes", nodes);
            PoolServer local = node.localServer();
            if (local != null) {
                var snap = local.pool().snapshot();
                m.put("dispatches", Map.of("local", snap.localDispatches(), "remote", snap.remoteDispatches()));
                Map<String, Map<String, Integer>> byNode = new java.util.TreeMap<>();
                for (var a : snap.agents()) {
                    if (a.node() != null && !a.state().isTerminal()) {
                        byNode.computeIfAbsent(a.node(), k -> new java.util.TreeMap<>()).merge(a.type(), 1, Integer::sum);
                    }
                }
                m.put("agentsByNode", byNode);
            }
            m.put("events", Events.recent(c, 50));
        } catch (SQLException e) {
            m.put("error", "the database does not answer: " + e.getMessage());
        }
        return m;
    }

    private void metrics(HttpExchange x) throws IOException {
        StringBuilder sb = new StringBuilder();
        PoolServer local = node.localServer();
        if (local != null) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(local.url() + "metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                sb.append(r.body());
            } catch (IOException e) {
                LOG.debug("front: local metrics: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        String n = "{node=\"" + node.node() + "\"}";
        sb.append("# HELP trinity_cluster_scheduler 1 when this node is the cluster's scheduler\n")
                .append("# TYPE trinity_cluster_scheduler gauge\n")
                .append("trinity_cluster_scheduler").append(n).append(' ').append(node.isScheduler() ? 1 : 0).append('\n')
                .append("# HELP trinity_cluster_node_agents agents this node hosts\n")
                .append("# TYPE trinity_cluster_node_agents gauge\n")
                .append("trinity_cluster_node_agents").append(n).append(' ').append(node.hostedAgents()).append('\n')
                .append("# HELP trinity_cluster_node_busy calls running on this node for other nodes' scheduler\n")
                .append("# TYPE trinity_cluster_node_busy gauge\n")
                .append("trinity_cluster_node_busy").append(n).append(' ').append(node.busy()).append('\n')
                .append("# HELP trinity_cluster_node_max_agents this node's --max-agents\n")
                .append("# TYPE trinity_cluster_node_max_agents gauge\n")
                .append("trinity_cluster_node_max_agents").append(n).append(' ')
                .append(node.settings().maxAgents).append('\n')
                .append("# HELP trinity_cluster_lease_valid 1 while this node's lease in the registry holds\n")
                .append("# TYPE trinity_cluster_lease_valid gauge\n")
                .append("trinity_cluster_lease_valid").append(n).append(' ').append(node.leaseValid() ? 1 : 0).append('\n')
                .append("# HELP trinity_cluster_node_calls_total calls this node's agents ran\n")
                .append("# TYPE trinity_cluster_node_calls_total counter\n")
                .append("trinity_cluster_node_calls_total").append(n).append(' ').append(node.calls()).append('\n')
                .append("# HELP trinity_cluster_node_linked_calls_total calls that came to this node on the scheduler's"
                        + " direct link (the others came by their assignment rows)\n")
                .append("# TYPE trinity_cluster_node_linked_calls_total counter\n")
                .append("trinity_cluster_node_linked_calls_total").append(n).append(' ').append(node.linkedCalls())
                .append('\n')
                .append("# HELP trinity_cluster_links_open the scheduler's open direct links to other nodes\n")
                .append("# TYPE trinity_cluster_links_open gauge\n")
                .append("trinity_cluster_links_open").append(n).append(' ').append(node.openLinks()).append('\n');
        byWay(sb, "trinity_cluster_front_submits_total", "POST /v1/tasks", submitsLocal, submitsLinked, submitsByHttp);
        byWay(sb, "trinity_cluster_front_reads_total", "GET /v1/tasks/{id}", readsLocal, readsLinked, readsByHttp);
        if (local != null) {
            var snap = local.pool().snapshot();
            sb.append("# HELP trinity_cluster_agents_possible agents the live nodes allow together (sum of --max-agents)\n")
                    .append("# TYPE trinity_cluster_agents_possible gauge\n")
                    .append("trinity_cluster_agents_possible ").append(node.possibleAgents()).append('\n')
                    .append("# HELP trinity_cluster_agents_desired agent slots wanted now: attempts running plus tasks"
                            + " queued or waiting to retry\n")
                    .append("# TYPE trinity_cluster_agents_desired gauge\n")
                    .append("trinity_cluster_agents_desired ").append(snap.running() + snap.queued() + snap.waitingRetry())
                    .append('\n')
                    .append("# HELP trinity_cluster_agents_live agents the scheduler's pool has, on every node\n")
                    .append("# TYPE trinity_cluster_agents_live gauge\n")
                    .append("trinity_cluster_agents_live ").append(snap.agents().size()).append('\n');
            sb.append("# HELP trinity_cluster_dispatches_total tasks the scheduler started, by where the agent was\n")
                    .append("# TYPE trinity_cluster_dispatches_total counter\n")
                    .append("trinity_cluster_dispatches_total{where=\"local\"} ").append(snap.localDispatches()).append('\n')
                    .append("trinity_cluster_dispatches_total{where=\"remote\"} ").append(snap.remoteDispatches()).append('\n');
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        x.sendResponseHeaders(200, b.length);
        x.getResponseBody().write(b);
    }

    /** One counter of calls this front took, by the way they reached the scheduler's pool. */
    private void byWay(StringBuilder sb, String name, String call, LongAdder local, LongAdder link, LongAdder http) {
        sb.append("# HELP ").append(name).append(' ').append(call).append(" this node's front took, by how it reached")
                .append(" the scheduler's pool: in this process, on the scheduler's link, or by HTTP\n")
                .append("# TYPE ").append(name).append(" counter\n");
        for (var way : List.of(Map.entry("local", local), Map.entry("link", link), Map.entry("http", http))) {
            sb.append(name).append("{node=\"").append(node.node()).append("\",via=\"").append(way.getKey()).append("\"} ")
                    .append(way.getValue().sum()).append('\n');
        }
    }

    private static void json(HttpExchange x, int status, Object body) throws IOException {
        byte[] b = Wire.write(body).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
