package io.trinity.pool.bench.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.bench.report.Report;
import io.trinity.pool.bench.report.Stats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * {@code ./tri bench cluster}: three {@code tri serve --node-id} processes on this machine sharing
 * one PostgreSQL database (issue 15's targets): end-to-end throughput of short tasks submitted
 * through all three fronts; what a remote dispatch adds over a local one (the scheduler's
 * start-to-end time of the same tasks run on its own node and on another); and the scheduler's
 * failover after a {@code kill -9}, with the default timeouts, counting lost tasks.
 */
public final class ClusterReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final String ADMIN = "k-admin";
    private static final String TENANT = "k-bench";
    /** What {@code tri serve} prints once it listens. */
    private static final Pattern LISTENING = Pattern.compile("tri serve: listening on (http://\\S+/)");

    private final Report report;
    private final boolean quick;
    private final String pg;
    private final Path root;
    private final Path dir;
    private final String schema = "bench_cluster_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();
    /** The sections to run (throughput, latency, failover); empty for all. */
    private final List<String> only;

    private record Node(String id, Process process, String url) {
    }

    public ClusterReport(Report report, boolean quick, String pg, List<String> only) throws IOException {
        this.only = only == null ? List.of() : only;
        if (pg == null || !pg.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("bench cluster needs PostgreSQL: pass --pg jdbc:postgresql://... or set"
                    + " TRINITY_TEST_PG_URL (bash .ci/postgres prints one); got " + pg);
        }
        this.report = report;
        this.quick = quick;
        this.pg = pg;
        this.root = report.results().getParent().getParent();
        this.dir = Files.createTempDirectory("trinity-bench-cluster");
        Files.writeString(dir.resolve("keys.json"), "{\"keys\": [{\"key\": \"" + ADMIN + "\", \"tenant\": \"ops\","
                + " \"role\": \"admin\"}, {\"key\": \"" + TENANT + "\", \"tenant\": \"bench\", \"role\": \"tenant\"}]}");
    }

    public void run() throws Exception {
        Path jar = root.resolve("cli/target/tri.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./tri --version builds it)");
        }
        md.append("## Cluster: three nodes on one machine\n\n")
                .append("`./tri bench cluster` at ").append(Instant.now()).append(": three `tri serve --node-id` JVMs")
                .append(" (`--max-agents 8 --warm 6 --queue 20000`, default `--node-timeout 10s`) and PostgreSQL ")
                .append(version()).append(" on this machine (").append(Runtime.getRuntime().availableProcessors())
                .append(" cores shared by all of them and the client).\n\n");
        try {
            for (String id : List.of("n1", "n2", "n3")) {
                start(id, jar);
            }
            String scheduler = awaitScheduler();
            if (runs("throughput")) {
                throughput(scheduler);
            }
            if (runs("latency")) {
                latency(scheduler);
            }
            if (runs("failover")) {
                failover(jar);
            }
        } finally {
            nodes.values().forEach(n -> n.process.destroyForcibly());
            for (Node n : nodes.values()) {
                n.process.waitFor();
            }
            try (Connection c = DriverManager.getConnection(pg); var s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
        report.write("cluster", md.toString());
    }

    private boolean runs(String section) {
        return only.isEmpty() || only.contains(section);
    }

    private String version() {
        try (Connection c = DriverManager.getConnection(pg); var s = c.createStatement();
             var rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            return "(version unknown)";
        }
    }

    /**
     * Starts node {@code id} on a port it picks itself ({@code --port 0}: a port probed here and
     * handed over could be taken meanwhile) and waits until it answers /healthz at the address it prints.
     */
    private void start(String id, Path jar) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String url = pg + (pg.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Path log = dir.resolve(id + ".log");
        long from = log.toFile().length(); // a restarted node appends to its log
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-jar", jar.toString(),
                "serve", "--node-id", id, "--port", "0", "--keys", dir.resolve("keys.json").toString(),
                "--journal", url, "--max-agents", "8", "--warm", "6", "--queue", "20000", "--rate-limit", "0")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Node n = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("node " + id + " exited; see " + log);
            }
            if (n == null) {
                byte[] out = Files.readAllBytes(log); // from is a byte offset
                int at = (int) Math.min(from, out.length);
                Matcher m = LISTENING.matcher(new String(out, at, out.length - at, StandardCharsets.UTF_8));
                if (m.find()) {
                    n = new Node(id, p, m.group(1));
                    nodes.put(id, n);
                }
            } else {
                try {
                    if (get(n, "healthz", null).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not yet listening
                }
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("node " + id + " did not answer within 60 s; see " + log);
    }

    private HttpResponse<String> get(Node n, String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(n.url + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> cluster(Node via) throws IOException, InterruptedException {
        return JSON.readValue(get(via, "v1/cluster", ADMIN).body(), MAP);
    }

    /** A counter or gauge of a node's own {@code /metrics} (the line with its node label), 0 when absent. */
    private long metric(Node via, String name) throws IOException, InterruptedException {
        for (String line : get(via, "metrics", ADMIN).body().split("\n")) {
            if (line.startsWith(name + "{node=")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Waits for a scheduler that serves and every live node up; its id. */
    @SuppressWarnings("unchecked")
    private String awaitScheduler() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (Node via : nodes.values()) {
                if (!via.process.isAlive()) {
                    continue;
                }
                try {
                    Map<String, Object> c = cluster(via);
                    Map<String, Object> s = (Map<String, Object>) c.get("schedulerNode");
                    boolean allUp = ((List<Map<String, Object>>) c.get("nodes")).stream()
                            .filter(n -> nodes.get((String) n.get("node")).process.isAlive())
                            .allMatch(n -> "up".equals(n.get("state")));
                    Node named = nodes.get((String) s.get("node"));
                    if (Boolean.TRUE.equals(s.get("leaseValid")) && s.get("url") != null && allUp
                            && named != null && named.process.isAlive()
                            && get(via, "readyz", null).statusCode() == 200) {
                        return (String) s.get("node");
                    }
                } catch (IOException e) {
                    // a takeover in progress
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no scheduler within 60 s; see the logs in " + dir);
    }

    /** Submits without waiting; the id, or null when refused (a takeover, a full queue). */
    private String submit(Node via, String key, String idempotencyKey, String text) throws InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(via.url + "v1/tasks")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"generic\", \"input\": {\"op\": \"count\","
                        + " \"text\": \"" + text + "\"}}"));
        if (idempotencyKey != null) {
            r.header("Idempotency-Key", idempotencyKey);
        }
        try {
            HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == 202 || resp.statusCode() == 200) {
                return (String) JSON.readValue(resp.body(), MAP).get("id");
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private Map<String, Object> awaitFinal(Node via, String id) throws Exception {
        for (int i = 0; i < 60; i++) {
            try {
                HttpResponse<String> r = get(via, "v1/tasks/" + id + "?wait=10s", TENANT);
                if (r.statusCode() == 200) {
                    Map<String, Object> v = JSON.readValue(r.body(), MAP);
                    if (v.get("endedAt") != null) {
                        return v;
                    }
                }
            } catch (IOException e) {
                // a takeover; ask again
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("task " + id + " did not end within 10 minutes");
    }

    @SuppressWarnings("unchecked")
    private long succeeded(Node via) throws Exception {
        Map<String, Object> p = JSON.readValue(get(via, "v1/pool", ADMIN).body(), MAP);
        Object n = ((Map<String, Object>) p.get("tasks")).get("SUCCEEDED");
        return n == null ? 0 : ((Number) n).longValue();
    }

    private void throughput(String scheduler) throws Exception {
        // the JIT first: the same load, not counted (a cold JVM serves a fraction of its warm rate)
        load(scheduler, quick ? Duration.ofSeconds(6) : Duration.ofSeconds(15), false);
        md.append("### Throughput\n\n");
        load(scheduler, quick ? Duration.ofSeconds(8) : Duration.ofSeconds(20), true);
        batches(scheduler, quick ? Duration.ofSeconds(4) : Duration.ofSeconds(10), false);
        batches(scheduler, quick ? Duration.ofSeconds(8) : Duration.ofSeconds(20), true);
    }

    private static final int BATCH = 100;
    private static final int BATCH_CLIENTS = 12;

    /**
     * The same tasks submitted {@value #BATCH} to a request ({@code POST /v1/tasks/batch}) by
     * {@value #BATCH_CLIENTS} clients spread over the fronts, each waiting for the last task of
     * its batch to end before it sends the next (a closed loop: at most clients × batch in flight).
     */
    private void batches(String scheduler, Duration length, boolean report) throws Exception {
        Node sched = nodes.get(scheduler);
        long before = succeeded(sched);
        LongAdder accepted = new LongAdder();
        LongAdder refused = new LongAdder();
        LongAdder requests = new LongAdder();
        Histogram batchMicros = new Histogram(3);
        AtomicBoolean stop = new AtomicBoolean();
        List<Node> fronts = List.copyOf(nodes.values());
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < BATCH_CLIENTS; c++) {
                Node via = fronts.get(c % fronts.size());
                int client = c;
                ex.submit(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        StringBuilder body = new StringBuilder("{\"tasks\": [");
                        for (int k = 0; k < BATCH; k++) {
                            body.append(k == 0 ? "" : ", ").append("{\"type\": \"generic\", \"input\": {\"op\":")
                                    .append(" \"count\", \"text\": \"short task ").append(i++).append(" of client ")
                                    .append(client).append(" through ").append(via.id).append("\"}}");
                        }
                        long s = System.nanoTime();
                        String last = null;
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(via.url + "v1/tasks/batch"))
                                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TENANT)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            requests.increment();
                            if (r.statusCode() == 200) {
                                for (var res : JSON.readTree(r.body()).get("results")) {
                                    if (res.get("status").asInt() == 202) {
                                        accepted.increment();
                                        last = res.get("id").asText();
                                    } else {
                                        refused.increment();
                                    }
                                }
                                synchronized (batchMicros) {
                                    batchMicros.recordValue(Math.max(1, (System.nanoTime() - s) / 1_000));
                                }
                            } else {
                                refused.add(BATCH);
                            }
                        } catch (IOException e) {
                            refused.add(BATCH);
                        }
                        if (last == null) {
                            Thread.sleep(5);
                        } else {
                            awaitFinal(via, last);
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(length.toMillis());
            stop.set(true);
        }
        long submitted = accepted.sum();
        long done = awaitSucceeded(sched, before, submitted);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!report) {
            return;
        }
        Map<String, Object> c = cluster(sched);
        md.append("**Batches of ").append(BATCH).append("** (`POST /v1/tasks/batch`): ").append(BATCH_CLIENTS)
                .append(" clients (virtual threads) spread evenly over the three fronts, each sending a batch of ")
                .append(BATCH).append(" of the same tasks and waiting (long-poll) for its last task to end before")
                .append(" the next, for ").append(length.toSeconds()).append(" s (after a ").append(length.toSeconds() / 2)
                .append(" s warm-up, not counted); throughput as above.\n\n")
                .append("| requests | accepted | succeeded | refused | seconds | tasks/s | batch answer p50 | batch answer p99 |\n")
                .append("|---|---|---|---|---|---|---|---|\n")
                .append(String.format("| %d | %d | %d | %d | %.1f | **%.0f** | %.1f ms | %.1f ms |%n%n", requests.sum(),
                        submitted, done, refused.sum(), seconds, done / seconds,
                        batchMicros.getValueAtPercentile(50) / 1000.0, batchMicros.getValueAtPercentile(99) / 1000.0))
                .append("Dispatches so far (local / remote to the task's front): ").append(c.get("dispatches"))
                .append("; calls per node: ").append(calls(c)).append(".\n\n");
    }

    /** How many more tasks succeeded than {@code before}, once all {@code submitted} did or 120 s passed. */
    private long awaitSucceeded(Node sched, long before, long submitted) throws Exception {
        long submitEnd = System.nanoTime();
        while (succeeded(sched) - before < submitted && System.nanoTime() - submitEnd < Duration.ofSeconds(120).toNanos()) {
            Thread.sleep(20);
        }
        return succeeded(sched) - before;
    }

    private void load(String scheduler, Duration length, boolean report) throws Exception {
        Node sched = nodes.get(scheduler);
        long before = succeeded(sched);
        int clients = 64;
        LongAdder accepted = new LongAdder();
        LongAdder refused = new LongAdder();
        Histogram submitMicros = new Histogram(3);
        AtomicBoolean stop = new AtomicBoolean();
        List<Node> fronts = List.copyOf(nodes.values());
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                Node via = fronts.get(c % fronts.size());
                ex.submit(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        long s = System.nanoTime();
                        String id = submit(via, TENANT, null, "short task " + (i++) + " through " + via.id);
                        if (id != null) {
                            accepted.increment();
                            synchronized (submitMicros) {
                                submitMicros.recordValue(Math.max(1, (System.nanoTime() - s) / 1_000));
                            }
                        } else {
                            refused.increment();
                            Thread.sleep(5);
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(length.toMillis());
            stop.set(true);
        }
        long submitted = accepted.sum();
        long done = awaitSucceeded(sched, before, submitted);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!report) {
            return;
        }
        Map<String, Object> c = cluster(sched);
        md.append("**One task per request** (`POST /v1/tasks`): ").append(clients).append(" HTTP clients (virtual threads) submit `generic` `count`")
                .append(" tasks of one short sentence for ").append(length.toSeconds()).append(" s (after as long a run")
                .append(" to warm the JVMs up, not counted), spread evenly over the")
                .append(" three fronts (no idempotency keys); throughput is the tasks that succeeded divided by the time")
                .append(" from the first submit to the last end.\n\n")
                .append("| accepted | succeeded | refused (retried) | seconds | tasks/s | submit p50 | submit p99 |\n")
                .append("|---|---|---|---|---|---|---|\n")
                .append(String.format("| %d | %d | %d | %.1f | **%.0f** | %.1f ms | %.1f ms |%n%n", submitted, done,
                        refused.sum(), seconds, done / seconds, submitMicros.getValueAtPercentile(50) / 1000.0,
                        submitMicros.getValueAtPercentile(99) / 1000.0))
                .append("Dispatches so far (local / remote to the task's front): ").append(c.get("dispatches"))
                .append("; calls per node: ").append(calls(c)).append(".\n\n");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> calls(Map<String, Object> cluster) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map<String, Object> n : (List<Map<String, Object>>) cluster.get("nodes")) {
            m.put((String) n.get("node"), n.get("calls"));
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private void latency(String scheduler) throws Exception {
        Node sched = nodes.get(scheduler);
        Node worker = nodes.values().stream().filter(n -> !n.id.equals(scheduler)).findFirst().orElseThrow();
        // more samples steady a p99 on a busy machine: java -Dtrinity.bench.latencySamples=1000 -jar ...
        int n = Integer.getInteger("trinity.bench.latencySamples", quick ? 100 : 400);
        md.append("### Remote against local dispatch\n\n").append(n).append(" tasks one at a time through the")
                .append(" scheduler's front (they run on its own agents) and ").append(n).append(" through another")
                .append(" node's front (they run there: the call and its end travel on the scheduler's direct link to that node,"
                        + " with PostgreSQL rows and LISTEN/NOTIFY as the fallback), taking turns (one of each, in"
                        + " alternating order), so a slow stretch of the machine falls on both alike. \"run\"")
                .append(" is the scheduler's start-to-end time of a task as the API reports it (`startedAt` to")
                .append(" `endedAt`; the end counts once it is durable in the journal, as for every task);")
                .append(" \"attempt\" is the scheduler's own time from dispatch to the attempt's end, before the")
                .append(" journal commit both paths share (`task.end`'s `ms` from `/v1/events`, whole milliseconds,")
                .append(" rounded down); \"client\" is submit to the long-poll's answer.\n\n")
                .append("| via | attempt p50 | attempt p99 | run p50 | run p99 | client p50 | client p99 |\n")
                .append("|---|---|---|---|---|---|---|\n");
        Map<String, Long> attemptMs = new ConcurrentHashMap<>();
        Thread events = Thread.ofVirtual().start(() -> readEnds(sched, attemptMs));
        double[] p99 = new double[2];
        double[] attemptP99 = new double[2];
        for (int i = 0; i < n; i++) { // warm-up of both paths, not counted
            Node via = i % 2 == 0 ? sched : worker;
            String id = submit(via, TENANT, null, "warm-up " + i);
            if (id != null) {
                awaitFinal(via, id);
            }
        }
        // the two kinds of probe take turns (the order alternating too), so a slow stretch of this
        // shared machine (a checkpoint, another process) falls on both alike, not on one phase
        List<Node> vias = List.of(sched, worker);
        long workerCalls0 = metric(worker, "trinity_cluster_node_calls_total");
        long workerLinked0 = metric(worker, "trinity_cluster_node_linked_calls_total");
        Map<String, Object> d0 = (Map<String, Object>) cluster(sched).get("dispatches");
        long[][] run = new long[2][n];
        long[][] client = new long[2][n];
        long[][] attempt = new long[2][n];
        for (int i = 0; i < n; i++) {
            for (int turn = 0; turn < 2; turn++) {
                int v = (i + turn) % 2;
                Node via = vias.get(v);
                long s = System.nanoTime();
                String id = submit(via, TENANT, null, "latency probe " + i + " via " + via.id);
                if (id == null) {
                    turn--;
                    Thread.sleep(10);
                    continue;
                }
                Map<String, Object> t = awaitFinal(via, id);
                client[v][i] = System.nanoTime() - s;
                // the start time comes from the dispatch event, which reaches the API's event feed
                // asynchronously: on a busy machine the end can be answered first. The event carries
                // its own time, so reading the task again measures the same thing.
                for (int k = 0; k < 100 && t.get("startedAt") == null; k++) {
                    Thread.sleep(10);
                    t = JSON.readValue(get(via, "v1/tasks/" + id, TENANT).body(), MAP);
                }
                run[v][i] = Duration.between(Instant.parse((String) t.get("startedAt")),
                        Instant.parse((String) t.get("endedAt"))).toNanos();
                for (int k = 0; k < 500 && !attemptMs.containsKey(id); k++) {
                    Thread.sleep(2);
                }
                Long ms = attemptMs.get(id);
                if (ms == null) {
                    throw new IllegalStateException("no task.end event for task " + id + " within 1 s on /v1/events");
                }
                attempt[v][i] = ms;
            }
        }
        Map<String, Object> d1 = (Map<String, Object>) cluster(sched).get("dispatches");
        long workerCalls = metric(worker, "trinity_cluster_node_calls_total") - workerCalls0;
        long workerLinked = metric(worker, "trinity_cluster_node_linked_calls_total") - workerLinked0;
        for (int v = 0; v < 2; v++) {
            Node via = vias.get(v);
            java.util.Arrays.sort(run[v]);
            java.util.Arrays.sort(client[v]);
            java.util.Arrays.sort(attempt[v]);
            attemptP99[v] = Stats.percentileSorted(attempt[v], 99);
            p99[v] = Stats.percentileSorted(run[v], 99) / 1e6;
            md.append(String.format("| %s (%s) | %d ms | %d ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n",
                    via.id, via == sched ? "scheduler" : "other node",
                    Stats.percentileSorted(attempt[v], 50), Stats.percentileSorted(attempt[v], 99),
                    Stats.percentileSorted(run[v], 50) / 1e6, Stats.percentileSorted(run[v], 99) / 1e6,
                    Stats.percentileSorted(client[v], 50) / 1e6, Stats.percentileSorted(client[v], 99) / 1e6));
        }
        md.append(String.format("%nDispatches of the %d probes (local / remote to the task's front): %d / %d.%n", 2 * n,
                ((Number) d1.get("local")).longValue() - ((Number) d0.get("local")).longValue(),
                ((Number) d1.get("remote")).longValue() - ((Number) d0.get("remote")).longValue()));
        events.interrupt();
        md.append(String.format("%nCalls the other node ran in its %d tasks: %d, of them %d on the direct link.%n",
                n, workerCalls, workerLinked));
        md.append(String.format("%nRemote adds **%.0f ms** at p99 of the attempt (dispatch to end, target <= 5 ms) and"
                + " %.2f ms at p99 of the run time with the end's journal commit.%n%n", attemptP99[1] - attemptP99[0],
                p99[1] - p99[0]));
    }

    /** Reads {@code task.end} events of succeeded attempts from the event stream: task id to the attempt's ms. */
    private void readEnds(Node via, Map<String, Long> attemptMs) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(via.url + "v1/events"))
                .header("Authorization", "Bearer " + TENANT).header("Accept", "text/event-stream").build();
        try {
            http.send(r, HttpResponse.BodyHandlers.ofLines()).body().forEach(line -> {
                if (line.startsWith("data:") && line.contains("\"task.end\"")) {
                    try {
                        var e = JSON.readTree(line.substring(5).trim());
                        if ("succeeded".equals(e.path("outcome").asText())) {
                            attemptMs.put(e.get("task").asText(), e.get("ms").asLong());
                        }
                    } catch (IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // the stream ended (the bench moved on, or a node died)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private void failover(Path jar) throws Exception {
        int rounds = quick ? 1 : 3;
        md.append("### Failover of the scheduler\n\n").append(rounds).append(" rounds: while a client submits a keyed")
                .append(" task every 20 ms through every live front (retrying refusals with the same key), the")
                .append(" scheduler's process gets `kill -9`; then it is started again as a worker. \"client gap\" is")
                .append(" the longest time no submit was accepted; \"takeover\" is the new scheduler's own event (from")
                .append(" the old one's last lease renewal to serving). Every accepted task is then read back.\n\n")
                .append("| round | killed | new scheduler | client gap | takeover | accepted | succeeded | lost |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (int round = 1; round <= rounds; round++) {
            String victim = awaitScheduler();
            Map<String, String> accepted = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong lastAccept = new AtomicLong(System.nanoTime());
            AtomicLong longestGap = new AtomicLong();
            int r = round;
            Thread client = Thread.ofVirtual().start(() -> {
                int i = 0;
                while (!stop.get()) {
                    String key = "fo-" + r + "-" + i;
                    List<Node> live = nodes.values().stream().filter(n -> n.process.isAlive()).toList();
                    Node via = live.get(i % live.size());
                    try {
                        String id = submit(via, TENANT, key, "failover probe " + i);
                        long now = System.nanoTime();
                        if (id != null) {
                            accepted.put(key, id);
                            longestGap.accumulateAndGet(now - lastAccept.getAndSet(now), Math::max);
                            i++;
                        }
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Thread.sleep(3_000);
            Node v = nodes.get(victim);
            v.process.destroyForcibly().waitFor();
            String now = awaitScheduler();
            Thread.sleep(3_000);
            stop.set(true);
            client.join();
            Map<String, Object> c = cluster(nodes.get(now));
            Object takeover = ((List<Map<String, Object>>) c.get("events")).stream()
                    .filter(e -> "scheduler.takeover".equals(e.get("kind"))).findFirst().map(e -> e.get("millis")).orElse("?");
            Node reader = nodes.get(now);
            int ok = 0;
            for (String id : accepted.values()) {
                if ("SUCCEEDED".equals(awaitFinal(reader, id).get("state"))) {
                    ok++;
                }
            }
            md.append(String.format("| %d | %s | %s | %.1f s | %s ms | %d | %d | %d |%n", round, victim, now,
                    longestGap.get() / 1e9, takeover, accepted.size(), ok, accepted.size() - ok));
            start(victim, jar);
        }
        md.append("\n");
    }
}
