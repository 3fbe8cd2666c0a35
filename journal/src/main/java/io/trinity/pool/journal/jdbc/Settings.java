package io.trinity.pool.journal.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** A journal's settings, validated by {@link JdbcJournal.Builder}. */
record Settings(Duration retain, int retainCount, int maxPending, int maxGroup, Duration pruneEvery, Clock clock,
                String synchronous, Map<String, String> pragmas, boolean exclusive, int readConnections,
                Duration commitDelay, long fencedBy, Runnable onFenced, Duration writeTimeout) {
    Settings {
        pragmas = Map.copyOf(pragmas);
    }
}
