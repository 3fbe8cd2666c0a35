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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a group of records inside the caller's transaction: each record is exactly one
 * statement (an INSERT for a new task or snapshot, an UPDATE for every other transition), sent
 * as JDBC batches, one per statement kind.
 *
 * <p><b>Order.</b> Only records about the same task depend on each other (an UPDATE must find
 * its INSERT; a later UPDATE must win over an earlier one). So a record's <em>round</em> is the
 * number of records about its task before it in the group; rounds run in order, and inside a
 * round each task appears at most once, so its records can be batched by kind in any order. In
 * the usual group (many tasks accepted, others started or finished) everything is round 0: one
 * batch per kind.
 */
final class RecordWriter {

    /** The statement kinds, in the order a round runs them (any order is correct within a round). */
    enum Kind { ACCEPTED, STARTED, REQUEUED_SPENT, REQUEUED_UNSPENT, FINISHED, DEAD_LETTER_CLEARED, SNAPSHOT,
        SPEND_TOTAL, RESOURCE_USED, STRATEGY_SAVED }

    private final Map<Kind, String> sql = new EnumMap<>(Kind.class);

    RecordWriter(Dialect dialect) {
        String json = dialect.json();
        sql.put(Kind.ACCEPTED, "INSERT INTO tasks (id, tenant, type, idempotency_key, task_json, state, enqueued_at)"
                + " VALUES (?, ?, ?, ?, " + json + ", 'QUEUED', ?)");
        sql.put(Kind.STARTED, "UPDATE tasks SET state = 'RUNNING', running = TRUE, attempts = ?, agent = ?,"
                + " started_at = ? WHERE id = ?");
        sql.put(Kind.REQUEUED_SPENT, "UPDATE tasks SET state = 'QUEUED', running = FALSE, attempts = ?,"
                + " reasons_json = " + dialect.appendReason() + " WHERE id = ?");
        sql.put(Kind.REQUEUED_UNSPENT, "UPDATE tasks SET state = 'QUEUED', running = FALSE, attempts = ? WHERE id = ?");
        sql.put(Kind.FINISHED, "UPDATE tasks SET state = ?, running = FALSE, attempts = ?, result_json = " + json
                + ", reasons_json = " + json + ", ended_at = ?, dead_letter = ? WHERE id = ?");
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

    static Kind kind(JournalRecord r) {
        return switch (r) {
            case Accepted a -> Kind.ACCEPTED;
            case Started s -> Kind.STARTED;
            case Requeued q -> q.spent() ? Kind.REQUEUED_SPENT : Kind.REQUEUED_UNSPENT;
            case Finished f -> Kind.FINISHED;
            case DeadLetterCleared d -> Kind.DEAD_LETTER_CLEARED;
            case SnapshotSaved s -> Kind.SNAPSHOT;
            case SpendTotal s -> Kind.SPEND_TOTAL;
            case ResourceUsed u -> Kind.RESOURCE_USED;
            case StrategySaved s -> Kind.STRATEGY_SAVED;
        };
    }

    /** Splits a group into rounds (see the class comment), each record in its arrival order. */
    static List<List<JournalRecord>> rounds(List<JournalRecord> records) {
        List<List<JournalRecord>> rounds = new ArrayList<>();
        Map<Long, Integer> seen = new HashMap<>();
        for (JournalRecord r : records) {
            int round = r.taskId() == 0 ? 0 : seen.merge(r.taskId(), 1, Integer::sum) - 1;
            while (rounds.size() <= round) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(r);
        }
        return rounds;
    }

    /** Writes the records; the caller commits. Returns the number of JDBC batches sent. */
    int write(Connection c, List<JournalRecord> records) throws SQLException {
        Map<Kind, PreparedStatement> statements = new EnumMap<>(Kind.class);
        int batches = 0;
        try {
            for (List<JournalRecord> round : rounds(records)) {
                Map<Kind, Integer> pending = new EnumMap<>(Kind.class);
                for (JournalRecord r : round) {
                    Kind k = kind(r);
                    PreparedStatement ps = statements.get(k);
                    if (ps == null) {
                        ps = c.prepareStatement(sql.get(k));
                        statements.put(k, ps);
                    }
                    bind(ps, r);
                    ps.addBatch();
                    pending.merge(k, 1, Integer::sum);
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

    private static void bind(PreparedStatement ps, JournalRecord record) throws SQLException {
        switch (record) {
            case Accepted a -> {
                ps.setLong(1, a.taskId());
                ps.setString(2, a.tenant());
                ps.setString(3, String.valueOf(a.task().get("type")));
                ps.setString(4, a.idempotencyKey());
                ps.setString(5, Json.write(a.task()));
                ps.setLong(6, a.enqueuedAt());
            }
            case Started s -> {
                // The attempt in progress counts as spent: if a crash interrupts it, it failed.
                ps.setInt(1, s.attempt());
                ps.setString(2, s.agent());
                ps.setLong(3, s.at());
                ps.setLong(4, s.taskId());
            }
            case Requeued q when q.spent() -> {
                ps.setInt(1, q.attempt());
                ps.setString(2, q.reason() == null ? "" : q.reason());
                ps.setLong(3, q.taskId());
            }
            case Requeued q -> {
                // Preempted or refused by a provider: the attempt is given back.
                ps.setInt(1, Math.max(0, q.attempt() - 1));
                ps.setLong(2, q.taskId());
            }
            case Finished f -> {
                ps.setString(1, f.state());
                ps.setInt(2, f.attempts());
                if (f.result() == null) {
                    ps.setNull(3, Types.VARCHAR);
                } else {
                    ps.setString(3, Json.write(f.result()));
                }
                ps.setString(4, Json.write(f.reasons()));
                ps.setLong(5, f.at());
                ps.setBoolean(6, f.state().equals("DEAD_LETTERED"));
                ps.setLong(7, f.taskId());
            }
            case DeadLetterCleared d -> ps.setLong(1, d.taskId());
            case SnapshotSaved s -> {
                ps.setString(1, s.type());
                ps.setString(2, s.agent());
                ps.setString(3, Json.write(s.state() == null ? Map.of() : s.state()));
                ps.setLong(4, s.at());
            }
            case SpendTotal s -> {
                ps.setString(1, s.tenant());
                ps.setString(2, s.resource());
                ps.setLong(3, s.tokens());
                ps.setLong(4, s.at());
                ps.setLong(5, s.tokens());
                ps.setLong(6, s.at());
            }
            case ResourceUsed u -> {
                ps.setString(1, u.resource());
                ps.setLong(2, u.at());
                ps.setInt(3, u.requests());
                ps.setLong(4, u.tokens());
            }
            case StrategySaved s -> {
                String state = Json.write(s.state());
                ps.setString(1, s.strategy());
                ps.setString(2, state);
                ps.setLong(3, s.clockNanos());
                ps.setLong(4, s.at());
                ps.setString(5, state);
                ps.setLong(6, s.clockNanos());
                ps.setLong(7, s.at());
            }
        }
    }
}
