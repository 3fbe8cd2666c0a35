package io.trinity.pool.journal.jdbc;

import java.util.Map;

/**
 * What {@code tri journal stats} shows.
 *
 * @param journal         the file path or URL (password hidden)
 * @param database        SQLite or PostgreSQL
 * @param schemaVersion   the schema version in force (0 if none recorded)
 * @param byState         task count per state, in lifecycle order, states with none left out
 * @param deadLetters     dead letters still offered for resubmission
 * @param oldestQueuedId  the task waiting longest, or 0 when none waits
 * @param oldestQueuedAt  when it was accepted, epoch ms, or 0
 * @param firstEndedAt    the oldest end among final tasks kept, epoch ms, or 0
 * @param lastEndedAt     the newest end among final tasks kept, epoch ms, or 0
 * @param snapshots       agent snapshots kept
 * @param maxTaskId       the highest task id ever written
 * @param sizeBytes       the journal's size on disk: SQLite file plus its WAL, or PostgreSQL tables and indexes
 * @param databaseBytes   the whole PostgreSQL database, or the same as sizeBytes for SQLite
 */
public record JournalStats(String journal, String database, int schemaVersion, Map<String, Long> byState,
                           long deadLetters, long oldestQueuedId, long oldestQueuedAt, long firstEndedAt,
                           long lastEndedAt, long snapshots, long maxTaskId, long sizeBytes, long databaseBytes) {
    public JournalStats {
        byState = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byState));
    }

    /** All tasks held. */
    public long tasks() {
        return byState.values().stream().mapToLong(Long::longValue).sum();
    }
}
