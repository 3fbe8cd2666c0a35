package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalRecord.Accepted;
import io.trinity.pool.journal.JournalRecord.DeadLetterCleared;
import io.trinity.pool.journal.JournalRecord.Finished;
import io.trinity.pool.journal.JournalRecord.Requeued;
import io.trinity.pool.journal.JournalRecord.ResourceUsed;
import io.trinity.pool.journal.JournalRecord.SnapshotSaved;
import io.trinity.pool.journal.JournalRecord.SpendTotal;
import io.trinity.pool.journal.JournalRecord.Started;
import io.trinity.pool.journal.JournalRecord.StrategySaved;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a group of records inside the caller's transaction, as JDBC batches, one per statement
 * kind.
 *
 * <p><b>Two halves.</b> {@link #encode} turns records into {@link Row}s (JSON written, values in
 * bind order) on the thread that calls {@code write}, so the one writer thread, whose time is
 * the journal's throughput, only binds and executes; a value that cannot be stored fails its own
 * call there and never the group it would have joined. {@link #write} runs on the writer.
 *
 * <p><b>Merging.</b> A task whose attempt starts and ends within one group (the usual case for
 * short tasks) has its Started and Finished rows written as one UPDATE that sets both, so such a
 * task costs two statements (its INSERT, committed when it was submitted, and that UPDATE)
 * instead of three. What is stored is the same as writing both.
 *
 * <p><b>Order.</b> Only rows about the same task depend on each other (an UPDATE must find its
 * INSERT; a later UPDATE must win over an earlier one). So a row's <em>round</em> is the number
 * of rows about its task before it in the group; rounds run in order, and inside a round each
 * task appears at most once, so its rows can be batched by kind in any order. In the usual group
 * (many tasks accepted, others finished) everything is round 0: one batch per kind.
 */
final class RecordWriter {

    /** The statement kinds, in the order a round runs them (any order is correct within a round). */
    enum Kind {
        ACCEPTED, STARTED, REQUEUED_SPENT, REQUEUED_UNSPENT, FINISHED, STARTED_AND_FINISHED, DEAD_LETTER_CLEARED,
        SNAPSHOT, SPEND_TOTAL, RESOURCE_USED, STRATEGY_SAVED
    }

    /**
     * One record ready to bind: its statement kind, its task (0 for none) and the statement's
     * parameters in order ({@code Long}, {@code Integer}, {@code String}, {@code Boolean} or
     * null, which binds as a NULL string).
     */
    record Row(Kind kind, long taskId, Object[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && r.kind == kind && r.taskId == taskId && Arrays.equals(r.values, values);
        }

        @Override
        public int hashCode() {
            return 31 * kind.hashCode() + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return kind + Arrays.toString(values);
        }
    }

    private final Map<Kind, String> sql = new EnumMap<>(Kind.class);
    private final Dialect dialect;

    RecordWriter(Dialect dialect) {
        this.dialect = dialect;
        String json = dialect.json();
        sql.put(Kind.ACCEPTED, "INSERT INTO tasks (id, tenant, type, idempotency_key, task_json, state, enqueued_at)"
                + " VALUES (?, ?, ?, ?, " + json + ", 'QUEUED', ?)");
        sql.put(Kind.STARTED, "UPDATE tasks SET state = 'RUNNING', running = TRUE, attempts = ?, agent = ?,"
                + " started_at = ? WHERE id = ?");
        sql.put(Kind.REQUEUED_SPENT, "UPDATE tasks SET state = 'QUEUED', running = FALSE, attempts = ?,"
                + " reasons_json = " + dialect.appendReason() + " WHERE id = ?");
        sql.put(Kind.REQUEUED_UNSPENT, "UPDATE tasks SET state = 'QUEUED', running = FALSE, attempts = ? WHERE id = ?");
        sql.put(Kind.FINISHED, "UPDATE tasks SET state = ?, running = FALSE, attempts = ?, result_json = " + json
                + ", reasons_json = " + json + ", ended_at = ?, dead_letter = ?, result_attachments_json = " + json
                + " WHERE id = ?");
        sql.put(Kind.STARTED_AND_FINISHED, "UPDATE tasks SET agent = ?, started_at = ?, state = ?, running = FALSE,"
                + " attempts = ?, result_json = " + json + ", reasons_json = " + json + ", ended_at = ?,"
                + " dead_letter = ?, result_attachments_json = " + json + " WHERE id = ?");
        sql.put(Kind.DEAD_LETTER_CLEARED, "UPDATE tasks SET dead_letter = FALSE WHERE id = ?");
        sql.put(Kind.SNAPSHOT, "INSERT INTO snapshots (type, agent, state_json, saved_at) VALUES (?, ?, " + json + ", ?)");
        // Pool state (schema 2). The upserts take their new values as parameters after VALUES on
        // purpose: the PostgreSQL driver then does not rewrite the batch into one multi-row INSERT,
        // which would fail when a group holds two totals of the same key ("ON CONFLICT DO UPDATE
        // command cannot affect row a second time"); run one by one, the later total wins.
        sql.put(Kind.SPEND_TOTAL, "INSERT INTO tenant_spend (tenant, resource, tokens, updated_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (tenant, resource) DO UPDATE SET tokens = ?, updated_at = ?");
        sql.put(Kind.RESOURCE_USED, "INSERT INTO resource_use (resource, at, requests, tokens) VALUES (?, ?, ?, ?)");
        sql.put(Kind.STRATEGY_SAVED, "INSERT INTO strategy_state (strategy, state_json, clock_nanos, saved_at)"
                + " VALUES (?, " + json + ", ?, ?) ON CONFLICT (strategy) DO UPDATE SET state_json = " + json
                + ", clock_nanos = ?, saved_at = ?");
    }

    /**
     * Prepares records for {@link #write}, on the caller's thread. Strings are made storable by
     * the dialect here (on PostgreSQL a NUL becomes U+FFFD, see {@link Dialect}), so no value a
     * record can hold fails the group it joins.
     *
     * @throws IllegalArgumentException if a record holds a value JSON cannot store
     */
    List<Row> encode(List<JournalRecord> records) {
        List<Row> rows = new ArrayList<>(records.size());
        for (JournalRecord r : records) {
            rows.add(encode(r));
        }
        return rows;
    }

    Row encode(JournalRecord record) {
        return switch (record) {
            case Accepted a -> new Row(Kind.ACCEPTED, a.taskId(), new Object[] {a.taskId(), text(a.tenant()),
                text(String.valueOf(a.task().get("type"))), text(a.idempotencyKey()), json(a.task()), a.enqueuedAt()});
            // The attempt in progress counts as spent: if a crash interrupts it, it failed.
            case Started s -> new Row(Kind.STARTED, s.taskId(), new Object[] {s.attempt(), text(s.agent()), s.at(),
                s.taskId()});
            case Requeued q when q.spent() -> new Row(Kind.REQUEUED_SPENT, q.taskId(), new Object[] {q.attempt(),
                q.reason() == null ? "" : text(q.reason()), q.taskId()});
            // Preempted or refused by a provider: the attempt is given back.
            case Requeued q -> new Row(Kind.REQUEUED_UNSPENT, q.taskId(), new Object[] {Math.max(0, q.attempt() - 1),
                q.taskId()});
            case Finished f -> new Row(Kind.FINISHED, f.taskId(), new Object[] {f.state(), f.attempts(),
                f.result() == null ? null : json(f.result()), json(f.reasons()), f.at(),
                f.state().equals("DEAD_LETTERED"), f.attachments() == null ? null : json(f.attachments()), f.taskId()});
            case DeadLetterCleared d -> new Row(Kind.DEAD_LETTER_CLEARED, d.taskId(), new Object[] {d.taskId()});
            case SnapshotSaved s -> new Row(Kind.SNAPSHOT, 0, new Object[] {text(s.type()), text(s.agent()),
                json(s.state() == null ? Map.of() : s.state()), s.at()});
            case SpendTotal t -> new Row(Kind.SPEND_TOTAL, 0, new Object[] {text(t.tenant()), text(t.resource()),
                t.tokens(), t.at(), t.tokens(), t.at()});
            case ResourceUsed u -> new Row(Kind.RESOURCE_USED, 0, new Object[] {text(u.resource()), u.at(),
                u.requests(), u.tokens()});
            case StrategySaved t -> {
                String state = json(t.state());
                yield new Row(Kind.STRATEGY_SAVED, 0, new Object[] {text(t.strategy()), state, t.clockNanos(), t.at(),
                    state, t.clockNanos(), t.at()});
            }
        };
    }

    private String text(String s) {
        return dialect.storable(s);
    }

    private String json(Object value) {
        return dialect.storableJson(Json.write(value));
    }

    /**
     * Folds each Started row directly followed (among its task's rows) by a Finished row into one
     * {@link Kind#STARTED_AND_FINISHED} row in the Finished row's place; everything else is kept
     * in order.
     */
    static List<Row> merge(List<Row> rows) {
        Map<Long, Integer> startedAt = new HashMap<>();
        Row[] out = rows.toArray(new Row[0]);
        for (int i = 0; i < out.length; i++) {
            Row r = out[i];
            if (r.taskId == 0) {
                continue;
            }
            Integer s = startedAt.remove(r.taskId);
            if (r.kind == Kind.STARTED) {
                startedAt.put(r.taskId, i);
            } else if (r.kind == Kind.FINISHED && s != null) {
                Object[] st = out[s].values;
                Object[] f = r.values;
                Object[] both = new Object[2 + f.length]; // the Started row's agent and time, then the Finished row's
                both[0] = st[1];
                both[1] = st[2];
                System.arraycopy(f, 0, both, 2, f.length);
                out[i] = new Row(Kind.STARTED_AND_FINISHED, r.taskId, both);
                out[s] = null;
            }
        }
        List<Row> merged = new ArrayList<>(out.length);
        for (Row r : out) {
            if (r != null) {
                merged.add(r);
            }
        }
        return merged;
    }

    /** Splits a group into rounds (see the class comment), each row in its arrival order. */
    static List<List<Row>> rounds(List<Row> rows) {
        List<List<Row>> rounds = new ArrayList<>();
        Map<Long, Integer> seen = new HashMap<>();
        for (Row r : rows) {
            int round = r.taskId() == 0 ? 0 : seen.merge(r.taskId(), 1, Integer::sum) - 1;
            while (rounds.size() <= round) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(r);
        }
        return rounds;
    }

    /** Writes the rows (merged first); the caller commits. Returns the number of JDBC batches sent. */
    int write(Connection c, List<Row> rows) throws SQLException {
        Map<Kind, PreparedStatement> statements = new EnumMap<>(Kind.class);
        int batches = 0;
        try {
            for (List<Row> round : rounds(merge(rows))) {
                Map<Kind, Integer> pending = new EnumMap<>(Kind.class);
                for (Row r : round) {
                    PreparedStatement ps = statements.get(r.kind);
                    if (ps == null) {
                        ps = c.prepareStatement(sql.get(r.kind));
                        statements.put(r.kind, ps);
                    }
                    bind(ps, r.values);
                    ps.addBatch();
                    pending.merge(r.kind, 1, Integer::sum);
                }
                for (Kind k : pending.keySet()) {
                    statements.get(k).executeBatch();
                    batches++;
                }
            }
        } finally {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
        }
        return batches;
    }

    private static void bind(PreparedStatement ps, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            int at = i + 1;
            switch (values[i]) {
                case null -> ps.setNull(at, Types.VARCHAR);
                case Long l -> ps.setLong(at, l);
                case Integer n -> ps.setInt(at, n);
                case Boolean b -> ps.setBoolean(at, b);
                case String str -> ps.setString(at, str);
                default -> throw new IllegalStateException("journal: cannot bind " + values[i].getClass().getName());
            }
        }
    }
}
