package io.trinity.pool.cluster;

import io.trinity.pool.journal.jdbc.Fencing;
import java.sql.Connection;
import java.sql.SQLException;

/** The fencing check of the scheduler's own multi-statement writes ({@link Fencing#currentLocked}). */
final class Fences {

    private Fences() {
    }

    /**
     * Reads the epoch under a share lock (see {@link Fencing#currentLocked}) and refuses a stale one.
     *
     * @throws RemoteCalls.Fenced if the epoch is not {@code epoch}
     */
    static void check(Connection c, long epoch) throws SQLException {
        long now = Fencing.currentLocked(c);
        if (now != epoch) {
            throw new RemoteCalls.Fenced("fenced: this scheduler's epoch " + epoch + " is older than the cluster's "
                    + now + "; another node took over, so this one stops scheduling");
        }
    }
}
