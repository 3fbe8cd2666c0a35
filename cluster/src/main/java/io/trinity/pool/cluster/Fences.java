package io.trinity.pool.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The fencing check every scheduler write makes (the epoch row is the journal's {@code journal_fence}). */
final class Fences {

    private Fences() {
    }

    /**
     * Reads the epoch under a share lock, so a takeover (which updates the row) waits for this
     * transaction, and this transaction cannot commit after a takeover it did not see.
     *
     * @throws RemoteCalls.Fenced if the epoch is not {@code epoch}
     */
    static void check(Connection c, long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM journal_fence WHERE id = 1 FOR SHARE");
             ResultSet rs = ps.executeQuery()) {
            long now = rs.next() ? rs.getLong(1) : -1;
            if (now != epoch) {
                throw new RemoteCalls.Fenced("fenced: this scheduler's epoch " + epoch + " is older than the cluster's "
                        + now + "; another node took over, so this one stops scheduling");
            }
        }
    }
}
