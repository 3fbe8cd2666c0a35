package io.trinity.pool.cluster;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.server.PoolServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's side of agents on other nodes: it writes agent placements and calls as rows
 * (in batches, one transaction and one notification per node per batch) and completes their
 * futures when the nodes write the ends back. Every batch first checks the fencing epoch under a
 * share lock, so once another scheduler took over, nothing this one writes lands.
 *
 * <p>A call to a node with an open direct link ({@link NodeLink}) goes out on the link from the
 * calling thread and its end comes back on it; its row is still written (state {@code running},
 * so no claim starts it), off the call's path, and removed when the end is in. When the link
 * breaks or the node refuses a call (it checks the fence itself), the calls it had go by their
 * rows: they are set {@code assigned} and the node claims those it is not running already.
 */
final class RemoteCalls implements AutoCloseable, NodeLink.Sink {

    static final String CHANNEL = "trinity_scheduler";
    /** Notifications carry at most 8,000 bytes; what is longer goes by its rows alone. */
    static final int MAX_PAYLOAD = 7_500;
    private static final Logger LOG = LoggerFactory.getLogger(RemoteCalls.class);

    private final ClusterDatabase db;
    private final long epoch;
    private final long pollMillis;
    private final Runnable onFenced;
    private final BlockingQueue<Op> ops = new LinkedBlockingQueue<>();
    /** Linked calls' rows and removals, taken by the writer when it wakes for anything else or on its timer. */
    private final java.util.Queue<Op> lazy = new java.util.concurrent.ConcurrentLinkedQueue<>();
    static final long LAZY_MILLIS = 50;
    /**
     * How many writes an ended linked call's row removal gets before it is left to the next
     * takeover: with one batch per {@link #LAZY_MILLIS} while the database fails, about 10 s, the
     * default node timeout (past it the lease has run out and this scheduler is fenced anyway).
     */
    static final int DONE_TRIES = 200;
    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
    private final Map<String, Spawn> spawns = new ConcurrentHashMap<>();
    /** Every agent placed on another node and not closed, so a node's death reaches the idle ones too. */
    private final Map<String, RemoteAgent> agents = new ConcurrentHashMap<>();
    private final String secret;
    private final Map<String, NodeLink> links = new ConcurrentHashMap<>();
    /** When a link to a node was last tried (nanoTime), so a refusing node is asked at most once a second. */
    private final Map<String, Long> linkTried = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean fenced = new AtomicBoolean();
    private final Thread writer;
    private volatile PoolServer server;
    private final Thread listener;

    RemoteCalls(ClusterDatabase db, long epoch, String secret, long pollMillis, Runnable onFenced) {
        this.db = db;
        this.epoch = epoch;
        this.secret = secret;
        this.pollMillis = pollMillis;
        this.onFenced = onFenced;
        writer = Thread.ofPlatform().daemon().name("trinity-scheduler-writer").unstarted(this::write);
        listener = Thread.ofPlatform().daemon().name("trinity-scheduler-listen").unstarted(this::listen);
    }

    void start() {
        writer.start();
        listener.start();
    }

    CompletableFuture<Integer> spawn(String agentId, String type, String node, long incarnation) {
        Spawn s = new Spawn(agentId, type, node, incarnation, new CompletableFuture<>());
        spawns.put(agentId, s);
        offer(s);
        return s.ready;
    }

    CompletableFuture<Payload> call(RemoteAgent agent, TaskContext context) {
        // ids unique across epochs: the epoch in the high bits
        long id = (epoch << 40) | ids.incrementAndGet();
        NodeLink link = links.get(agent.node());
        boolean linked = link != null && link.isOpen();
        Call c = new Call(id, agent, context, Wire.task(context.task()), new CompletableFuture<>(), linked);
        calls.put(id, c);
        context.onCancel(() -> {
            if (calls.remove(id) != null) {
                offer(new Cancel(id, agent.node()));
                c.result.completeExceptionally(new CancellationException("task " + context.taskId() + " cancelled"));
            }
        });
        // first: a reassignment of its row must come after its insert
        if (linked) {
            offerLazily(c);
        } else {
            offer(c);
        }
        if (linked && !c.result.isDone()
                && !link.send(id, agent.id(), context.taskId(), context.attempt(), c.taskJson)) {
            offer(new Reassign(id, agent.node()));
        }
        return c.result;
    }

