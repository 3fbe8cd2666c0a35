package io.trinity.pool.cluster;

import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of a node: hosts the agents the scheduler placed here ({@code cluster_agents}
 * rows), runs the calls it assigns them ({@code cluster_assignments} rows) and writes their ends
 * back. It learns of new rows through {@code LISTEN} on its own channel and, should a
 * notification be lost (a reconnect drops them), by polling every {@code poll}.
 *
 * <p>It starts no work once its lease is over ({@code leaseValid} false): a node cut off from the
 * database must assume the scheduler has given its agents up.
 */
final class NodeHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeHost.class);
    /** How long the end of a linked call whose link broke waits for its row to be written. */
    private static final long LINKED_END_RETRY_NANOS = 10_000_000_000L;

    private final ClusterDatabase db;
    private final String node;
    private final Map<String, AgentFactory> factories;
    private final long pollMillis;
    private final LongSupplier incarnation;
    private final BooleanSupplier leaseValid;
    private final Map<String, Hosted> agents = new ConcurrentHashMap<>();
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    /** Calls started here whose end is not yet written: a claim by polling must not start them again. */
    private final Set<Long> started = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger busy = new AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder calls = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder linkedCalls = new java.util.concurrent.atomic.LongAdder();
    private final Thread listener;
    private final Thread writer;

    NodeHost(ClusterDatabase db, String node, Map<String, AgentFactory> factories, long pollMillis,
             LongSupplier incarnation, BooleanSupplier leaseValid) {
        this.db = db;
        this.node = node;
        this.factories = Map.copyOf(factories);
        this.pollMillis = pollMillis;
        this.incarnation = incarnation;
        this.leaseValid = leaseValid;
        listener = Thread.ofPlatform().daemon().name("trinity-node-" + node + "-listen").unstarted(this::listen);
        writer = Thread.ofPlatform().daemon().name("trinity-node-" + node + "-results").unstarted(this::writeResults);
    }

    static String channel(String node) {
        return "trinity_node_" + node;
    }

    void start() {
        listener.start();
        writer.start();
    }

    int agentCount() {
        return agents.size();
    }

    int busy() {
        return busy.get();
    }

    /** Calls that came on the scheduler's direct link, a part of {@link #calls}. */
    long linkedCalls() {
        return linkedCalls.sum();
    }

    /** Calls this node ran for the scheduler, ended or not. */
    long calls() {
        return calls.sum();
    }

    /** Ids of running assignments whose agent reported progress since the last call. */
    List<Long> takeProgressed() {
        List<Long> ids = new ArrayList<>();
        running.forEach((id, r) -> {
            if (r.progressed.getAndSet(false)) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** Drops every hosted agent and running call: this node was declared dead and comes back new. */
    void reset(String why) {
        running.values().forEach(r -> r.cancel());
        running.clear();
        started.clear(); // the old incarnation's rows: no claim of the new one can start them
        agents.values().forEach(h -> h.close());
        agents.clear();
        LOG.warn("node {}: dropped its agents and running calls ({})", node, why);
    }

    private void listen() {
        while (!closed.get()) {
            try (Connection c = db.session(); var s = c.createStatement()) {
                s.execute("LISTEN \"" + channel(node) + "\"");
                PGConnection pg = c.unwrap(PGConnection.class);
                work(c, true, true);
                long polled = System.nanoTime();
                while (!closed.get()) {
                    PGNotification[] got = pg.getNotifications((int) pollMillis);
                    boolean all = got == null || got.length == 0 || System.nanoTime() - polled > pollMillis * 1_000_000;
                    if (all) {
                        polled = System.nanoTime();
                    }
                    boolean claim = all || hasFlag(got, 'a');
                    if (!all && leaseValid.getAsBoolean()) {
                        for (PGNotification n : got) {
                            if (n.getParameter().startsWith("A")) {
                                startDelivered(n.getParameter().substring(1));
                            }
                        }
                    }
                    work(c, all || hasFlag(got, 'g') || hasFlag(got, 'c'), claim);
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed.get()) {
                    LOG.warn("node {}: listening for assignments failed ({}); retrying", node, e.getMessage());
                    sleepQuietly(Math.min(1_000, pollMillis));
                }
            }
        }
    }

    private static boolean hasFlag(PGNotification[] got, char flag) {
        for (PGNotification n : got) {
            // a payload of whole calls ("A[...]") is data, not flags
            if (!n.getParameter().startsWith("A") && n.getParameter().indexOf(flag) >= 0) {
                return true;
            }
        }
        return false;
    }

    private void work(Connection c, boolean all, boolean claim) throws SQLException {
        if (!leaseValid.getAsBoolean()) {
            return;
        }
        long inc = incarnation.getAsLong();
        if (all) {
            syncAgents(c, inc);
            cancelled(c);
        }
        if (claim) {
            claim(c, inc);
        }
    }

    /**
     * Starts the calls a notification carried whole ({@code [{"id", "agent", "task", "attempt",
     * "json"}]}), with no query: the row stays {@code assigned} until the end is written, and
     * {@link #started} keeps a poll's claim from starting them twice.
     */
    private void startDelivered(String payload) {
        try {
            for (var call : Wire.JSON.readTree(payload)) {
                long id = call.get("id").asLong();
                if (started.contains(id)) {
                    continue;
                }
                start(id, call.get("agent").asText(), call.get("task").asLong(), call.get("attempt").asInt(),
                        call.get("json").asText(), null);
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("node {}: an assignment notification did not parse ({}); the next poll claims its rows", node,
                    e.getMessage());
        }
    }

    /**
     * Runs a call the scheduler sent on its direct link ({@link LinkServer}, which checked the
     * fence) on the calling thread, the link's reader; its end goes back on that link. Its row
     * says {@code running}, so no claim starts it.
     */
    void runLinked(long id, String agentId, long taskId, int attempt, String taskJson, LinkServer.Link link) {
        if (!started.contains(id)) {
            linkedCalls.increment();
            Running r = prepare(id, agentId, taskId, attempt, taskJson, link);
            r.thread = Thread.currentThread();
            r.run();
        }
    }

    private void start(long id, String agentId, long taskId, int attempt, String taskJson, LinkServer.Link link) {
        Running r = prepare(id, agentId, taskId, attempt, taskJson, link);
        r.thread = Thread.ofVirtual().name("trinity-call-" + id).start(r::run);
    }

    private Running prepare(long id, String agentId, long taskId, int attempt, String taskJson, LinkServer.Link link) {
        Hosted h = agents.get(agentId);
        Running r = new Running(id, taskId, attempt, agentId, taskJson, h, link);
        started.add(id);
        running.put(id, r);
        busy.incrementAndGet();
        calls.increment();
        return r;
    }

    private void syncAgents(Connection c, long inc) throws SQLException {
        Set<String> listed = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT agent_id, type, state FROM cluster_agents WHERE node = ? AND incarnation = ?")) {
            ps.setString(1, node);
            ps.setLong(2, inc);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    String type = rs.getString(2);
                    String state = rs.getString(3);
                    listed.add(id);
                    if (state.equals("spawning") && !agents.containsKey(id)) {
                        spawn(id, type);
                    } else if (state.equals("closing")) {
                        Hosted h = agents.remove(id);
                        if (h != null) {
                            h.close();
                        }
                        delete(c, id);
                    }
                }
            }
        }
        for (var e : agents.entrySet()) {
            if (!listed.contains(e.getKey()) && e.getValue().ready) {
                agents.remove(e.getKey());
                e.getValue().close(); // its scheduler is gone or it was reassigned
            }
        }
    }

    private void spawn(String id, String type) {
        Hosted h = new Hosted(type);
        agents.put(id, h);
        Thread.ofVirtual().name("trinity-spawn-" + id).start(() -> {
            String error = null;
            int capacity = 1;
            try {
                AgentFactory f = factories.get(type);
                if (f == null) {
                    throw new IllegalStateException("node " + node + " has no agent type '" + type
                            + "'; start every node with the same agent types");
                }
                Agent a = f.create(new AgentInit(id, type, Optional.empty()));
                if (a instanceof AsyncAgent async) {
                    async.initAsync().toCompletableFuture().get();
                } else {
                    a.init();
                }
                capacity = Math.max(1, a.capacity());
                h.agent = a;
                h.ready = true;
            } catch (Exception e) {
                error = e.getMessage() != null ? e.getMessage() : e.toString();
                // PostgreSQL stores no NUL in text: one would fail every flush of this node's ends.
                error = error.replace('\0', '\uFFFD');
                agents.remove(id);
            }
            ended.add(new Ended(-1, id, error == null ? "ready" : "failed", capacity, error, 0));
        });
    }

    private void delete(Connection c, String agentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM cluster_agents WHERE agent_id = ?")) {
            ps.setString(1, agentId);
            ps.executeUpdate();
        }
    }

    private void cancelled(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM cluster_assignments WHERE node = ? AND state = 'cancelled' RETURNING id")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    started.remove(id); // its row is gone: no claim can start it
                    Running r = running.remove(id);
                    if (r != null) {
                        r.cancel();
                    }
                }
            }
        }
    }

    private void claim(Connection c, long inc) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_assignments SET state = 'running'"
                + " WHERE node = ? AND incarnation = ? AND state = 'assigned'"
                + " RETURNING id, agent_id, task_id, attempt, task")) {
            // (rows started from a notification are claimed here too, and skipped: see started)
            ps.setString(1, node);
            ps.setLong(2, inc);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    if (!started.contains(id)) {
                        start(id, rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getString(5), null);
                    }
                }
            }
        }
    }

    private void writeResults() {
        List<Ended> batch = new ArrayList<>();
        while (!closed.get() || !ended.isEmpty()) {
            try {
                Ended first = ended.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                ended.drainTo(batch);
                flush(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.warn("node {}: writing {} results failed ({}); retrying", node, batch.size(), e.getMessage());
                sleepQuietly(200);
                ended.addAll(batch); // kept, written when the database answers again
                batch.clear();
            }
        }
    }

    private void flush(List<Ended> batch) throws SQLException {
        List<Ended> calls = new ArrayList<>(batch.size());
        List<Ended> spawns = new ArrayList<>();
        for (Ended e : batch) {
            (e.assignment >= 0 ? calls : spawns).add(e);
        }
        try (Connection c = db.connection()) {
            if (!spawns.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_agents SET state = ?, capacity = ?,"
                        + " error = ? WHERE agent_id = ? AND state = 'spawning'")) {
                    for (Ended e : spawns) {
                        ps.setString(1, e.state);
                        ps.setInt(2, e.capacity);
                        ps.setString(3, e.result);
                        ps.setString(4, e.agentId);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            // the ends and the notification (with them in it when they fit) in one statement
            Long[] ids = new Long[calls.size()];
            String[] states = new String[calls.size()];
            String[] results = new String[calls.size()];
            for (int i = 0; i < ids.length; i++) {
                Ended e = calls.get(i);
                ids[i] = e.assignment;
                states[i] = e.state;
                results[i] = e.result;
            }
            Set<Long> landed = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("WITH u AS (UPDATE cluster_assignments a SET state = v.state,"
                    + " result = v.result FROM unnest(?::bigint[], ?::text[], ?::text[]) AS v(id, state, result)"
                    + " WHERE a.id = v.id AND a.state IN ('assigned', 'running') RETURNING a.id)"
                    + " SELECT (SELECT array_agg(id) FROM u), pg_notify(?, ?)")) {
                ps.setArray(1, c.createArrayOf("bigint", ids));
                ps.setArray(2, c.createArrayOf("text", states));
                ps.setArray(3, c.createArrayOf("text", results));
                ps.setString(4, RemoteCalls.CHANNEL);
                ps.setString(5, spawns.isEmpty() ? resultsPayload(calls) : "r");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    java.sql.Array a = rs.getArray(1);
                    if (a != null) {
                        for (Long id : (Long[]) a.getArray()) {
                            landed.add(id);
                        }
                    }
                }
            }
            List<Ended> again = new ArrayList<>();
            for (Ended e : calls) {
                if (!landed.contains(e.assignment) && System.nanoTime() < e.retryUntil) {
                    again.add(e); // a linked call's row may not be written yet: its end must not be lost
                }
            }
            if (!again.isEmpty()) {
                Thread.ofVirtual().start(() -> {
                    sleepQuietly(100);
                    ended.addAll(again);
                });
            }
        }
        for (Ended e : calls) {
            started.remove(e.assignment); // its row is no longer assigned: no claim can start it
        }
    }

    /**
     * The ends of calls in the notification itself ({@code R[{"id", "state", "result"}]}) when
     * they fit, so the scheduler needs no query; else {@code r}, and it reads the rows.
     */
    private static String resultsPayload(List<Ended> batch) {
        StringBuilder sb = new StringBuilder("R[");
        boolean any = false;
        for (Ended e : batch) {
            if (e.assignment < 0) {
                return "r";
            }
            if (any) {
                sb.append(',');
            }
            sb.append("{\"id\":").append(e.assignment).append(",\"state\":\"").append(e.state)
                    .append("\",\"result\":").append(Wire.write(e.result)).append('}');
            any = true;
            if (sb.length() > RemoteCalls.MAX_PAYLOAD) {
                return "r";
            }
        }
        return sb.append(']').toString();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            reset("node stopping");
            listener.interrupt();
            writer.interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A call's end, or an agent's start (assignment -1), waiting to be written; the end of a call
     * that came on a link whose row is not there yet is written again until {@code retryUntil}.
     */
    private record Ended(long assignment, String agentId, String state, int capacity, String result, long retryUntil) {
    }

    private static final class Hosted {
        final String type;
        volatile Agent agent;
        volatile boolean ready;

        Hosted(String type) {
            this.type = type;
        }

        void close() {
            Agent a = agent;
            if (a != null) {
                try {
                    a.close();
                } catch (Exception e) {
                    LOG.debug("closing agent of type {} failed: {}", type, e.toString());
                }
            }
        }
    }

    private final class Running implements TaskContext {
        final long id;
        final long taskId;
        final int attempt;
        final String agentId;
        final String taskJson;
        final Hosted host;
        final LinkServer.Link link;
        final AtomicBoolean progressed = new AtomicBoolean();
        final Map<String, Long> usage = new ConcurrentHashMap<>();
        final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
        volatile boolean cancelled;
        volatile double quality = Double.NaN;
        volatile Task task;
        volatile Thread thread;
        private boolean finished; // guarded by this

        Running(long id, long taskId, int attempt, String agentId, String taskJson, Hosted host, LinkServer.Link link) {
            this.id = id;
            this.link = link;
            this.taskId = taskId;
            this.attempt = attempt;
            this.agentId = agentId;
            this.taskJson = taskJson;
            this.host = host;
        }

        void run() {
            Wire.Outcome outcome;
            try {
                Agent a = host == null ? null : host.agent;
                if (a == null) {
                    throw new io.trinity.pool.agent.AgentBrokenException("agent " + agentId + " is not on node "
                            + node + " (the node restarted or dropped it)");
                }
                task = Wire.task(taskJson);
                Payload out = a.execute(this);
                outcome = Wire.Outcome.success(out == null ? Payload.EMPTY : out, Map.copyOf(usage), quality);
            } catch (Throwable e) {
                Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                        ? e.getCause() : e;
                outcome = Wire.Outcome.failure(t, Map.copyOf(usage), quality);
            } finally {
                busy.decrementAndGet();
                synchronized (this) {
                    finished = true; // no cancel interrupts this thread from now on: it may run another call
                }
            }
            if (running.remove(id) != null) {
                String state = outcome.succeeded() ? "succeeded" : "failed";
                String result = outcome.toJson();
                if (link != null && link.sendEnd(id, state, result)) {
                    started.remove(id); // the scheduler has it and removes the row
                } else {
                    ended.add(new Ended(id, agentId, state, 0, result,
                            link == null ? 0 : System.nanoTime() + LINKED_END_RETRY_NANOS));
                }
            }
        }

        void cancel() {
            cancelled = true;
            onCancel.forEach(r -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.debug("a cancel action failed: {}", e.toString());
                }
            });
            synchronized (this) {
                Thread t = thread;
                if (t != null && !finished) {
                    t.interrupt();
                }
            }
        }

        @Override public long taskId() { return taskId; }
        @Override public String type() { return host == null ? task().type() : host.type; }
        @Override public String agentId() { return agentId; }
        @Override public int attempt() { return attempt; }
        @Override public Task task() { return task; }
        @Override public void progress(double fraction, String note) { progressed.set(true); }
        @Override public boolean isCancelled() { return cancelled; }
        @Override public void onCancel(Runnable action) {
            onCancel.add(action);
            if (cancelled) {
                action.run();
            }
        }
        @Override public void reportQuality(double score) { quality = score; }
        @Override public void reportUsage(String resource, long units) { usage.merge(resource, units, Long::sum); }
        @Override public TaskHandle submit(Task subtask) {
            throw new UnsupportedOperationException("an agent on node " + node + " cannot submit subtask of type '"
                    + subtask.type() + "': subtasks are submitted from the scheduler's node, where coordinators run");
        }
    }
}
