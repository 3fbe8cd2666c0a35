package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalState;
import io.trinity.pool.journal.StoredTask;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A {@link Journal} in a SQLite file or a PostgreSQL database, over JDBC.
 *
 * <p><b>Writing.</b> {@link #write} never blocks: one writer thread commits everything pending
 * in one transaction (group commit, see {@code GroupCommitter}), each record one statement.
 * <b>Reading</b> ({@link #find}, {@link #findByIdempotencyKey}, {@link #latestSnapshot}) uses
 * its own pooled connections, from any thread.
 *
 * <p><b>Opening</b> refuses, naming the file or URL and what to do, and leaves untouched: a file
 * that is not a SQLite database or fails {@code PRAGMA quick_check}; a journal another pool
 * holds (a lock on {@code <file>.lock}, or a PostgreSQL advisory lock); a schema newer than this
 * build. An absent file is created with its folder.
 *
 * <p><b>Tuning.</b> {@code retain}/{@code retainCount} bound the final tasks kept (see
 * {@code Retention}); {@code maxPending} bounds the records waiting for the writer;
 * {@code synchronous} picks what a SQLite commit survives: {@code FULL} (default) a power cut,
 * {@code NORMAL} a killed process only, for fewer syncs.
 *
 * <p><b>Fencing</b> (PostgreSQL): a cluster's scheduler opens the shared journal with
 * {@link Builder#fencedBy} and the epoch {@link Fencing#takeOver} gave it. Every write
 * transaction then checks that epoch first (one statement per group, not per record); once
 * another scheduler took over, the group is rolled back and failed, the journal is
 * {@link #fenced()} for good and every later write fails at once. {@link #load()} still reads.
 */
public final class JdbcJournal implements Journal {

    /** Final tasks are kept this long after they end. */
    public static final Duration DEFAULT_RETAIN = Duration.ofHours(24);
    /** At most this many final tasks are kept, the newest. */
    public static final int DEFAULT_RETAIN_COUNT = 100_000;
    /** At most this many records wait for the writer; more are refused. */
    public static final int DEFAULT_MAX_PENDING = 1_000_000;
    /** A group (one transaction) holds about this many records at most. */
    public static final int DEFAULT_MAX_GROUP = 50_000;
    /** How long a busy group stays open for more writers at most (see {@link Builder#commitDelay}). */
    public static final Duration DEFAULT_COMMIT_DELAY = Duration.ofNanos(500_000);
    /** How often the writer applies the retention between groups. */
    public static final Duration DEFAULT_PRUNE_EVERY = Duration.ofMinutes(1);
    /** How long a group commit may wait for PostgreSQL to answer by default. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final Database db;
    private final GroupCommitter committer;
    private final TaskReader reader;
    private final PoolStateReader poolState;

    private JdbcJournal(Database db, Settings settings) {
        this.db = db;
        this.reader = new TaskReader(db);
        this.poolState = new PoolStateReader(db);
        this.committer = new GroupCommitter(db, settings);
    }

    /** A builder for the journal {@code spec} names: a file path, {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql://...}. */
    public static Builder builder(String spec) {
        return new Builder(spec);
    }

    /** Applies the retention (skipped once {@link #fenced()}: reading needs no epoch), then reads what to recover. */
    @Override
    public JournalState load() {
        try {
            join(committer.prune());
        } catch (JournalException e) {
            if (!fenced()) {
                throw e;
            }
        }
        return new JournalState(reader.pending(), reader.deadLetters(), reader.maxTaskId(), reader.finals(),
                poolState.spend(), poolState.resourceUse(), poolState.strategies());
    }

    /** Yes: tenant spend, pacing windows and strategy state (schema 2), see {@code docs/durability.md}. */
    @Override
    public boolean keepsPoolState() {
        return true;
    }

    @Override
    public CompletableFuture<Void> write(List<JournalRecord> records) {
        return committer.write(records);
    }

    @Override
    public Optional<StoredTask> find(long taskId) {
        return reader.find(taskId);
    }

    @Override
    public Optional<StoredTask> findByIdempotencyKey(String tenant, String key) {
        return reader.findByIdempotencyKey(tenant, key);
    }

    @Override
    public List<StoredTask> tasks(String tenant, String state, String type, long beforeId, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_PAGE + " (got " + limit + ")");
        }
        return reader.page(tenant, state, type, beforeId, limit);
    }

    @Override
    public Optional<JournalRecord.SnapshotSaved> latestSnapshot(String type) {
        return reader.latestSnapshot(type);
    }

    /** The file path or URL (password hidden) messages name this journal by. */
    public String name() {
        return db.name();
    }

    /** The schema version in force. */
    public int schemaVersion() {
        return db.schemaVersion();
    }

    /**
     * Whether another scheduler took over this journal ({@link Builder#fencedBy}): a write was
     * refused, and every later one fails without reaching the database. Never turns back.
     */
    public boolean fenced() {
        return committer.fenced();
    }

    /** Transactions committed so far (each one group of write calls). */
    public long commits() {
        return committer.commits();
    }

    /** Groups whose commit failed (their callers got the exception). */
    public long failedCommits() {
        return committer.failedCommits();
    }

    /** Records committed so far. */
    public long recordsWritten() {
        return committer.recordsWritten();
    }

    /** Records handed over and not yet committed or failed. */
    public long pendingRecords() {
        return committer.pendingRecords();
    }

    /** Applies the retention now, on the writer; the future tells what was dropped. */
    CompletableFuture<Retention.Pruned> prune() {
        return committer.prune();
    }

    GroupCommitter committer() {
        return committer;
    }

    /** False once closed or {@link #fenced()}: every later write fails at once. */
    @Override
    public boolean writable() {
        return !committer.closed() && !fenced();
    }

    @Override
    public void close() {
        committer.close();
        db.close();
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Settings of a {@link JdbcJournal}; each setter refuses a bad value naming it, {@link #open}
     * opens the journal.
     */
    public static final class Builder {
        private final String spec;
        private Duration retain = DEFAULT_RETAIN;
        private int retainCount = DEFAULT_RETAIN_COUNT;
        private int maxPending = DEFAULT_MAX_PENDING;
        private int maxGroup = DEFAULT_MAX_GROUP;
        private Duration pruneEvery = DEFAULT_PRUNE_EVERY;
        private Clock clock = Clock.systemUTC();
        private String synchronous = "FULL";
        private final Map<String, String> pragmas = new LinkedHashMap<>();
        private boolean exclusive = true;
        private int readConnections = 2;
        private Duration commitDelay = DEFAULT_COMMIT_DELAY;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private long fencedBy = Fence.NONE;
        private Runnable onFenced;

        private Builder(String spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** How long final tasks stay readable after they end; default 24 h. */
        public Builder retain(Duration retain) {
            if (retain == null || retain.isNegative() || retain.isZero()) {
                throw new IllegalArgumentException("retain must be positive (got " + retain + ")");
            }
            this.retain = retain;
            return this;
        }

        /** How many final tasks are kept at most, the newest; default 100,000. */
        public Builder retainCount(int retainCount) {
            if (retainCount < 0) {
                throw new IllegalArgumentException("retainCount must be >= 0 (got " + retainCount + ")");
            }
            this.retainCount = retainCount;
            return this;
        }

        /** How many records may wait for the writer before writes are refused; default 1,000,000. */
        public Builder maxPending(int maxPending) {
            if (maxPending < 1) {
                throw new IllegalArgumentException("maxPending must be >= 1 (got " + maxPending + ")");
            }
            this.maxPending = maxPending;
            return this;
        }

        /** About how many records one transaction holds at most; default 50,000. */
        public Builder maxGroup(int maxGroup) {
            if (maxGroup < 1) {
                throw new IllegalArgumentException("maxGroup must be >= 1 (got " + maxGroup + ")");
            }
            this.maxGroup = maxGroup;
            return this;
        }

        /** How often the writer applies the retention; zero for only at load. Default 1 min. */
        public Builder pruneEvery(Duration pruneEvery) {
            if (pruneEvery == null || pruneEvery.isNegative()) {
                throw new IllegalArgumentException("pruneEvery must be >= 0 (got " + pruneEvery + ")");
            }
            this.pruneEvery = pruneEvery;
            return this;
        }

        /** The wall clock retention measures age with; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** SQLite {@code synchronous}: FULL (survives a power cut; default) or NORMAL (survives a killed process). */
        public Builder synchronous(String mode) {
            String m = mode == null ? "" : mode.strip().toUpperCase(Locale.ROOT);
            if (!m.equals("FULL") && !m.equals("NORMAL") && !m.equals("EXTRA")) {
                throw new IllegalArgumentException("synchronous must be FULL, NORMAL or EXTRA (got " + mode
                        + "); OFF would acknowledge tasks a crash can lose");
            }
            this.synchronous = m;
            return this;
        }

        /** An extra SQLite pragma for every connection, such as {@code cache_size} or {@code max_page_count}. */
        public Builder sqlitePragma(String name, String value) {
            String n = Objects.requireNonNull(name, "name").strip().toLowerCase(Locale.ROOT);
            if (n.equals("journal_mode") || n.equals("synchronous") || n.equals("locking_mode")) {
                throw new IllegalArgumentException("sqlitePragma " + n + " is set by the journal itself (WAL, "
                        + "synchronous(...)); leave it out");
            }
            pragmas.put(n, Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Whether this journal keeps other pools away (default true). A cluster whose nodes share
         * one PostgreSQL journal on purpose turns it off and coordinates by itself.
         */
        public Builder exclusive(boolean exclusive) {
            this.exclusive = exclusive;
            return this;
        }

        /** Pooled connections for reads beside the writer's; default 2. */
        public Builder readConnections(int readConnections) {
            if (readConnections < 1) {
                throw new IllegalArgumentException("readConnections must be >= 1 (got " + readConnections + ")");
            }
            this.readConnections = readConnections;
            return this;
        }

        /**
         * The longest a group stays open for more writers before it commits, as PostgreSQL's
         * {@code commit_delay}: only when the previous group held at least 8 writes (so there are
         * writers to wait for), and only while they keep coming (it closes after a quarter of this
         * without a new write). Many waiting submitters then share one sync instead of splitting
         * into two groups that take turns; a lone or light writer never waits. Default 0.5 ms;
         * zero turns it off.
         */
        public Builder commitDelay(Duration commitDelay) {
            if (commitDelay == null || commitDelay.isNegative() || commitDelay.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("commitDelay must be between 0 and 1 s (got " + commitDelay
                        + "); it is how long a busy group waits for more writers, so keep it below a commit's time");
            }
            this.commitDelay = commitDelay;
            return this;
        }

        /**
         * PostgreSQL: the longest a group commit waits for the database to answer (each read of
         * its socket) before it fails, its connection is dropped and its writers get a
         * {@link JournalException}; a pool's loop then tries its records again on a fresh
         * connection, and a submit is refused (its task may have been stored all the same). The
         * server ends the abandoned session after as long ({@code idle_in_transaction_session_timeout}),
         * and a retention prune waits at most ten times as long.
         * Without it a connection that hangs (a database host gone without a reset, a network
         * partition) would hold every write behind it until the kernel gives up, which takes hours.
         * A commit that timed out may still have been stored. Default 30 s; from 1 s to 1 h. A
         * SQLite file has no network and ignores it (its lock waits are {@code busy_timeout}).
         */
        public Builder writeTimeout(Duration writeTimeout) {
            if (writeTimeout == null || writeTimeout.compareTo(Duration.ofSeconds(1)) < 0
                    || writeTimeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("writeTimeout must be between 1 s and 1 h (got " + writeTimeout
                        + "); it bounds how long a write waits for PostgreSQL, so keep it well above a commit's time");
            }
            this.writeTimeout = writeTimeout;
            return this;
        }

        /**
         * Fences this journal with {@code epoch}, the number {@link Fencing#takeOver} returned to
         * this scheduler (PostgreSQL only): each write transaction first reads the journal's epoch
         * ({@code FOR SHARE}) and, when it is no longer this one, rolls back and fails its writes
         * with a {@link JournalException} saying this pool must stop; from then on the journal is
         * {@link JdbcJournal#fenced()} and every write fails at once. Not set by default.
         */
        public Builder fencedBy(long epoch) {
            if (epoch < 0) {
                throw new IllegalArgumentException("fencedBy must be >= 0 (got " + epoch
                        + "); pass the epoch Fencing.takeOver returned");
            }
            this.fencedBy = epoch;
            return this;
        }

        /**
         * Run once, on the journal's writer thread, when the journal gets fenced (see
         * {@link #fencedBy}), so the cluster can abandon its pool. It must not block: hand the
         * work to another thread. Needs {@code fencedBy}.
         */
        public Builder onFenced(Runnable onFenced) {
            this.onFenced = Objects.requireNonNull(onFenced, "onFenced");
            return this;
        }

        /** Opens (creating or migrating as needed) the journal, or throws a {@link JournalException} that says why not. */
        public JdbcJournal open() {
            Location location = location();
            Settings settings = settings(location);
            return new JdbcJournal(Database.open(location, settings), settings);
        }

        /**
         * Creates or migrates the journal's schema and closes it again, keeping no lock and
         * starting no writer; returns the schema version in force. A cluster calls it before
         * {@link Fencing#takeOver}, which needs the fencing table (PostgreSQL schema 3), and then
         * opens the journal {@link #fencedBy} the epoch it took.
         */
        public int migrate() {
            Location location = location();
            try (Database db = Database.open(location, settings(location))) {
                return db.schemaVersion();
            }
        }

        private Location location() {
            return Location.parse(spec).orElseThrow(() -> new IllegalArgumentException(
                    "journal 'none' means in memory: there is nothing to open (Journals.open returns empty for it)"));
        }

        private Settings settings(Location location) {
            if (fencedBy != Fence.NONE && location.dialect() != Dialect.POSTGRESQL) {
                throw new IllegalArgumentException("fencedBy(" + fencedBy + ") needs PostgreSQL: fencing guards a"
                        + " journal several nodes share, and " + location.name() + " is a SQLite file one pool holds"
                        + " by its lock; leave fencedBy out, or use a jdbc:postgresql:// journal");
            }
            if (onFenced != null && fencedBy == Fence.NONE) {
                throw new IllegalArgumentException("onFenced is set but fencedBy is not, so it could never run;"
                        + " set fencedBy(epoch) too, or leave onFenced out");
            }
            return new Settings(retain, retainCount, maxPending, maxGroup, pruneEvery, clock, synchronous,
                    pragmas, exclusive, readConnections, commitDelay, fencedBy, onFenced, writeTimeout);
        }
    }
}
