package io.trinity.pool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.journal.jdbc.Journals;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@code tri chaos kill9}: owns the child {@code tri serve} processes and
 * what the client was told. The record is the client's view only (acknowledged keys and their
 * ids, every final state any answer showed), because that is the promise under test: what a
 * client was told stays true across any number of kills.
 */
final class ChaosCampaign {

    private static final String KEY = "chaos-secret";
    private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "DEAD_LETTERED");
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);
    private static final Duration FINISH_DEADLINE = Duration.ofMinutes(5);

    /** The campaign's verdict. */
    record Outcome(int acknowledged, int finals, Map<String, Integer> finalByState, int lost, int disagreements,
                   String kills, List<String> problems, int snapshots, int snapshotsMissing) {
    }

    private enum Moment { SUBMITS, RUNNING, DRAIN, IDLE }

    /** Where a crash cycle's kill falls; IDLE is the extra start's, after a graceful stop saved snapshots. */
    private static final Moment[] CRASH_MOMENTS = {Moment.SUBMITS, Moment.RUNNING, Moment.DRAIN};

    private final Path dir;
    private final String journal;
    private final Random random;
    private final PrintWriter out;
    private final Path keysFile;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final List<String> pending = new ArrayList<>();          // keys not yet acknowledged
    private final Map<String, String> idByKey = new LinkedHashMap<>();
    private final Map<String, Set<String>> finalsById = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<Moment, Integer> kills = new TreeMap<>();
    private int disagreements;
    private int nextKey;
    /** The newest agent snapshot id per agent type seen in the journal while a server lived. */
    private final Map<String, Long> newestSnapshot = new TreeMap<>();
    private final Set<Long> snapshotsSeen = new java.util.HashSet<>();
    private int snapshotsMissing;

    ChaosCampaign(Path dir, String journal, Random random, PrintWriter out) throws IOException {
        this.dir = dir;
        this.journal = journal;
        this.random = random;
        this.out = out;
        this.keysFile = Files.writeString(dir.resolve("keys.json"),
                "{\"keys\": [{\"key\": \"" + KEY + "\", \"tenant\": \"chaos\", \"role\": \"tenant\"}]}");
    }

    /** One start that ends in {@code kill -9} at a random moment. */
    void crashCycle(int cycle, int newTasks) throws Exception {
        for (int i = 0; i < newTasks; i++) {
            pending.add("chaos-" + (nextKey++));
        }
        Moment moment = CRASH_MOMENTS[random.nextInt(CRASH_MOMENTS.length)];
        Server server = start();
        try {
            recheckSomeAcknowledged(server);
            List<String> toSubmit = new ArrayList<>(pending);
            int killAt = moment == Moment.SUBMITS ? random.nextInt(toSubmit.size()) : -1;
            long killDelayMs = random.nextInt(moment == Moment.SUBMITS ? 20 : 400);
            for (int i = 0; i < toSubmit.size() && server.process.isAlive(); i++) {
                if (i == killAt) {
                    Thread.ofVirtual().start(() -> killAfter(server, killDelayMs));
                }
                submit(server, toSubmit.get(i));
            }
            if (moment == Moment.RUNNING) {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(killDelayMs);
                // read states while tasks run, so a final state reported before the kill is on record
                for (String id : new ArrayList<>(idByKey.values())) {
                    if (System.nanoTime() > until) {
                        break;
                    }
                    observe(server, id, null);
                }
                killAfter(server, Math.max(0, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            } else if (moment == Moment.DRAIN) {
                server.process.destroy(); // SIGTERM: the server starts draining
                killAfter(server, killDelayMs);
            }
        } finally {
            readSnapshots(null); // what is durable now was saved before the kill below
            server.process.destroyForcibly();
            server.process.waitFor();
        }
        kills.merge(moment, 1, Integer::sum);
        out.println("cycle " + cycle + ": killed " + describe(moment) + "; acknowledged " + idByKey.size()
                + ", not yet " + pending.size());
        out.flush();
    }

    /** A last start without a kill: submits what is left and waits for every acknowledged task to end. */
    Outcome finish() throws Exception {
        Server server = start();
        int lost = 0;
        try {
            recheckSomeAcknowledged(server);
            for (String k : new ArrayList<>(pending)) {
                if (!submit(server, k)) {
                    problems.add("key " + k + " was never acknowledged, even by the last start");
                }
            }
            long deadline = System.nanoTime() + FINISH_DEADLINE.toNanos();
            snapshotProbe(server, deadline);
            for (Map.Entry<String, String> e : idByKey.entrySet()) {
                String state = null;
                while (state == null || !FINAL.contains(state)) {
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    state = observe(server, e.getValue(), "30s");
                }
                if (state == null || !FINAL.contains(state)) {
                    lost++;
                    problems.add("lost: key " + e.getKey() + ", task " + e.getValue() + " answers " + state);
                }
            }
        } finally {
            server.process.destroy();
            if (!server.process.waitFor(60, TimeUnit.SECONDS)) {
                server.process.destroyForcibly().waitFor();
            }
        }
        boolean killedAfterSnapshots = snapshotsAcrossAKill();
        Map<String, Integer> byState = new TreeMap<>();
        int finals = 0;
        for (Map.Entry<String, String> e : idByKey.entrySet()) {
            Set<String> seen = finalsById.getOrDefault(e.getValue(), Set.of());
            if (seen.size() > 1) {
                disagreements++;
                problems.add("disagreement: task " + e.getValue() + " (key " + e.getKey() + ") reported " + seen);
            }
            if (!seen.isEmpty()) {
                finals++;
                byState.merge(seen.iterator().next(), 1, Integer::sum);
            }
        }
        StringBuilder k = new StringBuilder();
        kills.forEach((m, n) -> k.append(k.isEmpty() ? "" : ", ").append(n).append(' ').append(describe(m)));
        if (killedAfterSnapshots) {
            k.append(k.isEmpty() ? "" : ", ").append("1 ").append(describe(Moment.IDLE));
        }
        return new Outcome(idByKey.size(), finals, byState, lost + pending.size(), disagreements, k.toString(),
                problems, snapshotsSeen.size(), snapshotsMissing);
    }

    /**
     * Runs one {@code generic} task of the campaign's own in the last start, so the graceful stop
     * that follows always destroys an agent with a vocabulary to save. Without it the snapshot
     * check depended on where the kills fell: when every earlier server died by SIGKILL and the
     * last start had no generic task left to run, nothing was ever saved. Not counted among the
     * acknowledged keys (its key is new in every campaign); a probe that does not succeed is a problem.
     */
    private void snapshotProbe(Server server, long deadline) throws Exception {
        String key = "chaos-snapshot-" + java.util.UUID.randomUUID();
        JsonNode node = post(server, key, genericBody(key));
        if (node == null) {
            problems.add("the last start never acknowledged the snapshot probe (key " + key + ")");
            return;
        }
        String id = node.path("id").asText();
        String state = node.path("state").asText();
        while (!FINAL.contains(state) && System.nanoTime() < deadline) {
            String seen = observe(server, id, "30s");
            if (seen == null) {
                Thread.sleep(50); // no answer: try again
            } else {
                state = seen;
                if (seen.startsWith("HTTP ")) {
                    break;
                }
            }
        }
        if (!"SUCCEEDED".equals(state)) {
            problems.add("the snapshot probe (key " + key + ", task " + id + ") answers " + state
                    + " instead of SUCCEEDED, so the graceful stop may have no vocabulary to save");
        }
    }

    /**
     * The graceful stop above destroyed the agents, which saved their snapshots: start again
     * (checking them), kill -9 that server once it has recovered, start again (checking them
     * again) and stop. False, with a problem, when no snapshot was saved at all.
     */
    private boolean snapshotsAcrossAKill() throws Exception {
        readSnapshots(null);
        if (newestSnapshot.isEmpty()) {
            problems.add("no agent snapshot was saved, even by a graceful stop; the snapshot check had nothing to"
                    + " check");
            return false;
        }
        Server server = start();
        server.process.destroyForcibly();
        server.process.waitFor();
        server = start();
        server.process.destroy();
        if (!server.process.waitFor(60, TimeUnit.SECONDS)) {
            server.process.destroyForcibly().waitFor();
        }
        return true;
    }

    private static String describe(Moment m) {
        return switch (m) {
            case SUBMITS -> "during submits";
            case RUNNING -> "while tasks run";
            case DRAIN -> "while draining";
            case IDLE -> "after a graceful stop saved snapshots";
        };
    }

    /** Idempotency across kills: a repeated acknowledged key must name the task it named before. */
    private void recheckSomeAcknowledged(Server server) throws Exception {
        List<String> acked = new ArrayList<>(idByKey.keySet());
        for (int i = 0; i < Math.min(3, acked.size()); i++) {
            submit(server, acked.get(random.nextInt(acked.size()))); // a different id counts as a disagreement
        }
    }

    /**
     * Submits {@code key}, retrying connection errors and 429/503 while the server lives.
     * Returns whether it was acknowledged.
     */
    private boolean submit(Server server, String key) throws Exception {
        // Half the tasks go to the generic agent, whose snapshot (its vocabulary) the campaign checks.
        String body = (key.hashCode() & 1) == 0
                ? json.writeValueAsString(Map.of("type", "data", "input", Map.of("op", "stats", "csv", csv(key))))
                : genericBody(key);
        JsonNode node = post(server, key, body);
        if (node == null) {
            return false;
        }
        String id = node.path("id").asText();
        String before = idByKey.putIfAbsent(key, id);
        pending.remove(key);
        if (before != null && !before.equals(id)) {
            disagreements++;
            problems.add("disagreement: key " + key + " named task " + before + ", now " + id);
        }
        record(id, node.path("state").asText());
        return true;
    }

    private String genericBody(String key) throws IOException {
        return json.writeValueAsString(Map.of("type", "generic", "input", Map.of("op", "count", "text",
                "Task " + key + " reads a short text about pools, agents and journals.")));
    }

    /** POSTs a task with {@code key}; its answer, or null when the server died or kept refusing. */
    private JsonNode post(Server server, String key, String body) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            HttpResponse<String> r;
            try {
                r = http.send(request(server, "v1/tasks").header("Idempotency-Key", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (!server.process.isAlive()) {
                    return null; // killed: the next start retries this key
                }
                Thread.sleep(50);
                continue;
            }
            if (r.statusCode() == 429 || r.statusCode() == 503) {
                Thread.sleep(50);
                continue;
            }
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("POST /v1/tasks with Idempotency-Key " + key + " answered "
                        + r.statusCode() + ": " + r.body());
            }
            return json.readTree(r.body());
        }
        return null;
    }

    /** GETs a task (long-polling when {@code wait} is set) and records a final state; null when unanswered. */
    private String observe(Server server, String id, String wait) throws Exception {
        try {
            HttpResponse<String> r = http.send(request(server, "v1/tasks/" + id + (wait == null ? "" : "?wait=" + wait))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return "HTTP " + r.statusCode();
            }
            String state = json.readTree(r.body()).path("state").asText();
            record(id, state);
            return state;
        } catch (IOException e) {
            return null;
        }
    }

    private void record(String id, String state) {
        if (FINAL.contains(state)) {
            finalsById.computeIfAbsent(id, i -> ConcurrentHashMap.newKeySet()).add(state);
        }
    }

    private HttpRequest.Builder request(Server server, String path) {
        return HttpRequest.newBuilder(URI.create(server.url + path)).timeout(Duration.ofSeconds(45))
                .header("Authorization", "Bearer " + KEY);
    }

    /** Some rows so the stats agent does real work; the key makes each task's input its own. */
    private static String csv(String key) {
        StringBuilder b = new StringBuilder("key,n,x\n");
        int h = key.hashCode();
        for (int i = 0; i < 200; i++) {
            b.append(key).append(',').append(i).append(',').append((h ^ (i * 31)) % 997).append('\n');
        }
        return b.toString();
    }

    /**
     * Reads the newest agent snapshot per type from the journal's own database (a plain JDBC
     * read beside the server, as any reader may). With {@code mustKeep}, every type's newest
     * snapshot seen before must still be there, or a newer one of its type (retention keeps the
     * newest per type).
     */
    private void readSnapshots(Map<String, Long> mustKeep) {
        String url = journal.startsWith("jdbc:") ? journal : "jdbc:sqlite:" + journal;
        Map<String, Long> now = new TreeMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT type, MAX(id) FROM snapshots GROUP BY type")) {
            while (rs.next()) {
                now.put(rs.getString(1), rs.getLong(2));
            }
        } catch (java.sql.SQLException e) {
            if ("42P01".equals(e.getSQLState()) || String.valueOf(e.getMessage()).contains("no such table")) {
                return; // the first server has not created the schema yet
            }
            snapshotsMissing++; // a check that cannot run must not pass
            problems.add("could not read the journal's snapshots: " + Journals.redact(e.getMessage()));
            return;
        }
        if (mustKeep != null) {
            for (Map.Entry<String, Long> e : mustKeep.entrySet()) {
                Long newest = now.get(e.getKey());
                if (newest == null || newest < e.getValue()) {
                    snapshotsMissing++;
                    problems.add("snapshot " + e.getValue() + " of type " + e.getKey() + ", saved before a kill, is"
                            + " gone after the restart (newest now: " + newest + ")");
                }
            }
        }
        now.forEach((type, id) -> {
            newestSnapshot.merge(type, id, Math::max);
            snapshotsSeen.add(id);
        });
    }

    private static void killAfter(Server server, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.process.destroyForcibly(); // SIGKILL on Linux and macOS
    }

    private record Server(Process process, String url) {
    }

    /**
     * The child's one-line usage error when it exited 2 (tri's exit code for a usage mistake),
     * else null. A journal still locked by the server just killed is the one exit 2 worth a retry.
     */
    static String refusal(Process p, String output) {
        if (p.isAlive() || p.exitValue() != 2) {
            return null;
        }
        String last = output.lines().map(String::strip).filter(l -> l.startsWith("tri serve: ")).reduce((a, b) -> b)
                .orElse(output.strip());
        return last.contains("is in use by another") ? null : Journals.redact(last);
    }

    /**
     * Starts {@code tri serve} as a child JVM and waits until /healthz answers; retried if it dies
     * at once, unless it refused its settings (exit 2): a configuration error does not go away.
     */
    private Server start() throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        long began = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            Path log = dir.resolve("serve.log");
            long from = ServeAddress.size(log);
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), Tri.class.getName(), "serve",
                    "--port", "0", "--bind", "127.0.0.1", "--keys", keysFile.toString(),
                    "--journal", journal, "--warm", "1", "--rate-limit", "0")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            String url = null;
            String why = "it did not answer /healthz";
            try {
                url = ServeAddress.await(p, log, from, START_DEADLINE);
            } catch (IllegalStateException e) {
                why = e.getMessage(); // exited or silent: retried below
                String refusal = refusal(p, ServeAddress.readFrom(log, from));
                if (refusal != null) {
                    throw new UserError(refusal + " (tri serve exited 2 at once; not retried: see " + log + ")");
                }
            }
            long deadline = System.nanoTime() + START_DEADLINE.toNanos();
            while (url != null && p.isAlive() && System.nanoTime() < deadline) {
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "healthz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        readSnapshots(newestSnapshot); // recovered: what was saved before a kill must be there
                        return new Server(p, url);
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            p.destroyForcibly().waitFor();
            // a journal lock not yet released by the killed one
            if (attempt == 3) {
                throw new IllegalStateException("tri serve did not come up in 3 tries over "
                        + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began) + " s (each may take up to "
                        + START_DEADLINE.toSeconds() + " s; exit " + p.exitValue() + "; last: " + why + "); see " + log);
            }
            Thread.sleep(1000);
        }
    }
}
