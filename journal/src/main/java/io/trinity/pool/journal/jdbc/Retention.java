package io.trinity.pool.journal.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What a retention period drops, run at load and periodically by the writer, each pass one
 * transaction:
 * <ul>
 *   <li>final tasks (SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, and DEAD_LETTERED ones no longer
 *       offered) that ended more than {@code retain} ago;</li>
 *   <li>beyond that, all but the newest {@code retainCount} such tasks, oldest end first;</li>
 *   <li>agent snapshots older than {@code retain}, except the newest of each type;</li>
 *   <li>paced resources' use older than twice the 60 s pacing window (the margin covers clocks of
 *       two machines that disagree a little).</li>
 * </ul>
 * Tenant spend (one row per tenant and resource, a budget counts over the journal's life) and
 * strategy state (one row per strategy) are kept.
 * Never dropped: queued and running tasks, dead letters still offered (the pool bounds those
 * and writes {@code DeadLetterCleared} when it lets one go), the newest snapshot of each type,
 * and the highest task id (kept in {@code journal_meta} so ids are never reused).
 */
final class Retention {

    /** Rows removed by one pass. */
    record Pruned(long byAge, long byCount, long snapshots) {
        long tasks() {
            return byAge + byCount;
        }
    }

    /** The pacing window (ResourcePacer's rolling minute), in ms. */
    static final long RESOURCE_WINDOW_MILLIS = io.trinity.pool.limit.ResourcePacer.WINDOW_NANOS / 1_000_000;

    private static final String DROPPABLE = "ended_at > 0 AND dead_letter = FALSE";

    private final long retainMillis;
    private final int retainCount;

    Retention(long retainMillis, int retainCount) {
        this.retainMillis = retainMillis;
        this.retainCount = retainCount;
    }

    /** Runs one pass in the caller's transaction; the caller commits. */
    Pruned prune(Connection c, long nowMillis) throws SQLException {
        keepMaxTaskId(c);
        long cutoff = nowMillis - retainMillis;
        long byAge;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM tasks WHERE " + DROPPABLE + " AND ended_at < ?")) {
            ps.setLong(1, cutoff);
            byAge = ps.executeUpdate();
        }
        long byCount = 0;
        // The newest row beyond retainCount marks where the count cut falls.
        try (PreparedStatement ps = c.prepareStatement("SELECT ended_at, id FROM tasks WHERE " + DROPPABLE
                + " ORDER BY ended_at DESC, id DESC LIMIT 1 OFFSET ?")) {
            ps.setInt(1, retainCount);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long endedAt = rs.getLong(1);
                    long id = rs.getLong(2);
                    try (PreparedStatement del = c.prepareStatement("DELETE FROM tasks WHERE " + DROPPABLE
                            + " AND (ended_at < ? OR (ended_at = ? AND id <= ?))")) {
                        del.setLong(1, endedAt);
                        del.setLong(2, endedAt);
                        del.setLong(3, id);
                        byCount = del.executeUpdate();
                    }
                }
            }
        }
        long snapshots;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM snapshots WHERE saved_at < ?"
                + " AND id NOT IN (SELECT MAX(id) FROM snapshots GROUP BY type)")) {
            ps.setLong(1, cutoff);
            snapshots = ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM resource_use WHERE at < ?")) {
            ps.setLong(1, nowMillis - 2 * RESOURCE_WINDOW_MILLIS);
            ps.executeUpdate();
        }
        return new Pruned(byAge, byCount, snapshots);
    }

    private static void keepMaxTaskId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE journal_meta SET value = "
                + "(SELECT COALESCE(MAX(id), 0) FROM tasks) WHERE name = 'max_task_id'"
                + " AND value < (SELECT COALESCE(MAX(id), 0) FROM tasks)")) {
            ps.executeUpdate();
        }
    }
}
