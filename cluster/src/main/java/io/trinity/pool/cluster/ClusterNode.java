package io.trinity.pool.cluster;

import io.trinity.pool.AgentType;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.jdbc.Fencing;
import io.trinity.pool.journal.jdbc.JdbcJournal;
import io.trinity.pool.journal.jdbc.Journals;
import io.trinity.pool.server.PoolServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One machine of a cluster (docs/cluster.md). Every node registers in {@code cluster_nodes} and
 * heartbeats there, hosts the agents the scheduler places on it ({@link NodeHost}), and serves
 * the API through its {@link Front}, which passes calls on to the scheduler. One node at a time
 * is the scheduler: it holds a session advisory lock, bumps the fencing epoch, opens the journal
 * fenced by that epoch (recovery rebuilds the queue) and runs the ordinary pool.
 *
 * <p>Written here rather than taken from a library: the coordination itself is PostgreSQL's
 * (advisory locks, row locks, LISTEN/NOTIFY), as in Quartz clustering or db-scheduler; what is
 * ours is only the mapping of the pool's roles onto rows.
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    /** First key of the scheduler's advisory lock (the second is the schema's hash). */
    private static final int LOCK_KEY = 0x7472_696E;
    /** The longest {@code --node-timeout}: a failover waits for it, and so does every task of a silent node. */
    static final Duration MAX_NODE_TIMEOUT = Duration.ofMinutes(5);
    /** {@code cluster_nodes.reason} of a node that stopped, until the scheduler has failed its calls over. */
    static final String LEFT = "stopped";
    static final String LEFT_HANDLED = "stopped; its calls went to other nodes";

    private final Settings settings;
    private final ClusterDatabase db;
    private final Placement placement;
    private final NodeHost host;
    private final LinkServer links;
    private final Front front;
    private final Thread beat;
    private final AtomicLong incarnation = new AtomicLong();
    private volatile long lastBeatNanos = System.nanoTime();
    private volatile boolean closed;
    /** Another process registered this node id: this one stops. */
    private volatile boolean superseded;
    private volatile Scheduler scheduler;
    private volatile String schedulerUrl;
    private volatile Connection election;
    /** Holds the journal's advisory lock shared for the node's life: no standalone pool opens the journal meanwhile. */
    private volatile Connection journalGuard;
    private final java.util.concurrent.CompletableFuture<String> selfStopped = new java.util.concurrent.CompletableFuture<>();
    private long beats;
    /** The scheduler's epoch and link secret as this node last read them, and until when (nanoTime) that epoch's lease held. */
    private volatile Leader leader = Leader.NONE;

    private ClusterNode(Settings s) {
        this.settings = s;
        this.db = new ClusterDatabase(s.journalUrl, s.node, 4, s.nodeTimeout.dividedBy(2));
        this.placement = new Placement(s.node, s.localOnly);
        Map<String, AgentFactory> factories = new LinkedHashMap<>();
        s.types.forEach(t -> factories.put(t.name(), t.factory()));
        this.host = new NodeHost(db, s.node, factories, s.poll.toMillis(), incarnation::get, this::leaseValid);
        this.links = new LinkServer(s.node, s.bind, s.linkPort, this::linkRefusal, host::runLinked);
        this.front = new Front(this, s.bind, s.port);
        this.beat = Thread.ofPlatform().daemon().name("trinity-node-" + s.node + "-beat").unstarted(this::beatLoop);
    }

    /** Starts a node; see {@link Settings}. */
    public static ClusterNode start(Settings settings) {
        ClusterNode n;
        try {
            n = new ClusterNode(settings);
        } catch (RuntimeException e) {
            throw databaseFailure(settings.journalUrl, e);
        }
        try {
            // the journal's first (it refuses a schema with foreign tables but no journal history),
            // and the fencing row must exist before anyone takes over
            JdbcJournal.builder(settings.journalUrl).exclusive(false).migrate();
            n.guardJournal(); // before the cluster's tables exist: a standalone pool holding the journal keeps them away
            n.db.migrate();
            n.front.start(); // first: the registry row carries its URL and link address
            n.links.start();
            n.awaitIdFree();
            n.checkSettings();
            n.register();
            n.host.start();
            n.beat.start();
            return n;
        } catch (RuntimeException e) {
            n.close();
            throw databaseFailure(settings.journalUrl, e);
        } catch (SQLException e) {
            n.close();
            throw databaseFailure(settings.journalUrl, e);
        }
    }

    /**
     * {@code e} as a start's error: a database failure (the driver's text, from the pool, Flyway
     * or a statement) named with the redacted URL and what to check; anything else as it is.
     */
    static RuntimeException databaseFailure(String url, Exception e) {
        if (e instanceof io.trinity.pool.journal.JournalException j) {
            return j; // the journal names its URL and the cause already
        }
        SQLException sql = null;
        for (Throwable t = e; t != null && sql == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException x) {
                sql = x;
            }
        }
        if (sql == null) {
            return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
        }
        return new IllegalStateException("cannot join the cluster: its database " + Journals.redact(url) + " failed ("
                + Journals.redact(String.valueOf(sql.getMessage())) + (sql.getSQLState() == null ? ""
                : ", SQLSTATE " + sql.getSQLState()) + "). Check that PostgreSQL runs there and this machine reaches it,"
                + " and that the URL's host, port, database, user and password are right", e);
    }

    public String node() {
        return settings.node;
    }

    /** This node's own URL (its front). */
    public String url() {
        return front.url();
    }

    public boolean isScheduler() {
        return scheduler != null;
    }

    /** The URL of the scheduler's API as the registry last said, or null during a takeover. */
    String schedulerUrl() {
        Scheduler s = scheduler;
        if (s == null) {
            return schedulerUrl;
        }
        PoolServer server = s.server;
        return server == null ? null : server.url(); // null while it recovers
    }

    /** This node's open link from the scheduler it last read, or null: where its front relays submits. */
    LinkServer.Link schedulerLink() {
        return links.current(leader.epoch());
    }

    /** The local pool server while this node schedules. */
    PoolServer localServer() {
        Scheduler s = scheduler;
        return s == null ? null : s.server;
    }

    Settings settings() {
        return settings;
    }

    ClusterDatabase database() {
        return db;
    }

    int hostedAgents() {
        return host.agentCount() + (scheduler == null ? 0 : placement.placedOn(settings.node));
    }

    int busy() {
        return host.busy();
    }

    /** Calls that came to this node on the scheduler's direct link. */
    long linkedCalls() {
        return host.linkedCalls();
    }

    /** The scheduler's open direct links to other nodes (0 on a node that does not schedule). */
    int openLinks() {
        Scheduler s = scheduler;
        return s == null ? 0 : s.calls.openLinks();
    }

    /** Calls this node has run, on hosted agents and (while it schedules) on its own. */
    long calls() {
        return host.calls() + placement.localCalls();
    }

    /**
     * Whether this node may start work: its last heartbeat began less than 80% of the node
     * timeout ago. The scheduler declares it dead only a whole timeout after that heartbeat
     * landed, so a cut-off node has stopped before its agents' tasks run elsewhere.
     */
    boolean leaseValid() {
        return System.nanoTime() - lastBeatNanos < settings.nodeTimeout.toNanos() * 4 / 5;
    }

    /**
     * Why no scheduler can take calls through this node now, or null when one can (what
     * {@code /readyz} says): this node's own lease must hold, and the scheduler's lease as this
     * node last read it from {@code cluster_leader} (on the scheduler itself: its own pool serving
     * and its lease sure), the same lease {@code /v1/cluster}'s {@code leaseValid} shows.
     */
    String notReady() {
        if (!leaseValid()) {
            return "node " + settings.node + " has not reached the database for a while";
        }
        Scheduler s = scheduler;
        if (s != null) {
            if (s.server == null) {
                return "this node is taking over as the scheduler (recovering the journal)";
            }
            return s.notServing();
        }
        Leader l = leader;
        if (l.epoch() < 0 || schedulerUrl == null) {
            return "no scheduler yet (a takeover takes up to the node timeout, " + settings.nodeTimeout.toMillis() + " ms)";
        }
        if (System.nanoTime() - l.leaseEndsNanos() >= 0) {
            return "the scheduler's lease (epoch " + l.epoch() + ") has run out; another node takes over within the node"
                    + " timeout (" + settings.nodeTimeout.toMillis() + " ms)";
        }
        return null;
    }

    /**
     * Why a call of {@code epoch} that came on a link may not start here now, or null if it may:
     * only while this node's own lease holds, the epoch and secret are the ones it last read from
     * {@code cluster_leader}, and that epoch's lease (as read, counted from before the read) has
     * not run out. A successor takes over only after that lease, so no deposed scheduler's call
     * starts once another exists.
     */
    String linkRefusal(long epoch, String secret) {
        if (!leaseValid()) {
            return "node " + settings.node + " has not reached the database for a while";
        }
        return leader.refusal(epoch, secret, System.nanoTime());
    }

    /** How many agents the live nodes allow together, as the scheduler last read the registry (0 elsewhere). */
    int possibleAgents() {
        return scheduler == null ? 0 : placement.limit();
    }

    /**
     * Takes the journal's advisory lock shared (see {@link ClusterJournals}) on a session of its
     * own, or refuses to join when a pool started without {@code --node-id} holds it.
     */
    private void guardJournal() throws SQLException {
        Connection c = db.session();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock_shared(" + ClusterJournals.JOURNAL_LOCK
                + ")"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                closeQuietly(c);
                throw new IllegalStateException("journal " + Journals.redact(settings.journalUrl) + " is in use by a pool"
                        + " started without --node-id (it holds the journal's lock): its tasks are that pool's. Stop it"
                        + " before starting the cluster's nodes on this journal, or give the cluster a database or schema"
                        + " of its own (currentSchema=...)");
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        closeQuietly(journalGuard);
        journalGuard = c;
    }

    /** Takes the journal's shared lock again when its session was lost (a database restart), every tenth beat. */
    private void keepJournalGuard() {
        if (++beats % 10 != 0) {
            return;
        }
        try {
            Connection c = journalGuard;
            if (c == null || !c.isValid(2)) {
                guardJournal();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("node {}: could not hold the journal's lock shared ({})", settings.node, e.getMessage());
        }
    }

    /**
     * Refuses to start when another live process holds this node id: its row is {@code up} and
     * its heartbeat still moves. A row whose heartbeat stays put for three heartbeats (the process
     * was killed and this is its restart) is taken over as before.
     */
    private void awaitIdFree() throws SQLException {
        Holder first = holder();
        if (first == null || !first.up() || !first.fresh()) {
            return;
        }
        long watch = Math.max(1_500, 3 * settings.heartbeat.toMillis() + 500);
        long until = System.nanoTime() + watch * 1_000_000;
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, settings.heartbeat.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("node " + settings.node + ": interrupted while checking its id", e);
            }
            Holder now = holder();
            if (now == null || !now.up()) {
                return;
            }
            if (!now.heartbeat().equals(first.heartbeat()) || now.incarnation() != first.incarnation()) {
                throw new IllegalStateException(idTaken(now));
            }
        }
    }

    private String idTaken(Holder h) {
        return "--node-id " + settings.node + " is in use by another live process (incarnation " + h.incarnation()
                + " at " + h.url() + ", heartbeat " + h.agoMillis() + " ms ago): two processes with one id would"
                + " take each other's row and calls. Give this process another --node-id, or stop the other one first";
    }

    /**
     * The settings every node must share, {@code --keys} (as {@code ApiKeys.fingerprint}) and
     * {@code --node-timeout}: recorded by the first node while no other node is live (a cluster
     * forming, or formed again after a stop), compared by every other; a difference refuses the
     * start, naming the setting. Nodes with other keys would change tenants' rights at a failover,
     * and a scheduler with another timeout would leave the cluster without one for its own lease.
     */
    private void checkSettings() throws SQLException {
        String keys = settings.keys == null ? null : settings.keys.fingerprint();
        long timeout = settings.nodeTimeout.toMillis();
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                try (var st = c.createStatement()) {
                    st.execute("LOCK TABLE cluster_settings IN EXCLUSIVE MODE"); // two nodes forming at once
                }
                boolean othersLive;
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM cluster_nodes WHERE state = 'up'"
                        + " AND node <> ? AND heartbeat_at >= now() - ? * interval '1 millisecond'")) {
                    ps.setString(1, settings.node);
                    ps.setLong(2, timeout);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        othersLive = rs.getLong(1) > 0;
                    }
                }
                String recordedKeys = null;
                long recordedTimeout = -1;
                String by = null;
                String at = null;
                try (PreparedStatement ps = c.prepareStatement("SELECT keys_sha256, node_timeout_ms, set_by, set_at"
                        + " FROM cluster_settings WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        recordedKeys = rs.getString(1);
                        recordedTimeout = rs.getLong(2);
                        by = rs.getString(3);
                        at = rs.getTimestamp(4).toInstant().toString();
                    }
                }
                if (othersLive && recordedTimeout >= 0) {
                    String from = " (recorded by node " + by + " at " + at + ", when the cluster formed)";
                    if (!Objects.equals(recordedKeys, keys)) {
                        throw new IllegalStateException("--keys differs from the cluster's: this file's keys (fingerprint "
                                + abbreviate(keys) + ") are not the running nodes' (fingerprint " + abbreviate(recordedKeys)
                                + ")" + from + "; every node must use the same keys file, or a failover would change"
                                + " what each key may do. Start with the cluster's keys file; to change keys, stop every"
                                + " node and start them all with the new file");
                    }
                    if (recordedTimeout != timeout) {
                        throw new IllegalStateException("--node-timeout " + timeout + "ms differs from the cluster's "
                                + recordedTimeout + "ms" + from + "; every node must use the same (it is the scheduler's"
                                + " lease and the failover time). Start with --node-timeout " + recordedTimeout
                                + "ms; to change it, stop every node and start them all with the new value");
                    }
                } else {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO cluster_settings (id, keys_sha256,"
                            + " node_timeout_ms, set_by, set_at) VALUES (1, ?, ?, ?, now()) ON CONFLICT (id) DO UPDATE SET"
                            + " keys_sha256 = excluded.keys_sha256, node_timeout_ms = excluded.node_timeout_ms,"
                            + " set_by = excluded.set_by, set_at = excluded.set_at")) {
                        ps.setString(1, keys);
                        ps.setLong(2, timeout);
                        ps.setString(3, settings.node);
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static String abbreviate(String fingerprint) {
        return fingerprint == null ? "none" : fingerprint.substring(0, 12) + "...";
    }

    /** This node id's row as the registry has it now, or null. */
    private Holder holder() throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT incarnation, state = 'up',"
                + " heartbeat_at >= now() - ? * interval '1 millisecond', heartbeat_at, url,"
                + " (extract(epoch FROM (now() - heartbeat_at)) * 1000)::bigint FROM cluster_nodes WHERE node = ?")) {
            ps.setLong(1, settings.nodeTimeout.toMillis());
            ps.setString(2, settings.node);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Holder(rs.getLong(1), rs.getBoolean(2), rs.getBoolean(3),
                        rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getLong(6)) : null;
            }
        }
    }

    private record Holder(long incarnation, boolean up, boolean fresh, java.time.Instant heartbeat, String url,
                          long agoMillis) {
    }

    /** Completes with the reason when this node stopped by itself (its id taken by another process). */
    public java.util.concurrent.CompletableFuture<String> selfStopped() {
        return selfStopped;
    }

    private void register() throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cluster_nodes (node, url, max_agents, incarnation, state, started_at, heartbeat_at, link)"
                        + " VALUES (?, ?, ?, 1, 'up', now(), now(), ?) ON CONFLICT (node) DO UPDATE SET url = excluded.url,"
                        + " max_agents = excluded.max_agents, incarnation = cluster_nodes.incarnation + 1, state = 'up',"
                        + " started_at = now(), heartbeat_at = now(), reason = NULL, link = excluded.link"
                        + " RETURNING incarnation")) {
            ps.setString(1, settings.node);
            ps.setString(2, front.url());
            ps.setInt(3, settings.maxAgents);
            ps.setString(4, links.address());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                incarnation.set(rs.getLong(1));
            }
        }
        lastBeatNanos = System.nanoTime();
        Events.record(db, "node.joined", settings.node, -1, "incarnation " + incarnation.get() + ", max agents "
                + settings.maxAgents + ", " + front.url());
        LOG.info("node {}: joined the cluster (incarnation {}, max {} agents, {})", settings.node, incarnation.get(),
                settings.maxAgents, front.url());
    }

    private void beatLoop() {
        while (!closed) {
            long started = System.nanoTime();
            try {
                heartbeat();
                if (superseded) {
                    return;
                }
                keepJournalGuard();
                Scheduler s = scheduler;
                if (s != null) {
                    s.tick();
                } else {
                    elect();
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("node {}: heartbeat failed ({})", settings.node, e.getMessage());
                }
            }
            Scheduler s = scheduler;
            if (s != null && System.nanoTime() - s.renewedNanos > settings.lease().toNanos() * 4 / 5) {
                s.abandon("its lease ran out (no renewal for " + settings.lease().toMillis() * 4 / 5 + " ms)");
            }
            long left = settings.heartbeat.toNanos() - (System.nanoTime() - started);
            if (left > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void heartbeat() throws SQLException {
        long began = System.nanoTime();
        String progress = host.takeProgressed().stream().map(String::valueOf)
                .reduce((a, b) -> a + "," + b).orElse(null);
        int updated;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("UPDATE cluster_nodes SET"
                + " heartbeat_at = now(), agents = ?, busy = ?, calls = ?, progress = ? WHERE node = ? AND incarnation = ?"
                + " AND state = 'up'")) {
            ps.setInt(1, hostedAgents());
            ps.setInt(2, host.busy());
            ps.setLong(3, calls());
            ps.setString(4, progress);
            ps.setString(5, settings.node);
            ps.setLong(6, incarnation.get());
            updated = ps.executeUpdate();
        }
        if (updated == 0) {
            Holder h = holder();
            if (h != null && h.incarnation() > incarnation.get() && h.up()) {
                // a newer process registered this id: stop rather than take the row back and forth
                String why = idTaken(h) + "; this process (incarnation " + incarnation.get() + ") stops";
                LOG.error("node {}: {}", settings.node, why);
                Events.recordQuietly(db, "node.duplicate", settings.node, -1, why);
                superseded = true; // the beat loop ends with this beat
                Thread.ofVirtual().start(() -> {
                    close();
                    selfStopped.complete(why);
                });
                return;
            }
            LOG.warn("node {}: the cluster declared this node dead; dropping its agents and joining again",
                    settings.node);
            host.reset("declared dead by the scheduler");
            links.closeAll();
            Scheduler s = scheduler;
            if (s != null) {
                s.abandon("this node was declared dead");
            }
            register();
            return;
        }
        lastBeatNanos = began;
    }

    private void elect() throws SQLException {
        if (election == null || !election.isValid(2)) {
            closeQuietly(election);
            election = db.session();
        }
        boolean locked;
        try (PreparedStatement ps = election.prepareStatement(
                "SELECT pg_try_advisory_lock(?, hashtext(current_schema()))")) {
            ps.setInt(1, LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                locked = rs.getBoolean(1);
            }
        }
        if (!locked) {
            followLeader();
            return;
        }
        if (!leaseOver()) {
            return; // the lock is free (the scheduler died or let go), but its lease may still hold: wait it out
        }
        try {
            takeOver();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("node {}: taking over as scheduler failed ({}); giving the lock back", settings.node, e.getMessage());
            closeQuietly(election);
            election = null;
            Scheduler s = scheduler;
            if (s != null) {
                s.abandon("its start failed");
            }
        }
    }

    /** Whether the last scheduler's lease has ended (or it gave the role up, or there was none). */
    private boolean leaseOver() throws SQLException {
        try (PreparedStatement ps = election.prepareStatement("SELECT node IS NULL OR lease_until IS NULL"
                + " OR lease_until <= now() FROM cluster_leader WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Learns who schedules, and ends a silent scheduler's sessions once its lease is long over. */
    private void followLeader() throws SQLException {
        long asked = System.nanoTime(); // the lease is counted from before the question: never too late
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT node, url,"
                + " extract(epoch FROM (now() - lease_until)) * 1000, epoch, link_secret FROM cluster_leader WHERE id = 1")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String schedulerNode = rs.getString(1);
                schedulerUrl = rs.getString(2);
                double overdue = rs.getDouble(3);
                boolean noLease = rs.wasNull();
                long epoch = rs.getLong(4);
                String secret = rs.getString(5);
                if (schedulerNode != null && !noLease && secret != null) {
                    leader = Leader.read(epoch, secret, asked, overdue);
                    links.closeBefore(epoch);
                } else {
                    leader = Leader.NONE;
                }
                if (schedulerNode != null && !noLease && overdue > settings.lease().toMillis()) {
                    // its lease ran out a whole timeout ago: it has stopped by its own clock, but its
                    // sessions (with the lock) may live on in a cut-off or frozen process
                    try (PreparedStatement kill = c.prepareStatement("SELECT count(pg_terminate_backend(pid))"
                            + " FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()")) {
                        kill.setString(1, "trinity-" + schedulerNode);
                        try (ResultSet k = kill.executeQuery()) {
                            k.next();
                            if (k.getInt(1) > 0) {
                                LOG.warn("node {}: ended {} database sessions of scheduler {}, whose lease ran out {} ms ago",
                                        settings.node, k.getInt(1), schedulerNode, (long) overdue);
                            }
                        }
                    }
                }
            }
        }
    }

    private void takeOver() throws SQLException {
        long begun = System.nanoTime();
        String previous;
        double silentMillis;
        long newEpoch;
        String secret = java.util.HexFormat.of().formatHex(randomBytes(16));
        election.setAutoCommit(false);
        try {
            newEpoch = Fencing.takeOver(election, settings.node);
            try (PreparedStatement ps = election.prepareStatement("SELECT node, extract(epoch FROM (now() - lease_until))"
                    + " * 1000 FROM cluster_leader WHERE id = 1 FOR UPDATE"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                previous = rs.getString(1);
                double overdue = rs.getDouble(2);
                // the old scheduler last renewed one lease before its lease_until
                silentMillis = rs.wasNull() ? -1 : overdue + settings.lease().toMillis();
            }
            try (PreparedStatement ps = election.prepareStatement("UPDATE cluster_leader SET node = ?, url = NULL,"
                    + " epoch = ?, pid = pg_backend_pid(), since = now(), lease_until = now() + ? * interval '1 millisecond',"
                    + " link_secret = ? WHERE id = 1")) {
                ps.setString(1, settings.node);
                ps.setLong(2, newEpoch);
                ps.setLong(3, settings.lease().toMillis());
                ps.setString(4, secret);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = election.prepareStatement("UPDATE cluster_assignments SET state = 'cancelled'"
                    + " WHERE epoch < ? AND state IN ('assigned', 'running')")) {
                ps.setLong(1, newEpoch);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = election.prepareStatement("DELETE FROM cluster_agents WHERE epoch < ?")) {
                ps.setLong(1, newEpoch);
                ps.executeUpdate();
            }
            try (var s = election.createStatement()) {
                s.execute("SELECT pg_notify('" + "trinity_node_' || node, 'gc') FROM cluster_nodes");
            }
            election.commit();
        } catch (SQLException | RuntimeException e) {
            election.rollback();
            throw e;
        } finally {
            election.setAutoCommit(true);
        }
        leader = Leader.NONE; // it takes no calls on links while it schedules
        Scheduler s = new Scheduler(newEpoch, secret);
        scheduler = s;
        // recovery can take a while: off the heartbeat thread, which keeps renewing the lease
        Thread.ofVirtual().name("trinity-scheduler-start").start(() -> {
            try {
                if (s.start()) {
                    started(s, begun, previous, silentMillis);
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("node {}: starting as the scheduler failed", settings.node, e);
                s.abandon("its start failed: " + e.getMessage());
            }
        });
    }

    private void started(Scheduler s, long begun, String previous, double silentMillis) {
        long newEpoch = s.epoch;
        long tookMillis = (System.nanoTime() - begun) / 1_000_000;
        String detail = "epoch " + newEpoch + (previous == null ? ", first scheduler"
                : ", after " + previous + (previous.equals(settings.node) ? " (itself)" : "")
                + (silentMillis >= 0 ? " went silent " + Math.round(silentMillis) + " ms before" : ""))
                + "; recovery and start took " + tookMillis + " ms";
        // from the old scheduler's last renewal to this one serving
        long failover = tookMillis + (previous == null || silentMillis < 0 ? 0 : Math.round(silentMillis));
        Events.record(db, "scheduler.takeover", settings.node, failover, detail);
        LOG.warn("node {}: now the scheduler ({}; failover {} ms)", settings.node, detail, failover);
    }

    /** A node the scheduler just declared dead, and how long it had been silent. */
    private record Dead(String node, long silentMillis, boolean left) {
    }

    /**
     * The scheduler as a node last read {@code cluster_leader}: its epoch, link secret and the end
     * of its lease on this node's clock ({@code nanoTime}), counted from before the read.
     */
    record Leader(long epoch, String secret, long leaseEndsNanos) {

        static final Leader NONE = new Leader(-1, "", 0);

        /**
         * @param askedNanos {@code nanoTime} before the query was sent
         * @param overdueMillis the database's {@code now() - lease_until} (negative while the lease holds)
         */
        static Leader read(long epoch, String secret, long askedNanos, double overdueMillis) {
            return new Leader(epoch, secret, askedNanos - (long) (overdueMillis * 1_000_000));
        }

        /** Why a call of {@code epoch} said with {@code secret} may not start at {@code nowNanos}, or null. */
        String refusal(long epoch, String secret, long nowNanos) {
            if (this.epoch < 0) {
                return "this node does not know the scheduler's epoch yet (it reads it every heartbeat)";
            }
            if (this.epoch != epoch || !java.security.MessageDigest.isEqual(
                    this.secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    secret.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                return "epoch " + epoch + " with this secret is not the scheduler's as this node last read it (epoch "
                        + this.epoch + ")";
            }
            if (nowNanos - leaseEndsNanos >= 0) {
                return "the lease of epoch " + epoch + " ran out as this node last read it";
            }
            return null;
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    /** The scheduler role: the pool, its journal, its remote calls, the registry monitor. */
    private final class Scheduler {
        final long epoch;
        final RemoteCalls calls;
        volatile PoolServer server;
        volatile JdbcJournal journal;
        volatile long renewedNanos = System.nanoTime(); // when the last successful renewal began
        volatile boolean abandoned;

        Scheduler(long epoch, String secret) {
            this.epoch = epoch;
            this.calls = new RemoteCalls(db, epoch, secret, settings.poll.toMillis(),
                    () -> Thread.ofVirtual().start(() -> abandon("another node took over (epoch moved past " + epoch + ")")));
        }

        /** Opens the journal (recovery), builds and starts the pool server; false if abandoned meanwhile. */
        boolean start() throws SQLException {
            calls.start();
            placement.use(calls);
            refreshNodes();
            // not exclusive: the cluster's lock and the epoch keep other schedulers away
            journal = JdbcJournal.builder(withApplicationName(settings.journalUrl)).exclusive(false)
                    .fencedBy(epoch)
                    .onFenced(() -> Thread.ofVirtual().start(() -> abandon("its journal was fenced off")))
                    .open();
            if (abandoned) {
                journal.close();
                return false;
            }
            List<AgentType> placed = new ArrayList<>();
            settings.types.forEach(t -> placed.add(placement.place(t)));
            IntSupplier limit = () -> Math.max(1, placement.limit());
            PoolServer built = settings.scheduler.create(journal, placed, limit);
            built.refuseWhile(this::notServing);
            built.start();
            synchronized (this) {
                if (abandoned) {
                    built.drain(Duration.ZERO);
                    return false;
                }
                server = built;
            }
            calls.serve(built);
            try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE cluster_leader SET url = ? WHERE id = 1 AND epoch = ?")) {
                ps.setString(1, server.url());
                ps.setLong(2, epoch);
                ps.executeUpdate();
            }
            return true;
        }

        /**
         * Why this scheduler's pool may not answer API calls now, or null: once abandoned, and as
         * soon as its lease is no longer sure (no renewal for 80% of it: a process paused, or cut
         * off from the database, that has not noticed yet). Another node may then take over, and
         * what this pool would say (a task cancelled by its drain, a cancel not stored) may not be
         * what the cluster stores.
         */
        String notServing() {
            if (abandoned) {
                return "node " + settings.node + " is no longer the cluster's scheduler; retry the call (with the same"
                        + " Idempotency-Key for a submit): it goes to the current scheduler";
            }
            long since = (System.nanoTime() - renewedNanos) / 1_000_000;
            long bound = settings.lease().toMillis() * 4 / 5;
            if (since > bound) {
                return "the scheduler on node " + settings.node + " has not renewed its lease for " + since + " ms (over "
                        + bound + " ms: it was paused or cut off from the database), so it answers nothing from its pool;"
                        + " retry the call (with the same Idempotency-Key for a submit): another node takes over within"
                        + " the node timeout (" + settings.nodeTimeout.toMillis() + " ms)";
            }
            return null;
        }

        void tick() throws SQLException {
            long began = System.nanoTime();
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                try {
                    Fences.check(c, epoch);
                    try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_leader SET lease_until = now() + ?"
                            + " * interval '1 millisecond' WHERE id = 1 AND epoch = ?")) {
                        ps.setLong(1, settings.lease().toMillis());
                        ps.setLong(2, epoch);
                        if (ps.executeUpdate() == 0) {
                            throw new RemoteCalls.Fenced("the leader row names another epoch");
                        }
                    }
                    List<Dead> dead = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_nodes SET state = 'dead',"
                            + " reason = 'silent for more than ' || ? || ' ms' WHERE state = 'up' AND node <> ?"
                            + " AND heartbeat_at < now() - ? * interval '1 millisecond' RETURNING node,"
                            + " (extract(epoch FROM (now() - heartbeat_at)) * 1000)::bigint")) {
                        ps.setLong(1, settings.nodeTimeout.toMillis());
                        ps.setString(2, settings.node);
                        ps.setLong(3, settings.nodeTimeout.toMillis());
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                dead.add(new Dead(rs.getString(1), rs.getLong(2), false));
                            }
                        }
                    }
                    // a node that stopped (SIGTERM) left with its calls unfinished: they will never
                    // end there, so they fail over at once, as a dead node's do (once per leaving)
                    try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_nodes SET reason = ?"
                            + " WHERE state = 'left' AND reason = ? AND node <> ? RETURNING node")) {
                        ps.setString(1, LEFT_HANDLED);
                        ps.setString(2, LEFT);
                        ps.setString(3, settings.node);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                dead.add(new Dead(rs.getString(1), 0, true));
                            }
                        }
                    }
                    if (!dead.isEmpty()) {
                        // their agents and calls are failed below; the rows would otherwise stay (the
                        // node comes back with a new incarnation), and a late end finds none to land on
                        var names = c.createArrayOf("text", dead.stream().map(Dead::node).toArray());
                        for (String table : List.of("cluster_agents", "cluster_assignments")) {
                            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE node = ANY (?)")) {
                                ps.setArray(1, names);
                                ps.executeUpdate();
                            }
                        }
                    }
                    c.commit();
                    renewedNanos = began;
                    for (Dead d : dead) {
                        String node = d.node();
                        if (d.left()) {
                            int failed = calls.nodeDied(node, "left the cluster (stopped) before its calls ended");
                            Events.record(db, "node.left", node, -1, "stopped; " + failed
                                    + " running calls failed over to other nodes");
                            LOG.warn("node {}: node {} left the cluster; {} running calls retried elsewhere",
                                    settings.node, node, failed);
                            continue;
                        }
                        long silent = d.silentMillis();
                        int failed = calls.nodeDied(node, "was silent for " + silent + " ms");
                        Events.record(db, "node.failed", node, silent, "silent for " + silent + " ms; "
                                + failed + " running calls failed over to other nodes");
                        LOG.warn("node {}: node {} silent for {} ms, declared dead; {} running calls retried elsewhere",
                                settings.node, node, silent, failed);
                    }
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (RemoteCalls.Fenced e) {
                abandon(e.getMessage());
                return;
            }
            refreshNodes();
        }

        private void refreshNodes() throws SQLException {
            List<Placement.NodeView> nodes = new ArrayList<>();
            List<Long> progressed = new ArrayList<>();
            Map<String, String> linkAddresses = new java.util.HashMap<>();
            try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT node, url,"
                    + " max_agents, incarnation, state = 'up' AND heartbeat_at >= now() - ? * interval '1 millisecond',"
                    + " progress, link FROM cluster_nodes")) {
                // new agents go only to nodes heard from lately: one that missed a few beats is
                // likely gone, though it is declared dead only after the node timeout
                ps.setLong(1, Math.min(settings.nodeTimeout.toMillis(), Math.max(2_000, 3 * settings.heartbeat.toMillis())));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        boolean self = rs.getString(1).equals(settings.node);
                        nodes.add(new Placement.NodeView(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
                                self || rs.getBoolean(5)));
                        if (!self && rs.getBoolean(5) && rs.getString(7) != null) {
                            linkAddresses.put(rs.getString(1), rs.getString(7));
                        }
                        String p = rs.getString(6);
                        if (p != null && !p.isEmpty()) {
                            for (String id : p.split(",")) {
                                progressed.add(Long.parseLong(id));
                            }
                        }
                    }
                }
            }
            placement.update(nodes);
            calls.progressed(progressed);
            calls.linkTo(linkAddresses);
        }

        synchronized void abandon(String why) {
            if (abandoned) {
                return;
            }
            abandoned = true;
            if (scheduler == this) {
                scheduler = null;
            }
            LOG.warn("node {}: stops scheduling: {}", settings.node, why);
            Events.recordQuietly(db, "scheduler.stopped", settings.node, -1, why);
            release(epoch);
            calls.close();
            // the journal first: nothing this pool does from now on is written, so the next
            // scheduler recovers every task this one held
            if (journal != null) {
                journal.close();
            }
            if (server != null) {
                try {
                    server.drain(Duration.ZERO);
                } catch (RuntimeException e) {
                    LOG.debug("stopping the abandoned pool: {}", e.toString());
                }
            }
            closeQuietly(election);
            election = null;
        }
    }

    /** Ends this scheduler's lease at once, so another node need not wait it out (best effort). */
    private void release(long epoch) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE cluster_leader SET lease_until = now() WHERE id = 1 AND epoch = ? AND node = ?")) {
            ps.setLong(1, epoch);
            ps.setString(2, settings.node);
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("node {}: could not release the lease: {}", settings.node, e.toString());
        }
    }

    private String withApplicationName(String url) {
        return url + (url.contains("?") ? "&" : "?") + "ApplicationName=trinity-" + settings.node;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        beat.interrupt();
        Scheduler s = scheduler;
        if (s != null) {
            s.abandon("the node is stopping");
        }
        front.close();
        links.close();
        host.close();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE cluster_nodes SET state = 'left', reason = ? WHERE node = ? AND incarnation = ?")) {
            ps.setString(1, LEFT);
            ps.setString(2, settings.node);
            ps.setLong(3, incarnation.get());
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("node {}: could not record leaving: {}", settings.node, e.toString());
        }
        closeQuietly(election);
        closeQuietly(journalGuard);
        db.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing: {}", e.toString());
            }
        }
    }

    /** Builds the scheduler's pool server around the fenced journal and the placed agent types. */
    @FunctionalInterface
    public interface SchedulerFactory {
        /**
         * @param journal the journal, fenced by this scheduler's epoch
         * @param types the node's agent types with factories that place each new agent on a node
         * @param agentLimit how many agents the live nodes allow together, for {@code PoolBuilder.agentLimit}
         * @return a server not yet started, on a port of its own (0 picks one); the cluster starts it
         */
        PoolServer create(Journal journal, List<AgentType> types, IntSupplier agentLimit);
    }

    /** What a node needs; build with {@link #builder}. */
    public static final class Settings {
        final String node;
        final String journalUrl;
        final String bind;
        final int port;
        final int linkPort;
        final int maxAgents;
        final Duration nodeTimeout;
        final Duration heartbeat;
        final Duration poll;
        final List<AgentType> types;
        final Set<String> localOnly;
        final SchedulerFactory scheduler;
        final io.trinity.pool.server.ApiKeys keys;

        private Settings(Builder b) {
            node = b.node;
            journalUrl = b.journalUrl;
            bind = b.bind;
            port = b.port;
            linkPort = b.linkPort;
            maxAgents = b.maxAgents;
            nodeTimeout = b.nodeTimeout;
            heartbeat = b.heartbeat != null ? b.heartbeat
                    : Duration.ofMillis(Math.max(100, Math.min(1_000, b.nodeTimeout.toMillis() / 5)));
            poll = b.poll;
            types = List.copyOf(b.types);
            localOnly = Set.copyOf(b.localOnly);
            scheduler = b.scheduler;
            keys = b.keys;
        }

        public static Builder builder(String node, String journalUrl) {
            return new Builder(node, journalUrl);
        }

        public Duration nodeTimeout() {
            return nodeTimeout;
        }

        /**
         * The scheduler's lease: half the node timeout. The scheduler stops at 80% of it without
         * a renewal; another node takes over only once it has ended, so the two never overlap.
         */
        public Duration lease() {
            return nodeTimeout.dividedBy(2);
        }
    }

    /** Settings of a node; the node id and a PostgreSQL journal URL are required. */
    public static final class Builder {
        private final String node;
        private final String journalUrl;
        private String bind = "127.0.0.1";
        private int port = 8080;
        private int linkPort;
        private int maxAgents = 16;
        private Duration nodeTimeout = Duration.ofSeconds(10);
        private Duration heartbeat;
        private Duration poll = Duration.ofMillis(500);
        private List<AgentType> types = List.of();
        private Set<String> localOnly = Set.of();
        private SchedulerFactory scheduler;
        private io.trinity.pool.server.ApiKeys keys;

        private Builder(String node, String journalUrl) {
            if (node == null || !NODE_ID.matcher(node).matches()) {
                throw new IllegalArgumentException("--node-id must be 1 to 40 letters, digits, '-' or '_' (got "
                        + (node == null ? "nothing" : shown(node)) + "); give every machine its own name");
            }
            if (journalUrl == null || !journalUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("--journal must be a jdbc:postgresql:// URL for a cluster (got "
                        + Journals.redact(journalUrl) + "); nodes share one PostgreSQL database");
            }
            this.node = node;
            this.journalUrl = journalUrl;
        }

        /** A bad value for a message: quoted, control characters escaped, at most 48 characters and its length. */
        private static String shown(String value) {
            StringBuilder b = new StringBuilder("'");
            value.codePoints().limit(48).forEach(cp -> {
                if (Character.isISOControl(cp)) {
                    b.append(String.format("\\u%04x", cp));
                } else {
                    b.appendCodePoint(cp);
                }
            });
            b.append('\'');
            int length = value.codePointCount(0, value.length());
            return length > 48 ? b + "... (" + length + " characters)" : b.toString();
        }

        public Builder bind(String bind) {
            this.bind = Objects.requireNonNull(bind, "bind");
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("--port must be between 0 and 65535 (got " + port + ")");
            }
            this.port = port;
            return this;
        }

        /**
         * The port this node listens on for the scheduler's direct link (on the {@link #bind}
         * address); 0, the default, takes any free port. The registry says which.
         */
        public Builder linkPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("--link-port must be between 0 and 65535 (got " + port + ")");
            }
            this.linkPort = port;
            return this;
        }

        public Builder maxAgents(int maxAgents) {
            if (maxAgents < 1) {
                throw new IllegalArgumentException("--max-agents must be >= 1 (got " + maxAgents + ")");
            }
            this.maxAgents = maxAgents;
            return this;
        }

        public Builder nodeTimeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 500 || timeout.compareTo(MAX_NODE_TIMEOUT) > 0) {
                throw new IllegalArgumentException("--node-timeout must be between 500ms and "
                        + MAX_NODE_TIMEOUT.toMinutes() + "m (got " + timeout + "): it is how long a silent node's"
                        + " tasks and a dead scheduler's queue wait before another node takes them");
            }
            this.nodeTimeout = timeout;
            return this;
        }

        public Builder heartbeat(Duration every) {
            if (every == null || every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("heartbeat must be > 0 (got " + every + ")");
            }
            this.heartbeat = every;
            return this;
        }

        public Builder poll(Duration every) {
            if (every == null || every.toMillis() < 10) {
                throw new IllegalArgumentException("poll must be at least 10ms (got " + every + ")");
            }
            this.poll = every;
            return this;
        }

        /** The agent types this node can host (every node should list the same). */
        public Builder types(List<AgentType> types) {
            this.types = List.copyOf(types);
            return this;
        }

        /** Types whose agents always run on the scheduler's node (those that submit subtasks). */
        public Builder localOnly(Set<String> types) {
            this.localOnly = Set.copyOf(types);
            return this;
        }

        /** The API keys every node serves; {@code /v1/cluster} then needs one of them. */
        public Builder keys(io.trinity.pool.server.ApiKeys keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        public Builder scheduler(SchedulerFactory factory) {
            this.scheduler = Objects.requireNonNull(factory, "scheduler");
            return this;
        }

        public Settings build() {
            if (scheduler == null) {
                throw new IllegalStateException("a cluster node needs a scheduler factory (how to build its pool server)");
            }
            if (heartbeat != null && heartbeat.compareTo(nodeTimeout) >= 0) {
                throw new IllegalArgumentException("heartbeat (" + heartbeat + ") must be shorter than --node-timeout ("
                        + nodeTimeout + ")");
            }
            return new Settings(this);
        }
    }
}
