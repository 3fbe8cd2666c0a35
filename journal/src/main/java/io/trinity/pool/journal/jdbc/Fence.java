package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One journal's side of {@link Fencing}: the epoch it was opened with, checked on the writer
 * thread at the start of every write transaction. The first mismatch trips it for good (a deposed
 * scheduler never becomes current again: a later takeover only raises the epoch), and from then
 * on writes fail without a round trip. Only the writer thread checks and trips; any thread reads.
 */
final class Fence {

    private static final Logger LOG = LoggerFactory.getLogger(Fence.class);

    /** The epoch of a journal that is not fenced. */
    static final long NONE = -1;

    private final String journal;
    private final long epoch;
    private final Runnable onFenced;
    private volatile String tripped;

    Fence(String journal, long epoch, Runnable onFenced) {
        this.journal = journal;
        this.epoch = epoch;
        this.onFenced = onFenced;
    }

    /** Whether this journal was fenced out. */
    boolean isTripped() {
        return tripped != null;
    }

    /** Why every write fails from now on (a new exception each call), or null while this journal may write. */
    JournalException tripped() {
        String why = tripped;
        return why == null ? null : new JournalException(why);
    }

    /**
     * Reads the epoch {@code FOR SHARE} in {@code c}'s transaction (the lock keeps a takeover
     * waiting until this transaction ends); null when it is this journal's, else the error the
     * caller must roll back with. One statement per transaction, nothing when not fenced.
     */
    JournalException check(Connection c) throws SQLException {
        if (epoch == NONE || tripped != null) {
            return tripped();
        }
        long current;
        try (PreparedStatement ps = c.prepareStatement(Fencing.CHECK); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                // Not a takeover: someone deleted the row. Refuse this transaction, do not trip.
                throw new SQLException("journal_fence has no row with id 1, so this journal's fencing epoch " + epoch
                        + " cannot be checked; restore the row (INSERT INTO journal_fence (id, epoch) VALUES (1, "
                        + epoch + "))", "55000");
            }
            current = rs.getLong(1);
        }
        if (current != epoch) {
            trip(current);
        }
        return tripped();
    }

    private void trip(long current) {
        String why = current > epoch
                ? "this writer's epoch " + epoch + " is older than the journal's " + current
                        + ", another scheduler took over"
                : "this writer's epoch " + epoch + " does not match the journal's " + current
                        + " (was the takeover rolled back?)";
        tripped = "journal " + journal + " is fenced: " + why
                + "; this pool must stop (nothing of this write was stored)";
        LOG.error(tripped);
        if (onFenced != null) {
            try {
                onFenced.run();
            } catch (RuntimeException e) {
                LOG.warn("journal {}: the onFenced callback failed", journal, e);
            }
        }
    }
}
