package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.Journal;
import java.time.Duration;
import java.util.Optional;

/**
 * Opens a journal from the one string a user gives ({@code tri serve --journal ...}):
 * <ul>
 *   <li>a file path, or {@code jdbc:sqlite:PATH}: an embedded SQLite journal (created if absent);</li>
 *   <li>{@code jdbc:postgresql://HOST:PORT/DB?user=U&password=P[&currentSchema=S]}: a PostgreSQL
 *       journal (the database must exist; the schema is created);</li>
 *   <li>{@code none}: no journal; the pool keeps everything in memory (empty result).</li>
 * </ul>
 * For the other settings use {@link JdbcJournal#builder}.
 */
public final class Journals {

    /** The embedded default of {@code tri serve}. */
    public static final String DEFAULT_FILE = "./data/trinity.db";

    private Journals() {
    }

    /**
     * {@code spec} as every message and log line shows it: a URL's {@code password=} value
     * replaced by {@code ***} (any case, up to the next {@code &}, {@code ;} or white space, so a
     * whole message may be passed); anything else as given.
     * Print a journal spec only through this.
     */
    public static String redact(String spec) {
        return spec == null ? null : Location.redact(spec);
    }

    /** Opens {@code spec} with the default retention (24 h, 100,000 final tasks). */
    public static Optional<Journal> open(String spec) {
        return open(spec, JdbcJournal.DEFAULT_RETAIN, JdbcJournal.DEFAULT_RETAIN_COUNT);
    }

    /**
     * Opens {@code spec}, keeping final tasks for {@code retain} and at most {@code retainCount}
     * of them; empty for {@code none}. Throws {@link io.trinity.pool.journal.JournalException}
     * when the journal is corrupt, in use, newer than this build or unreachable, and
     * {@link IllegalArgumentException} for a spec of no known form.
     */
    public static Optional<Journal> open(String spec, Duration retain, int retainCount) {
        if (Location.parse(spec).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(JdbcJournal.builder(spec).retain(retain).retainCount(retainCount).open());
    }
}
