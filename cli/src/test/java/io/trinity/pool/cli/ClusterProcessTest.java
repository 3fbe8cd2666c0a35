package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's six tests: real {@code tri serve --node-id} processes on loopback ports sharing one
 * PostgreSQL database ({@code TRINITY_TEST_PG_URL}, started by {@code .ci/run}); faults are a
 * SIGKILL of a process or a cut in its own TCP path to the database ({@link TcpGate}).
 */
class ClusterProcessTest {

    @TempDir
    Path dir;

    private static Map<String, Object> count(String text) {
        return Map.of("type", "generic", "input", Map.of("op", "count", "text", text));
    }

    /** A task that runs for {@code ms}: the system agent samples the machine's load over that window. */
    private static Map<String, Object> sample(long ms) {
        return Map.of("type", "system", "input", Map.of("op", "snapshot", "sampleMs", ms));
    }

    @SuppressWarnings("unchecked")
    private static long calls(Map<String, Object> cluster, String node) {
        for (Object o : (List<Object>) cluster.get("nodes")) {
            Map<String, Object> n = (Map<String, Object>) o;
            if (n.get("node").equals(node)) {
                return ((Number) n.get("calls")).longValue();
            }
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(Map<String, Object> cluster, String kind) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : (List<Object>) cluster.get("events")) {
            Map<String, Object> e = (Map<String, Object>) o;
            if (e.get("kind").equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void tasksSubmittedToEveryNodeEndOnEveryNodesAgentsPreferringTheirOwn() throws Exception {
        try (ClusterRig rig = new ClusterRig(dir)) {
            List<ClusterRig.Node> nodes = List.of(rig.start("n1", "--max-agents", "3"), rig.start("n2", "--max-agents", "3"),
                    rig.start("n3", "--max-agents", "3"));
            String scheduler = rig.awaitReady(nodes.get(0));
            List<String[]> ids = Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> fs = new ArrayList<>();
                for (ClusterRig.Node n : nodes) {
                    fs.add(ex.submit(() -> {
                        for (int i = 0; i < 30; i++) {
                            String id = rig.submit(n, "k-quiet", n.id() + "-" + i,
                                    i % 3 == 0 ? sample(150) : count("task " + i + " from " + n.id() + " of the cluster"));
                            ids.add(new String[] {n.id(), id});
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            assertThat(ids).hasSize(90);
            for (String[] t : ids) {
                Map<String, Object> v = rig.awaitFinal(rig.node(t[0]), "k-quiet", t[1], Duration.ofSeconds(60));
                assertThat(v.get("state")).as("task %s from %s: %s", t[1], t[0], v).isEqualTo("SUCCEEDED");
            }
            Map<String, Object> c = rig.cluster(rig.node(scheduler));
            for (ClusterRig.Node n : nodes) {
                assertThat(calls(c, n.id())).as("calls run on %s: %s", n.id(), c).isPositive();
            }
            // local first: nine long tasks at once make the pool grow system agents, spread over the
            // nodes (each type goes to the node with the fewest of it that has room); then tasks one at a
            // time through each node that has one (so its agent has room) must start there, where a
            // node-blind balancer would start at most half of them locally. Which nodes get one depends
            // on the scaler and on what the first tasks left on each node (a node full of idle generic
            // agents gets none), so the check runs over the nodes that have one, at least two.
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                for (ClusterRig.Node n : nodes) {
                    burst.add(n.id() + "\u0000" + rig.submit(n, "k-quiet", n.id() + "-burst-" + i, sample(1_500)));
                }
            }
            for (String b : burst) {
                String[] t = b.split("\u0000");
                assertThat(rig.awaitFinal(rig.node(t[0]), "k-quiet", t[1], Duration.ofSeconds(60)).get("state"))
                        .isEqualTo("SUCCEEDED");
            }
            Map<String, Map<String, Number>> byNode =
                    (Map<String, Map<String, Number>>) rig.cluster(rig.node(scheduler)).get("agentsByNode");
            List<ClusterRig.Node> withSystem = nodes.stream()
                    .filter(n -> byNode.getOrDefault(n.id(), Map.of()).containsKey("system")).toList();
            assertThat(withSystem).as("nodes with a system agent: %s", byNode).hasSizeGreaterThanOrEqualTo(2);
            Map<String, Object> d0 = (Map<String, Object>) rig.cluster(rig.node(scheduler)).get("dispatches");
            for (int i = 0; i < 10; i++) {
                for (ClusterRig.Node n : withSystem) {
                    String id = rig.submit(n, "k-quiet", n.id() + "-one-" + i, sample(20));
                    assertThat(rig.awaitFinal(n, "k-quiet", id, Duration.ofSeconds(30)).get("state")).isEqualTo("SUCCEEDED");
                }
            }
            c = rig.cluster(rig.node(scheduler));
            Map<String, Object> d = (Map<String, Object>) c.get("dispatches");
            long local = ((Number) d.get("local")).longValue() - ((Number) d0.get("local")).longValue();
            long remote = ((Number) d.get("remote")).longValue() - ((Number) d0.get("remote")).longValue();
            int sent = 10 * withSystem.size();
            System.out.println("cluster: one at a time through " + withSystem.size() + " nodes, " + local + " local and "
                    + remote + " remote dispatches");
            assertThat(local + remote).as("dispatches counted with an origin").isEqualTo(sent);
            assertThat(local).as("local dispatches (%s local, %s remote); agents %s", local, remote, c.get("agentsByNode"))
                    .isGreaterThanOrEqualTo(sent * 9 / 10);
            remote = ((Number) d.get("remote")).longValue();
            String metrics = rig.get(rig.node(scheduler), "metrics", null).body();
            assertThat(metrics).contains("trinity_cluster_dispatches_total{where=\"remote\"} " + remote,
                    "trinity_cluster_scheduler{node=\"" + scheduler + "\"} 1");
            // calls to the other nodes travel on the scheduler's direct links once they are open
            assertThat(metrics).contains("trinity_cluster_links_open{node=\"" + scheduler + "\"} 2");
            long linkedCalls = 0;
            for (ClusterRig.Node n : nodes) {
                if (!n.id().equals(scheduler)) {
                    String m = rig.get(n, "metrics", null).body();
                    java.util.regex.Matcher linked = java.util.regex.Pattern.compile(
                            "trinity_cluster_node_linked_calls_total\\{node=\"" + n.id() + "\"} (\\d+)").matcher(m);
                    assertThat(linked.find()).as("linked calls metric of %s", n.id()).isTrue();
                    linkedCalls += Long.parseLong(linked.group(1));
                }
            }
            // (the first calls may go by their rows: a link opens once the node has read the new epoch)
            assertThat(linkedCalls).as("calls the other nodes took on their links").isPositive();
            // submits and task reads skip the second HTTP hop: in process on the scheduler, on the link elsewhere
            for (ClusterRig.Node n : nodes) {
                String via = n.id().equals(scheduler) ? "local" : "link";
                String m = rig.get(n, "metrics", null).body();
                for (String call : List.of("submits", "reads")) {
                    java.util.regex.Matcher taken = java.util.regex.Pattern.compile("trinity_cluster_front_" + call
                            + "_total\\{node=\"" + n.id() + "\",via=\"" + via + "\"} (\\d+)").matcher(m);
                    assertThat(taken.find()).as("%s metric of %s", call, n.id()).isTrue();
                    assertThat(Long.parseLong(taken.group(1))).as("%s %s took %s", call, n.id(), via).isPositive();
                }
            }
            // a batch through a worker's front: relayed whole, every task accepted in one request, all end
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                batch.add(count("batched task " + i + " through n2"));
            }
            List<String> batched = rig.submitBatch(nodes.get(1), "k-quiet", batch);
            assertThat(batched).hasSize(30).doesNotHaveDuplicates();
            for (String id : batched) {
                assertThat(rig.awaitFinal(nodes.get(1), "k-quiet", id, Duration.ofSeconds(60)).get("state"))
                        .isEqualTo("SUCCEEDED");
            }
        }
    }

    @Test
    void killingTheSchedulerUnderLoadLosesNoAcceptedTaskAndEndsEachOnce() throws Exception {
        try (ClusterRig rig = new ClusterRig(dir)) {
            List<ClusterRig.Node> nodes = List.of(rig.start("n1"), rig.start("n2"), rig.start("n3"));
            String scheduler = rig.awaitReady(nodes.get(0));
            ClusterRig.Node victim = rig.node(scheduler);
            List<ClusterRig.Node> survivors = nodes.stream().filter(n -> n != victim).toList();
            Map<String, String> accepted = new ConcurrentHashMap<>(); // idempotency key -> id
            AtomicInteger next = new AtomicInteger();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> fs = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    fs.add(ex.submit(() -> {
                        for (int i; (i = next.getAndIncrement()) < 150; ) {
                            String key = "kill-" + i;
                            // through every node while the scheduler lives, then through the others
                            ClusterRig.Node via = victim.process().isAlive() ? nodes.get(i % 3) : survivors.get(i % 2);
                            try {
                                accepted.put(key, rig.submit(via, "k-quiet", key,
                                        i % 2 == 0 ? sample(200) : count("kill test " + i)));
                            } catch (Throwable e) {
                                if (via != victim) {
                                    throw e;
                                }
                                // the victim died under this call: a client retries elsewhere
                                accepted.put(key, rig.submit(survivors.get(i % 2), "k-quiet", key,
                                        i % 2 == 0 ? sample(200) : count("kill test " + i)));
                            }
                        }
                        return null;
                    }));
                }
                ClusterRig.await(Duration.ofSeconds(60), "50 tasks accepted", () -> accepted.size() >= 50);
                rig.kill9(victim);
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            assertThat(accepted).hasSize(150);
            ClusterRig.Node reader = survivors.get(0);
            for (var e : accepted.entrySet()) {
                Map<String, Object> v = rig.awaitFinal(reader, "k-quiet", e.getValue(), Duration.ofSeconds(90));
                assertThat(v.get("state")).as("%s (task %s): %s", e.getKey(), e.getValue(), v).isEqualTo("SUCCEEDED");
            }
            // what the journal holds: one row per accepted key, each ended once
            List<Map<String, Object>> rows = rig.query("SELECT idempotency_key AS k, count(*) AS n, min(state) AS s"
                    + " FROM tasks WHERE idempotency_key LIKE 'kill-%' GROUP BY idempotency_key");
            assertThat(rows).hasSize(150);
            assertThat(rows).allSatisfy(r -> {
                assertThat(((Number) r.get("n")).intValue()).as("rows for %s", r.get("k")).isEqualTo(1);
                assertThat(r.get("s")).as("state of %s", r.get("k")).isEqualTo("SUCCEEDED");
            });
            Map<String, Object> c = rig.cluster(reader);
            String now = rig.awaitReady(reader);
            assertThat(now).isNotEqualTo(scheduler);
            List<Map<String, Object>> takeovers = events(c, "scheduler.takeover");
            assertThat(takeovers).as("takeovers: %s", c.get("events")).hasSizeGreaterThanOrEqualTo(2);
            Map<String, Object> last = takeovers.get(0);
            System.out.println("cluster: failover " + last);
            assertThat(last.get("node")).isEqualTo(now);
            assertThat(((Number) last.get("millis")).longValue()).as("failover: %s", last).isBetween(1L, 15_000L);
            assertThat(rig.log(now)).contains("now the scheduler (epoch 2");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void killingAWorkerNodeRetriesItsTasksElsewhere() throws Exception {
        try (ClusterRig rig = new ClusterRig(dir)) {
            List<ClusterRig.Node> nodes = List.of(rig.start("n1", "--max-agents", "2"),
                    rig.start("n2", "--max-agents", "2"), rig.start("n3", "--max-agents", "2"));
            String scheduler = rig.awaitReady(nodes.get(0));
            ClusterRig.Node worker = nodes.stream().filter(n -> !n.id().equals(scheduler)).findFirst().orElseThrow();
            ClusterRig.Node other = nodes.stream().filter(n -> !n.id().equals(scheduler) && n != worker)
                    .findFirst().orElseThrow();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(rig.submit(worker, "k-quiet", "w-" + i, sample(3_000)));
            }
            ClusterRig.await(Duration.ofSeconds(60), "the worker running tasks", () ->
                    ((Number) rig.nodeRow(other, worker.id()).get("busy")).intValue() > 0);
            rig.kill9(worker);
            int retried = 0;
            for (String id : ids) {
                Map<String, Object> v = rig.awaitFinal(other, "k-quiet", id, Duration.ofSeconds(120));
                assertThat(v.get("state")).as("task %s: %s", id, v).isEqualTo("SUCCEEDED");
                if (((Number) v.get("attempts")).intValue() > 1) {
                    retried++;
                    assertThat((List<String>) v.get("reasons")).as("why task %s was retried", id)
                            .anySatisfy(r -> assertThat(r).contains("node " + worker.id()));
                }
            }
            assertThat(retried).as("tasks that were running on the killed node and ran again").isPositive();
            Map<String, Object> c = rig.cluster(other);
            assertThat(rig.nodeRow(other, worker.id()).get("state")).isEqualTo("dead");
            assertThat(events(c, "node.failed")).anySatisfy(e -> {
                assertThat(e.get("node")).isEqualTo(worker.id());
                assertThat(((Number) e.get("millis")).longValue()).isGreaterThanOrEqualTo(10_000L);
            });
        }
    }

    @Test
    void aNodeCutOffFromTheDatabaseStopsStartingWorkAndRejoinsCleanly() throws Exception {
        try (ClusterRig rig = new ClusterRig(dir)) {
            List<ClusterRig.Node> nodes = List.of(rig.start("n1", "--max-agents", "2"),
                    rig.start("n2", "--max-agents", "2"), rig.start("n3", "--max-agents", "2"));
            String scheduler = rig.awaitReady(nodes.get(0));
            ClusterRig.Node cut = nodes.stream().filter(n -> !n.id().equals(scheduler)).findFirst().orElseThrow();
            ClusterRig.Node other = nodes.stream().filter(n -> !n.id().equals(scheduler) && n != cut)
                    .findFirst().orElseThrow();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(rig.submit(cut, "k-quiet", "cut-" + i, sample(3_000)));
            }
            ClusterRig.await(Duration.ofSeconds(60), "the node running tasks", () ->
                    ((Number) rig.nodeRow(other, cut.id()).get("busy")).intValue() > 0);
            long incarnation = ((Number) rig.nodeRow(other, cut.id()).get("incarnation")).longValue();
            cut.gate().cut();
            // its lease ends: it says it is not ready, and starts nothing more
            ClusterRig.await(Duration.ofSeconds(30), "the cut-off node not ready", () ->
                    rig.get(cut, "readyz", null).statusCode() == 503);
            ClusterRig.await(Duration.ofSeconds(30), "the cut-off node declared dead", () ->
                    "dead".equals(rig.nodeRow(other, cut.id()).get("state")));
            for (String id : ids) {
                // read through another node: the cut one cannot reach the scheduler's registry row
                Map<String, Object> v = rig.awaitFinal(other, "k-quiet", id, Duration.ofSeconds(120));
                assertThat(v.get("state")).as("task %s: %s", id, v).isEqualTo("SUCCEEDED");
            }
            cut.gate().heal();
            ClusterRig.await(Duration.ofSeconds(60), "the node back with a new incarnation", () -> {
                Map<String, Object> row = rig.nodeRow(other, cut.id());
                return "up".equals(row.get("state")) && ((Number) row.get("incarnation")).longValue() > incarnation;
            });
            // ready once it has read the scheduler's lease again (its next heartbeat after joining)
            ClusterRig.await(Duration.ofSeconds(30), "the rejoined node ready", () ->
                    rig.get(cut, "readyz", null).statusCode() == 200);
            long before = calls(rig.cluster(other), cut.id());
            // more work than the other nodes' four agents take at once, so agents are placed here again
            // (the calls it ran before the cut ended on its link, so the pool need not replace them)
            List<String> after = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                after.add(rig.submit(cut, "k-quiet", "back-" + i, sample(2_000)));
            }
            for (String id : after) {
                assertThat(rig.awaitFinal(cut, "k-quiet", id, Duration.ofSeconds(60)).get("state")).isEqualTo("SUCCEEDED");
            }
            ClusterRig.await(Duration.ofSeconds(30), "the rejoined node running calls again", () ->
                    calls(rig.cluster(other), cut.id()) > before);
            assertThat(rig.log(cut.id())).contains("declared this node dead");
        }
    }

    @Test
    void aProviderLimitOf60PerMinuteHoldsInEveryWindowAcrossThreeNodes() throws Exception {
        Path limits = Files.writeString(dir.resolve("limits.json"), "{\"resources\": {\"provider:demo\":"
                + " {\"requestsPerMinute\": 60, \"maxConcurrent\": 4}}, \"types\": {\"generic\": {\"provider:demo\": 100}}}");
        try (ClusterRig rig = new ClusterRig(dir, "--limits", limits.toString())) {
            List<ClusterRig.Node> nodes = List.of(rig.start("n1"), rig.start("n2"), rig.start("n3"));
            rig.awaitReady(nodes.get(0));
            List<String[]> ids = new CopyOnWriteArrayList<>();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> fs = new ArrayList<>();
                for (ClusterRig.Node n : nodes) {
                    fs.add(ex.submit(() -> {
                        for (int i = 0; i < 30; i++) {
                            ids.add(new String[] {n.id(), rig.submit(n, "k-quiet", "p-" + n.id() + "-" + i,
                                    count("paced call " + i))});
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            List<Instant> starts = new ArrayList<>();
            for (String[] t : ids) {
                Map<String, Object> v = rig.awaitFinal(rig.node(t[0]), "k-quiet", t[1], Duration.ofSeconds(150));
                assertThat(v.get("state")).isEqualTo("SUCCEEDED");
                starts.add(Instant.parse((String) v.get("startedAt")));
            }
            Collections.sort(starts);
            assertThat(starts).hasSize(90);
            Map<String, Object> c = rig.cluster(nodes.get(0));
            for (int i = 0; i + 60 < starts.size(); i++) {
                // the 61st start after any start is a whole minute later: no 60 s window holds 61
                assertThat(Duration.between(starts.get(i), starts.get(i + 60)))
                        .as("starts %d and %d of %s; cluster events %s", i, i + 60, starts, c.get("events"))
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(60));
            }
        }
    }

    @Test
    void aQuietTenantKeepsItsShareBesideAFloodingOneAcrossTwoNodes() throws Exception {
        try (ClusterRig rig = new ClusterRig(dir)) {
            ClusterRig.Node a = rig.start("n1", "--max-agents", "1");
            ClusterRig.Node b = rig.start("n2", "--max-agents", "1");
            rig.awaitReady(a);
            List<String> flood = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                flood.add(rig.submit(a, "k-flood", "flood-" + i, sample(250)));
            }
            List<String> quiet = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                quiet.add(rig.submit(b, "k-quiet", "quiet-" + i, sample(250)));
            }
            List<Instant> floodEnds = new ArrayList<>();
            for (String id : flood) {
                Map<String, Object> v = rig.awaitFinal(a, "k-flood", id, Duration.ofSeconds(120));
                assertThat(v.get("state")).isEqualTo("SUCCEEDED");
                floodEnds.add(Instant.parse((String) v.get("endedAt")));
            }
            Instant quietLast = Instant.MIN;
            for (String id : quiet) {
                Map<String, Object> v = rig.awaitFinal(b, "k-quiet", id, Duration.ofSeconds(120));
                assertThat(v.get("state")).isEqualTo("SUCCEEDED");
                Instant end = Instant.parse((String) v.get("endedAt"));
                quietLast = end.isAfter(quietLast) ? end : quietLast;
            }
            Collections.sort(floodEnds);
            // first come, first served would end the quiet tenant's six after all forty; a fair share
            // (half of the two agents while it has tasks) ends them within about twelve more
            assertThat(quietLast).as("the quiet tenant's last end against the flood's 25th")
                    .isBefore(floodEnds.get(24));
        }
    }

    /**
     * A {@code tri serve} without {@code --node-id} on a cluster's journal would recover the
     * cluster's queued tasks and run them a second time: it must refuse, whether the cluster runs
     * or is stopped, naming the journal (password hidden) and {@code --node-id}.
     */
    @Test
    void aServeWithoutNodeIdRefusesAClustersJournalRunningOrStopped() throws Exception {
        try (ClusterRig rig = new ClusterRig(dir)) {
            ClusterRig.Node n1 = rig.start("n1");
            rig.awaitReady(n1);
            rig.submit(n1, "k-quiet", "before-standalone", count("queued in the cluster"));
            for (String when : List.of("running", "stopped")) {
                if (when.equals("stopped")) {
                    rig.kill9(n1);
                }
                Cli.Result r;
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                    Future<Cli.Result> f = ex.submit(() -> Cli.run("serve", "--port", "0", "--journal", rig.url(null),
                            "--keys", dir.resolve("keys.json").toString()));
                    r = f.get(60, java.util.concurrent.TimeUnit.SECONDS); // a pool that started would never return
                }
                assertThat(r.code()).as("%s cluster: %s", when, r).isEqualTo(2);
                assertThat(r.err()).as(when).contains("is the journal of a cluster", "nodes n1", "--node-id",
                        rig.schema()).doesNotContain("password=trinity");
            }
        }
    }

    /** A second process with a live node's --node-id is refused at its start (exit 2), the first untouched. */
    @Test
    void aSecondServeWithALiveNodesIdIsRefused() throws Exception {
        try (ClusterRig rig = new ClusterRig(dir)) {
            ClusterRig.Node n1 = rig.start("n1");
            rig.awaitReady(n1);
            Cli.Result r;
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                r = ex.submit(() -> Cli.run("serve", "--node-id", "n1", "--port", "0", "--journal", rig.url(null),
                        "--keys", dir.resolve("keys.json").toString())).get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(r.code()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("--node-id n1 is in use by another live process", n1.url());
            assertThat(rig.nodeRow(n1, "n1")).containsEntry("incarnation", 1).containsEntry("state", "up");
            assertThat(rig.scheduler(n1)).isEqualTo("n1");
        }
    }

    /** A node's start errors name the flag or the database and what to do, not the bare cause. */
    @Test
    void aNodesStartErrorsNameTheFlagOrTheDatabase() throws Exception {
        try (ClusterRig rig = new ClusterRig(dir); java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            String keys = dir.resolve("keys.json").toString();
            Cli.Result port = Cli.run("serve", "--node-id", "x1", "--port", "0", "--journal", rig.url(null), "--keys", keys,
                    "--link-port", String.valueOf(taken.getLocalPort()));
            assertThat(port.code()).as(port.toString()).isEqualTo(2);
            assertThat(port.err()).contains("--link-port", ":" + taken.getLocalPort(), "choose another --link-port");
            Cli.Result db = Cli.run("serve", "--node-id", "x1", "--port", "0", "--keys", keys, "--journal",
                    "jdbc:postgresql://127.0.0.1:1/nope?user=u&password=s3cret");
            assertThat(db.code()).as(db.toString()).isEqualTo(2);
            assertThat(db.err()).contains("jdbc:postgresql://127.0.0.1:1/nope", "password=***", "Check that PostgreSQL")
                    .doesNotContain("s3cret");
        }
    }
}
