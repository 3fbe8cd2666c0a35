package io.trinity.pool.cluster;

import io.trinity.pool.journal.jdbc.Journals;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Keeps a pool started without {@code --node-id} off a cluster's journal (docs/cluster.md
 * "One journal, one kind of pool"). Cluster nodes open the journal without its exclusive lock
 * (their own election keeps schedulers apart), so the journal alone cannot tell a standalone pool
 * that the tasks it would recover are a cluster's: such a pool would run them a second time, its
 * writes unfenced, beside the cluster's scheduler. Two guards make the two kinds exclusive:
 * <ul>
 *   <li>every node holds the journal's advisory lock <em>shared</em> for its life, taken before
 *       it creates the cluster's tables, so a standalone pool (which takes it exclusively) cannot
 *       open the journal while any node runs, and a node cannot join while a standalone pool
 *       holds it;</li>
 *   <li>a standalone pool refuses a journal whose schema has the cluster's tables
 *       ({@link #refuseStandalone}), which covers a cluster stopped right now: its queued tasks
 *       are still the cluster's.</li>
 * </ul>
 */
public final class ClusterJournals {

    /** The journal's own advisory lock (journal's {@code Database}), which a node holds shared. */
    static final String JOURNAL_LOCK = "hashtext('trinity-journal:' || current_schema())";

    private ClusterJournals() {
    }

    /**
     * Throws when the PostgreSQL journal {@code url} belongs to a cluster, with a message that
     * names the journal, the cluster and what to do; does nothing for another journal (SQLite,
     * {@code none}) or when the database cannot be reached (opening the journal then reports that).
     *
     * @throws IllegalStateException when the journal's schema holds a cluster's tables
     */
    public static void refuseStandalone(String url) {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            return;
        }
        Optional<String> cluster;
        try (Connection c = connect(url)) {
            cluster = describe(c);
        } catch (SQLException e) {
            return;
        }
        cluster.ifPresent(what -> {
            throw new IllegalStateException(refusal(url, what));
        });
    }

    /** The message of {@link #refuseStandalone}, for {@code what} as {@link #describe} says it. */
    static String refusal(String url, String what) {
        return "journal " + Journals.redact(url) + " is the journal of a cluster (" + what + "): a pool started"
                + " without --node-id would recover the cluster's tasks and run them a second time beside its"
                + " scheduler. Start this process with --node-id NAME (and the cluster's --keys file) to join the"
                + " cluster, or give it a journal of its own (another database, or currentSchema=...)";
    }

    /**
     * What the schema of {@code c} shows of a cluster (its nodes, its scheduler), or empty when it
     * has none of the cluster's tables.
     */
    static Optional<String> describe(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_catalog.pg_tables"
                + " WHERE schemaname = current_schema() AND tablename IN ('cluster_leader', 'cluster_nodes')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return Optional.empty();
            }
        }
        List<String> parts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT string_agg(node || ' ' || state, ', ' ORDER BY node),"
                + " count(*) FROM cluster_nodes"); ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getInt(2) > 0) {
                parts.add("nodes " + rs.getString(1));
            }
        } catch (SQLException e) {
            parts.add("it has the cluster's tables");
            return Optional.of(String.join("; ", parts));
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT node, epoch, lease_until > now() FROM cluster_leader"
                + " WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getString(1) != null) {
                parts.add("last scheduler " + rs.getString(1) + " at epoch " + rs.getLong(2)
                        + (rs.getBoolean(3) ? ", its lease running" : ", its lease ended"));
            }
        }
        if (parts.isEmpty()) {
            parts.add("it has the cluster's tables");
        }
        return Optional.of(String.join("; ", parts));
    }

    private static Connection connect(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "10");
        p.setProperty("ApplicationName", "trinity-journal-check");
        return DriverManager.getConnection(url, p);
    }
}
