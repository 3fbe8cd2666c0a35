package io.trinity.pool.journal.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The fencing epoch of a PostgreSQL journal (schema 3, table {@code journal_fence}): the number a
 * cluster's scheduler takes when it takes over, and the one its journal is opened with
 * ({@link JdbcJournal.Builder#fencedBy}). A journal so opened checks the epoch in every write
 * transaction and refuses to commit once it changed, so a deposed or partitioned scheduler can
 * never write, however late its writes arrive.
 *
 * <p><b>Why it is safe.</b> The fenced writer reads the epoch {@code FOR SHARE} in the same
 * transaction as its records, and {@link #takeOver} bumps it with an {@code UPDATE}, which needs
 * the row's exclusive lock: the takeover waits for every fenced commit in flight to end, and a
 * fenced transaction that reads the row after the takeover committed sees the new epoch (under
 * READ COMMITTED a locking read of a row updated meanwhile re-reads its newest version). So each
 * commit of the old scheduler is either wholly before the takeover or refused.
 *
 * <p>Both methods run in the caller's transaction on the caller's connection, so a cluster can
 * bump the epoch in the same transaction as its own lease row; the takeover counts once that
 * transaction commits, and until then the row lock holds the old scheduler's next commit.
 */
public final class Fencing {

    static final String CHECK = "SELECT epoch FROM journal_fence WHERE id = 1 FOR SHARE";

    private Fencing() {
    }

    /**
     * Bumps the epoch by one, recording {@code holder} (a node id, for operators), and returns the
     * new epoch to open the journal with: {@code fencedBy(takeOver(c, node))}. Waits for the
     * fenced commits in flight (it needs the row lock their check holds).
     *
     * @param c      a connection to the journal's database and schema, in the caller's transaction
     * @param holder who takes over, kept in {@code journal_fence.holder}
     * @return the new epoch
     * @throws SQLException when the database fails, or holds no fencing row (a journal of schema
     *                      3 or later must have been opened there once)
     */
    public static long takeOver(Connection c, String holder) throws SQLException {
        Objects.requireNonNull(holder, "holder");
        try (PreparedStatement ps = c.prepareStatement("UPDATE journal_fence SET epoch = epoch + 1, holder = ?,"
                + " changed_at = now() WHERE id = 1 RETURNING epoch")) {
            ps.setString(1, holder);
            try (ResultSet rs = ps.executeQuery()) {
                return epoch(rs);
            }
        }
    }

    /**
     * The epoch now in force (as of the caller's transaction), without taking a lock.
     *
     * @param c a connection to the journal's database and schema
     * @return the current epoch; 0 before the first takeover
     * @throws SQLException when the database fails or holds no fencing row
     */
    public static long current(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM journal_fence WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return epoch(rs);
        }
    }

    /**
     * The epoch now in force, read under a share lock that lasts until the caller's transaction
     * ends: a takeover waits for that transaction, so what the caller writes after this read in
     * the same transaction cannot land after a takeover it did not see. What a fenced journal
     * checks before each commit; a cluster checks its own writes with it.
     *
     * @param c a connection to the journal's database and schema, in the caller's transaction
     * @return the current epoch; 0 before the first takeover
     * @throws SQLException when the database fails or holds no fencing row
     */
    public static long currentLocked(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHECK); ResultSet rs = ps.executeQuery()) {
            return epoch(rs);
        }
    }

    private static long epoch(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            throw new SQLException("journal_fence has no row with id 1: open the journal once with this build "
                    + "(schema 3 creates it), and never delete it", "55000");
        }
        return rs.getLong(1);
    }
}
