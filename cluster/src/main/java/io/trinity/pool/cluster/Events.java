package io.trinity.pool.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's own events (joins, failures, takeovers, each with its duration), kept in
 * {@code cluster_events} so every node's {@code /v1/cluster} shows the same history.
 */
final class Events {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);
    static final int KEEP = 1_000;

    private Events() {
    }

    static void record(ClusterDatabase db, String kind, String node, long millis, String detail) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cluster_events (kind, node, millis, detail) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, kind);
            ps.setString(2, node);
            if (millis >= 0) {
                ps.setLong(3, millis);
            } else {
                ps.setNull(3, java.sql.Types.BIGINT);
            }
            ps.setString(4, detail);
            ps.executeUpdate();
            try (PreparedStatement prune = c.prepareStatement(
                    "DELETE FROM cluster_events WHERE id <= (SELECT max(id) FROM cluster_events) - " + KEEP)) {
                prune.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record cluster event " + kind + ": " + e.getMessage(), e);
        }
    }

    static void recordQuietly(ClusterDatabase db, String kind, String node, long millis, String detail) {
        try {
            record(db, kind, node, millis, detail);
        } catch (RuntimeException e) {
            LOG.debug("cluster event {} not recorded: {}", kind, e.getMessage());
        }
    }

    static List<Map<String, Object>> recent(Connection c, int limit) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, at, kind, node, millis, detail FROM cluster_events"
                + " ORDER BY id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getLong(1));
                    m.put("at", rs.getTimestamp(2).toInstant().toString());
                    m.put("kind", rs.getString(3));
                    m.put("node", rs.getString(4));
                    long ms = rs.getLong(5);
                    m.put("millis", rs.wasNull() ? null : ms);
                    m.put("detail", rs.getString(6));
                    out.add(m);
                }
            }
        }
        return out;
    }
}
