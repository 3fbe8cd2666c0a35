package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalRecord.SnapshotSaved;
import io.trinity.pool.journal.StoredTask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The queries. Each takes its own pooled connection, so reads run on any thread beside the
 * writer (SQLite in WAL mode lets readers and the one writer proceed together). A read sees
 * what was committed when it started: a record whose write future has not completed may not
 * be visible yet.
 */
final class TaskReader {

    static final String COLUMNS = "id, task_json, tenant, idempotency_key, state, attempts, running, enqueued_at,"
            + " started_at, ended_at, result_json, reasons_json, agent, result_attachments_json";

    private static final String LIVE = "ended_at = 0 AND state IN ('QUEUED', 'RUNNING')";

    private final Database db;

    TaskReader(Database db) {
        this.db = db;
    }

    List<StoredTask> pending() {
        return list("SELECT " + COLUMNS + " FROM tasks WHERE " + LIVE + " ORDER BY id");
    }

    List<StoredTask> deadLetters() {
        return list("SELECT " + COLUMNS + " FROM tasks WHERE dead_letter = TRUE ORDER BY ended_at, id");
    }

    long maxTaskId() {
        return number("SELECT MAX(v) FROM (SELECT COALESCE(MAX(id), 0) AS v FROM tasks"
                + " UNION ALL SELECT value AS v FROM journal_meta WHERE name = 'max_task_id') m");
    }

    long finals() {
        return number("SELECT COUNT(*) FROM tasks WHERE state NOT IN ('QUEUED', 'RUNNING')");
    }

    Optional<StoredTask> find(long taskId) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE id = ?")) {
            ps.setLong(1, taskId);
            return first(ps);
        } catch (SQLException e) {
            throw Failures.read(db.name(), e);
        }
    }

    Optional<StoredTask> findByIdempotencyKey(String tenant, String key) {
        // Not unique in the schema: a failed group must never be caused by a key the pool let through.
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks"
                     + " WHERE tenant = ? AND idempotency_key = ? ORDER BY id DESC LIMIT 1")) {
            // Looked up as stored (see Dialect: on PostgreSQL a NUL was stored as U+FFFD).
            ps.setString(1, db.dialect().storable(tenant));
            ps.setString(2, db.dialect().storable(key));
            return first(ps);
        } catch (SQLException e) {
            throw Failures.read(db.name(), e);
        }
    }

    /**
     * A page of {@code Journal.tasks}: down the primary key from {@code beforeId}, so a page costs
     * at most a walk over the retained rows (no index beyond the id's), and usually far less.
     */
    List<StoredTask> page(String tenant, String state, String type, long beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM tasks WHERE id < ?");
        List<String> args = new ArrayList<>(3);
        for (String[] f : new String[][] {{"tenant", tenant}, {"state", state}, {"type", type}}) {
            if (f[1] != null) {
                sql.append(" AND ").append(f[0]).append(" = ?");
                args.add(f[1]);
            }
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setLong(1, beforeId);
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 2, db.dialect().storable(args.get(i)));
            }
            ps.setInt(args.size() + 2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<StoredTask> out = new ArrayList<>(limit);
                while (rs.next()) {
                    out.add(row(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw Failures.read(db.name(), e);
        }
    }

    Optional<SnapshotSaved> latestSnapshot(String type) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT type, agent, state_json, saved_at FROM snapshots"
                     + " WHERE type = ? ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, db.dialect().storable(type));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SnapshotSaved(rs.getString(1), rs.getString(2), Json.map(rs.getString(3)),
                        rs.getLong(4)));
            }
        } catch (SQLException e) {
            throw Failures.read(db.name(), e);
        }
    }

    private List<StoredTask> list(String sql) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            List<StoredTask> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row(rs));
            }
            return out;
        } catch (SQLException e) {
            throw Failures.read(db.name(), e);
        }
    }

    private long number(String sql) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw Failures.read(db.name(), e);
        }
    }

    private static Optional<StoredTask> first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    /** Maps a row selected with {@link #COLUMNS}. */
    static StoredTask row(ResultSet rs) throws SQLException {
        return new StoredTask(rs.getLong(1), Json.map(rs.getString(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getInt(6), rs.getBoolean(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                Json.map(rs.getString(11)), Json.strings(rs.getString(12)), Json.map(rs.getString(14)));
    }
}