    /**
     * The link addresses of the live nodes (not this one), as the registry says: links are opened
     * to those without one, in the background, at most once a second per node.
     */
    void linkTo(Map<String, String> addresses) {
        if (closed.get() || fenced.get()) {
            return;
        }
        for (var e : addresses.entrySet()) {
            String node = e.getKey();
            NodeLink l = links.get(node);
            if (l != null && l.isOpen()) {
                continue;
            }
            long now = System.nanoTime();
            Long tried = linkTried.get(node);
            if (tried != null && now - tried < 1_000_000_000L) {
                continue;
            }
            linkTried.put(node, now);
            connect(node, e.getValue());
        }
    }

    /** Opens a link to a node in the background; true once it is open, false if the node cannot be reached or refused. */
    CompletableFuture<Boolean> connect(String node, String address) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Thread.ofVirtual().name("trinity-link-connect-" + node).start(() -> {
            try {
                NodeLink opened = NodeLink.connect(node, address, epoch, secret, this);
                if (closed.get() || fenced.get()) {
                    opened.close();
                    done.complete(false);
                } else {
                    NodeLink old = links.put(node, opened);
                    if (old != null && old != opened) {
                        old.close();
                    }
                    done.complete(true);
                }
            } catch (java.io.IOException | RuntimeException x) {
                LOG.debug("scheduler: no link to node {} yet ({}); its calls go by the assignment rows", node,
                        x.getMessage());
                done.complete(false);
            }
        });
        return done;
    }

    @Override
    public void ended(NodeLink link, long id, String state, String result) {
        Call call = calls.remove(id);
        if (call != null) {
            call.end(Wire.Outcome.fromJson(result), link.node());
            offerLazily(new Done(id, 0));
        }
    }

    @Override
    public void refused(NodeLink link, long id, String why) {
        if (calls.containsKey(id)) {
            LOG.info("scheduler: node {} refused call {} on the link ({}); it goes by its row", link.node(), id, why);
            offer(new Reassign(id, link.node()));
        }
    }

    /** The pool server submits relayed on the links go to, once this scheduler serves (null before). */
    void serve(PoolServer server) {
        this.server = server;
    }

    @Override
    public void asked(NodeLink link, com.fasterxml.jackson.databind.JsonNode f) {
        long rid = f.path("rid").asLong();
        boolean read = f.path("k").asText().equals("read");
        // a virtual thread: a submit waits for its journal write, a read for its wait, and the
        // link's reader must read on
        Thread.ofVirtual().name("trinity-link-" + (read ? "read-" : "submit-") + link.node()).start(() -> {
            PoolServer s = server;
            PoolServer.Answer a;
            if (s == null || closed.get() || fenced.get()) {
                boolean stopping = closed.get() || fenced.get();
                a = jsonAnswer(503, "this scheduler is " + (stopping ? "stopping" : "still starting") + " and serves"
                        + " no calls; retry the call, with the same Idempotency-Key for a submit");
            } else {
                String auth = f.hasNonNull("auth") ? f.get("auth").asText() : null;
                try {
                    if (read) {
                        a = s.read(auth, f.path("task").asText(), f.hasNonNull("wait") ? f.get("wait").asText() : null);
                    } else {
                        String key = f.hasNonNull("key") ? f.get("key").asText() : null;
                        String origin = f.hasNonNull("origin") ? f.get("origin").asText() : link.node();
                        byte[] b = f.path("body").binaryValue();
                        a = s.submit(auth, key, origin, b == null ? new byte[0] : b);
                    }
                } catch (java.io.IOException | RuntimeException | Error e) {
                    LOG.error("scheduler: a {} relayed by node {} failed", read ? "read" : "submit", link.node(), e);
                    a = jsonAnswer(500, "internal error; the scheduler's log has the details");
                }
            }
            if (!link.answer(rid, a.status(), a.headers(), a.body())) {
                LOG.debug("scheduler: the link to node {} closed before its call {} was answered ({})", link.node(), rid,
                        a.status());
            }
        });
    }

    private static PoolServer.Answer jsonAnswer(int status, String error) {
        Map<String, String> headers = status == 503 ? Map.of("Retry-After", "1", "Content-Type", "application/json")
                : Map.of("Content-Type", "application/json");
        return new PoolServer.Answer(status, headers,
                Wire.write(Map.of("error", error)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void lost(NodeLink link) {
        links.remove(link.node(), link);
        for (long id : link.pending()) {
            if (calls.containsKey(id)) {
                offer(new Reassign(id, link.node()));
            }
        }
    }

    /** Open links, for the metrics and tests. */
    int openLinks() {
        int n = 0;
        for (NodeLink l : links.values()) {
            n += l.isOpen() ? 1 : 0;
        }
        return n;
    }

    /** An agent the pool now drives; until {@link #close} a dead node's agents are marked dead. */
    void track(RemoteAgent agent) {
        agents.put(agent.id(), agent);
    }

    void close(RemoteAgent agent) {
        agents.remove(agent.id());
        offer(new Close(agent.id(), agent.node()));
    }

    /** Relays a node's progress reports to the pool, so remote calls are not taken for stuck. */
    void progressed(List<Long> assignmentIds) {
        for (long id : assignmentIds) {
            Call c = calls.get(id);
            if (c != null) {
                c.context.heartbeat();
            }
        }
    }

    /** A node was declared dead: everything placed on it fails now, so its tasks run elsewhere. */
    int nodeDied(String node, String why) {
        int failed = 0;
        NodeLink link = links.remove(node);
        if (link != null) {
            link.pending().clear(); // failed below, not reassigned
            link.close();
        }
        // idle ones too: not alive any more, so the pool replaces them and sends them nothing
        for (RemoteAgent a : agents.values()) {
            if (a.node().equals(node)) {
                a.markDead();
            }
        }
        for (Call c : calls.values()) {
            if (c.agent.node().equals(node) && calls.remove(c.id) != null) {
                c.agent.markDead();
                c.result.completeExceptionally(new AgentBrokenException("node " + node + " " + why));
                failed++;
            }
        }
        for (Spawn s : spawns.values()) {
            if (s.node.equals(node) && spawns.remove(s.agentId) != null) {
                s.ready.completeExceptionally(new AgentBrokenException("node " + node + " " + why));
            }
        }
        return failed;
    }

    private void offer(Op op) {
        offer(op, ops);
    }

    /**
     * The row of a linked call and its removal: not urgent (the node has the call), so the writer
     * is not woken for them; it takes them with its next batch or within {@link #LAZY_MILLIS}. A
     * short call then costs no database work at all (its row and removal cancel out), and none
     * competes for the cores while the call is on its way.
     */
    private void offerLazily(Op op) {
        offer(op, lazy);
    }

    private void offer(Op op, java.util.Queue<Op> queue) {
        if (fenced.get() || closed.get()) {
            op.fail(new IllegalStateException(fenced.get()
                    ? "this node is no longer the scheduler (epoch " + epoch + " was fenced off)"
                    : "the scheduler is stopping"));
            return;
        }
        queue.add(op);
    }

    private void write() {
        List<Op> batch = new ArrayList<>();
        while (!closed.get()) {
            try {
                Op first = ops.poll(LAZY_MILLIS, TimeUnit.MILLISECONDS);
                // the lazy ones first: an urgent operation on a linked call (its cancel, its
                // reassignment) is always offered after the call itself
                for (Op l; batch.size() < 10_000 && (l = lazy.poll()) != null; ) {
                    batch.add(l);
                }
                if (first != null) {
                    batch.add(first);
                    ops.drainTo(batch, 10_000);
                }
                if (batch.isEmpty()) {
                    continue;
                }
                flush(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Fenced e) {
                fence(e.getMessage(), batch);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("scheduler: writing {} remote operations failed ({}); their calls fail and are retried",
                        batch.size(), e.getMessage());
                AgentBrokenException failure = new AgentBrokenException("cannot reach the database: " + e.getMessage());
                Set<Long> settled = settled(batch);
                for (Op op : batch) {
                    if (op instanceof Done d && !settled.contains(d.id) && d.tries + 1 < DONE_TRIES) {
                        // the call has ended; only its row is left, and a row left running would
                        // stay until the next takeover: a later batch removes it
                        lazy.add(new Done(d.id, d.tries + 1));
                    } else {
                        drop(op, failure);
                    }
                }
            }
            batch.clear();
        }
        List<Op> left = new ArrayList<>(lazy);
        lazy.clear();
        ops.drainTo(left);
        left.forEach(op -> drop(op, new IllegalStateException("the scheduler stopped")));
    }

    private void drop(Op op, RuntimeException e) {
        switch (op) {
            case Call c -> {
                if (calls.remove(c.id) == null) {
                    return; // ended already (on its link)
                }
            }
            case Spawn s -> spawns.remove(s.agentId);
            default -> { }
        }
        op.fail(e);
    }

    private void fence(String why, List<Op> batch) {
        if (fenced.compareAndSet(false, true)) {
            LOG.warn("scheduler: {}", why);
            onFenced.run();
        }
        links.values().forEach(NodeLink::close);
        IllegalStateException e = new IllegalStateException(why);
        batch.forEach(op -> drop(op, e));
        calls.values().forEach(c -> c.result.completeExceptionally(e));
        calls.clear();
    }

    /** Calls and ends of linked calls, the common batch, in one statement; anything else in one transaction. */
    private void flush(List<Op> batch) throws SQLException {
        for (Op op : batch) {
            if (!(op instanceof Call) && !(op instanceof Done)) {
                flushAll(batch);
                return;
            }
        }
        flushCalls(batch);
    }

    /** Ids of linked calls whose end came in the same batch as their call: neither row nor delete is needed. */
    private static Set<Long> settled(List<Op> batch) {
        Set<Long> done = new HashSet<>();
        for (Op op : batch) {
            if (op instanceof Done d) {
                done.add(d.id);
            }
        }
        Set<Long> both = new HashSet<>();
        if (!done.isEmpty()) {
            for (Op op : batch) {
                if (op instanceof Call c && done.contains(c.id)) {
                    both.add(c.id);
                }
            }
        }
        return both;
    }

    /**
     * One round trip: the fence read under a share lock, the rows and the notifications (with the
     * calls in their payload when they fit) in a single autocommitted statement. Nothing is
     * written when the epoch moved on, and the statement says so.
     */
    private void flushCalls(List<Op> batch) throws SQLException {
        Set<Long> settled = settled(batch);
        List<Call> inserts = new ArrayList<>(batch.size());
        List<Long> deletes = new ArrayList<>();
        for (Op op : batch) {
            if (op instanceof Call c && !settled.contains(c.id)) {
                inserts.add(c);
            } else if (op instanceof Done d && !settled.contains(d.id)) {
                deletes.add(d.id);
            }
        }
        int n = inserts.size();
        Long[] ids = new Long[n];
        String[] nodes = new String[n];
        Long[] incarnations = new Long[n];
        String[] agents = new String[n];
        Long[] tasks = new Long[n];
        Integer[] attempts = new Integer[n];
        String[] json = new String[n];
        String[] states = new String[n];
        Map<String, StringBuilder> payloads = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Call call = inserts.get(i);
            states[i] = call.linked ? "running" : "assigned";
            ids[i] = call.id;
            nodes[i] = call.agent.node();
            incarnations[i] = call.agent.incarnation();
            agents[i] = call.agent.id();
            tasks[i] = call.context.taskId();
            attempts[i] = call.context.attempt();
            json[i] = call.taskJson;
            if (call.linked) {
                continue; // it went on its link: nothing to notify
            }
            StringBuilder sb = payloads.computeIfAbsent(nodes[i], k -> new StringBuilder("A["));
            if (sb.length() > 2) {
                sb.append(',');
            }
            sb.append("{\"id\":").append(call.id).append(",\"agent\":").append(Wire.write(call.agent.id()))
                    .append(",\"task\":").append(call.context.taskId()).append(",\"attempt\":")
                    .append(call.context.attempt()).append(",\"json\":").append(Wire.write(call.taskJson)).append('}');
        }
        String[] channels = new String[payloads.size()];
        String[] texts = new String[payloads.size()];
        int k = 0;
        for (var e : payloads.entrySet()) {
            channels[k] = NodeHost.channel(e.getKey());
            String p = e.getValue().append(']').toString();
            texts[k++] = p.length() <= MAX_PAYLOAD ? p : "a";
        }
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "WITH fence AS (SELECT epoch FROM journal_fence WHERE id = 1 FOR SHARE),"
                        + " ins AS (INSERT INTO cluster_assignments (id, epoch, node, incarnation, agent_id, task_id,"
                        + " attempt, task, state) SELECT x.id, ?, x.node, x.inc, x.agent, x.task_id, x.attempt, x.task,"
                        + " x.state FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::int[],"
                        + " ?::text[], ?::text[]) AS x(id, node, inc, agent, task_id, attempt, task, state)"
                        + " WHERE (SELECT epoch FROM fence) = ? RETURNING 1),"
                        + " del AS (DELETE FROM cluster_assignments WHERE id = ANY (?::bigint[]) AND epoch = ?"
                        + " AND (SELECT epoch FROM fence) = ? RETURNING 1),"
                        + " note AS (SELECT pg_notify(y.channel, y.payload) FROM unnest(?::text[], ?::text[])"
                        + " AS y(channel, payload) WHERE (SELECT epoch FROM fence) = ?)"
                        + " SELECT (SELECT epoch FROM fence), (SELECT count(*) FROM ins), (SELECT count(*) FROM del),"
                        + " (SELECT count(*) FROM note)")) {
            ps.setLong(1, epoch);
            ps.setArray(2, c.createArrayOf("bigint", ids));
            ps.setArray(3, c.createArrayOf("text", nodes));
            ps.setArray(4, c.createArrayOf("bigint", incarnations));
            ps.setArray(5, c.createArrayOf("text", agents));
            ps.setArray(6, c.createArrayOf("bigint", tasks));
            ps.setArray(7, c.createArrayOf("integer", attempts));
            ps.setArray(8, c.createArrayOf("text", json));
            ps.setArray(9, c.createArrayOf("text", states));
            ps.setLong(10, epoch);
            ps.setArray(11, c.createArrayOf("bigint", deletes.toArray()));
            ps.setLong(12, epoch);
            ps.setLong(13, epoch);
            ps.setArray(14, c.createArrayOf("text", channels));
            ps.setArray(15, c.createArrayOf("text", texts));
            ps.setLong(16, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long now = rs.getLong(1);
                if (now != epoch) {
                    throw new Fenced("fenced: this scheduler's epoch " + epoch + " is older than the cluster's " + now
                            + "; another node took over, so this one stops scheduling");
                }
            }
        }
    }

    private void flushAll(List<Op> batch) throws SQLException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                Fences.check(c, epoch);
                Set<String> notifyCalls = new HashSet<>();
                Set<String> notifyAgents = new HashSet<>();
                Set<String> reassigned = new HashSet<>();
                Set<Long> settled = settled(batch);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO cluster_assignments (id, epoch, node,"
                        + " incarnation, agent_id, task_id, attempt, task, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
                     PreparedStatement delete = c.prepareStatement("DELETE FROM cluster_assignments WHERE id = ?");
                     PreparedStatement reassign = c.prepareStatement("UPDATE cluster_assignments SET state = 'assigned'"
                             + " WHERE id = ? AND state = 'running'");
                     PreparedStatement place = c.prepareStatement("INSERT INTO cluster_agents (agent_id, node,"
                             + " incarnation, epoch, type, state) VALUES (?, ?, ?, ?, ?, 'spawning')");
                     PreparedStatement cancel = c.prepareStatement("UPDATE cluster_assignments SET state = 'cancelled'"
                             + " WHERE id = ? AND state IN ('assigned', 'running')");
                     PreparedStatement close = c.prepareStatement(
                             "UPDATE cluster_agents SET state = 'closing' WHERE agent_id = ?")) {
                    int ni = 0, np = 0, nc = 0, nx = 0, nd = 0, nr = 0;
                    for (Op op : batch) {
                        switch (op) {
                            case Call call -> {
                                if (settled.contains(call.id)) {
                                    continue;
                                }
                                insert.setLong(1, call.id);
                                insert.setLong(2, epoch);
                                insert.setString(3, call.agent.node());
                                insert.setLong(4, call.agent.incarnation());
                                insert.setString(5, call.agent.id());
                                insert.setLong(6, call.context.taskId());
                                insert.setInt(7, call.context.attempt());
                                insert.setString(8, call.taskJson);
                                insert.setString(9, call.linked ? "running" : "assigned");
                                insert.addBatch();
                                if (!call.linked) {
                                    notifyCalls.add(call.agent.node());
                                }
                                ni++;
                            }
                            case Done d -> {
                                if (!settled.contains(d.id)) {
                                    delete.setLong(1, d.id);
                                    delete.addBatch();
                                    nd++;
                                }
                            }
                            case Reassign r -> {
                                reassign.setLong(1, r.id);
                                reassign.addBatch();
                                reassigned.add(r.node);
                                nr++;
                            }
                            case Spawn s -> {
                                place.setString(1, s.agentId);
                                place.setString(2, s.node);
                                place.setLong(3, s.incarnation);
                                place.setLong(4, epoch);
                                place.setString(5, s.type);
                                place.addBatch();
                                notifyAgents.add(s.node);
                                np++;
                            }
                            case Cancel x -> {
                                cancel.setLong(1, x.id);
                                cancel.addBatch();
                                notifyAgents.add(x.node);
                                nc++;
                            }
                            case Close x -> {
                                close.setString(1, x.agentId);
                                close.addBatch();
                                notifyAgents.add(x.node);
                                nx++;
                            }
                        }
                    }
                    if (ni > 0) {
                        insert.executeBatch();
                    }
                    if (np > 0) {
                        place.executeBatch();
                    }
                    if (nc > 0) {
                        cancel.executeBatch();
                    }
                    if (nx > 0) {
                        close.executeBatch();
                    }
                    if (nd > 0) {
                        delete.executeBatch();
                    }
                    if (nr > 0) {
                        reassign.executeBatch();
                    }
                }
                Map<String, String> flags = new TreeMap<>();
                notifyCalls.forEach(n -> flags.merge(n, "a", String::concat));
                reassigned.forEach(n -> flags.merge(n, "a", String::concat));
                notifyAgents.forEach(n -> flags.merge(n, "g", String::concat));
                // calls travel whole in the notification when they fit: the node starts them at once
                Map<String, StringBuilder> delivered = new TreeMap<>();
                for (Op op : batch) {
                    if (op instanceof Call call && !call.linked && !settled.contains(call.id)) {
                        StringBuilder sb = delivered.computeIfAbsent(call.agent.node(), k -> new StringBuilder("A["));
                        if (sb.length() > 2) {
                            sb.append(',');
                        }
                        sb.append("{\"id\":").append(call.id).append(",\"agent\":").append(Wire.write(call.agent.id()))
                                .append(",\"task\":").append(call.context.taskId()).append(",\"attempt\":")
                                .append(call.context.attempt()).append(",\"json\":").append(Wire.write(call.taskJson))
                                .append('}');
                    }
                }
                delivered.forEach((n, sb) -> {
                    // a claim (flag a) is needed for reassigned rows, and agents' changes first (flag g)
                    if (sb.length() + 1 <= MAX_PAYLOAD && !flags.getOrDefault(n, "").contains("g")
                            && !reassigned.contains(n)) {
                        flags.put(n, sb.append(']').toString());
                    }
                });
                try (PreparedStatement n = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    for (var e : flags.entrySet()) {
                        n.setString(1, NodeHost.channel(e.getKey()));
                        n.setString(2, e.getValue());
                        n.addBatch();
                    }
                    if (!flags.isEmpty()) {
                        n.executeBatch();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void listen() {
        while (!closed.get() && !fenced.get()) {
            try (Connection c = db.session(); var s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                long harvested = 0;
                boolean harvest = true;
                while (!closed.get() && !fenced.get()) {
                    if (harvest || System.nanoTime() - harvested > pollMillis * 1_000_000) {
                        harvest(c);
                        harvested = System.nanoTime();
                    }
                    harvest = false;
                    org.postgresql.PGNotification[] got = pg.getNotifications((int) pollMillis);
                    if (got == null || got.length == 0) {
                        harvest = true;
                        continue;
                    }
                    for (org.postgresql.PGNotification n : got) {
                        String p = n.getParameter();
                        if (p.startsWith("R")) {
                            delivered(p.substring(1));
                        } else {
                            harvest = true;
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed.get()) {
                    LOG.warn("scheduler: reading remote results failed ({}); retrying", e.getMessage());
                    try {
                        Thread.sleep(Math.min(1_000, pollMillis));
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    /** Ends that came whole in a notification; their rows go with the next harvest. */
    private void delivered(String payload) {
        try {
            for (var end : Wire.JSON.readTree(payload)) {
                Call call = calls.remove(end.get("id").asLong());
                if (call != null) {
                    call.end(Wire.Outcome.fromJson(end.get("result").asText()), call.agent.node());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("scheduler: a results notification did not parse ({}); the next harvest reads the rows",
                    e.getMessage());
        }
    }

    private void harvest(Connection c) throws SQLException {
        if (!spawns.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, state, capacity, error FROM cluster_agents"
                    + " WHERE epoch = ? AND state IN ('ready', 'failed') AND agent_id = ANY (?)")) {
                ps.setLong(1, epoch);
                ps.setArray(2, c.createArrayOf("text", spawns.keySet().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Spawn s = spawns.remove(rs.getString(1));
                        if (s == null) {
                            continue;
                        }
                        if (rs.getString(2).equals("ready")) {
                            s.ready.complete(rs.getInt(3));
                        } else {
                            s.ready.completeExceptionally(new IllegalStateException(
                                    "agent failed to start on node " + s.node + ": " + rs.getString(4)));
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM cluster_agents WHERE epoch = ? AND state = 'failed'")) {
                ps.setLong(1, epoch);
                ps.executeUpdate();
            }
        }
        // ends whose notification was lost, and the rows of those that came in one
        {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM cluster_assignments WHERE epoch = ?"
                    + " AND state IN ('succeeded', 'failed') RETURNING id, node, result")) {
                ps.setLong(1, epoch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Call call = calls.remove(rs.getLong(1));
                        if (call != null) {
                            call.end(Wire.Outcome.fromJson(rs.getString(3)), rs.getString(2));
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            writer.interrupt();
            listener.interrupt();
            links.values().forEach(NodeLink::close);
            links.clear();
            IllegalStateException e = new IllegalStateException("the scheduler stopped");
            calls.values().forEach(c -> c.result.completeExceptionally(e));
            calls.clear();
            spawns.values().forEach(s -> s.ready.completeExceptionally(e));
            spawns.clear();
        }
    }

    private sealed interface Op permits Call, Spawn, Cancel, Close, Done, Reassign {
        default void fail(RuntimeException e) {
        }
    }

    /** A call; {@code linked} when it goes on the node's link (its row then says running). */
    private record Call(long id, RemoteAgent agent, TaskContext context, String taskJson,
                        CompletableFuture<Payload> result, boolean linked) implements Op {
        @Override
        public void fail(RuntimeException e) {
            result.completeExceptionally(e);
        }

        void end(Wire.Outcome o, String node) {
            o.usage().forEach(context::reportUsage);
            if (!Double.isNaN(o.quality())) {
                context.reportQuality(o.quality());
            }
            if (o.succeeded()) {
                result.complete(o.output());
            } else {
                result.completeExceptionally(o.exception(node));
            }
        }
    }

    private record Spawn(String agentId, String type, String node, long incarnation,
                         CompletableFuture<Integer> ready) implements Op {
        @Override
        public void fail(RuntimeException e) {
            ready.completeExceptionally(e);
        }
    }

    private record Cancel(long id, String node) implements Op {
    }

    private record Close(String agentId, String node) implements Op {
    }

    /** A linked call's end came on its link: its row goes ({@code tries} failed writes so far). */
    private record Done(long id, int tries) implements Op {
    }

    /** A linked call the link could not carry: its row becomes assigned, for the node to claim. */
    private record Reassign(long id, String node) implements Op {
    }

    /** The fencing epoch moved on: another node is the scheduler now. */
    static final class Fenced extends RuntimeException {
        Fenced(String message) {
            super(message);
        }
    }
}
