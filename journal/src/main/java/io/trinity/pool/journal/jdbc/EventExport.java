package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.StoredTask;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rebuilds event-log JSON Lines (docs/events.md) from the tasks a journal holds. A journal keeps
 * each task's current row, not its history, so the export tells what the row can prove:
 * <ul>
 *   <li>{@code task.submit} for every task, at its enqueue time;</li>
 *   <li>{@code task.dispatch} for its <em>last</em> attempt (agent, attempt number) when that
 *       attempt is running or ended the task; earlier attempts leave only their count and their
 *       failure reasons (the {@code attempts} and {@code reasons} fields of the final event);</li>
 *   <li>{@code task.end} for a final state (outcome {@code succeeded}, {@code failed},
 *       {@code timed_out}, {@code cancelled}; {@code ms} is the last attempt's duration, 0 if
 *       it never started), and for a dead letter {@code task.end} (outcome failed) followed by
 *       {@code task.deadletter}.</li>
 * </ul>
 * It cannot give: the balancer of a dispatch ({@code balancer} is left out), retries and their
 * backoffs, preemptions, agent and scaling events (never journaled), tasks the retention
 * dropped, or tasks refused at submit (never stored). A task queued for a retry shows its
 * {@code task.submit} only. {@code t} counts milliseconds from the earliest time in the export
 * (the journal does not know when a pool started); {@code at} gives the wall-clock epoch ms.
 * Lines are in non-decreasing {@code t}.
 */
final class EventExport {

    private record Line(long at, long task, int seq, Map<String, Object> fields) {
    }

    private final Connection connection;

    EventExport(Connection connection) {
        this.connection = connection;
    }

    long write(Appendable out) throws SQLException, IOException {
        List<Line> lines = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + TaskReader.COLUMNS + " FROM tasks ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                events(TaskReader.row(rs), rs.getString(13), lines);
            }
        }
        lines.sort(Comparator.comparingLong(Line::at).thenComparingLong(Line::task).thenComparingInt(Line::seq));
        long base = lines.isEmpty() ? 0 : lines.get(0).at;
        for (Line l : lines) {
            Map<String, Object> obj = new LinkedHashMap<>();
            obj.put("t", l.at - base);
            obj.putAll(l.fields);
            obj.put("at", l.at);
            out.append(Json.write(obj)).append('\n');
        }
        return lines.size();
    }

    private static void events(StoredTask t, String agent, List<Line> out) {
        Map<String, Object> submit = fields("task.submit", t.taskId());
        submit.put("type", t.task().get("type"));
        submit.put("priority", t.task().getOrDefault("priority", 0L));
        if (t.task().get("affinity") != null) {
            submit.put("affinity", t.task().get("affinity"));
        }
        submit.put("tenant", t.tenant());
        if (t.idempotencyKey() != null) {
            submit.put("idempotencyKey", t.idempotencyKey());
        }
        out.add(new Line(t.enqueuedAt(), t.taskId(), 0, submit));

        boolean started = t.startedAt() > 0 && agent != null;
        if (started && (t.state().equals("RUNNING") || t.isFinal())) {
            Map<String, Object> dispatch = fields("task.dispatch", t.taskId());
            dispatch.put("agent", agent);
            dispatch.put("attempt", t.attempts());
            out.add(new Line(t.startedAt(), t.taskId(), 1, dispatch));
        }
        if (!t.isFinal()) {
            return;
        }
        String lastReason = t.reasons().isEmpty() ? null : t.reasons().get(t.reasons().size() - 1);
        boolean deadLetter = t.state().equals("DEAD_LETTERED");
        Map<String, Object> end = fields("task.end", t.taskId());
        if (started) {
            end.put("agent", agent);
        }
        end.put("outcome", deadLetter ? "failed" : t.state().toLowerCase(Locale.ROOT));
        end.put("ms", started ? Math.max(0, t.endedAt() - t.startedAt()) : 0);
        if (lastReason != null && !t.state().equals("SUCCEEDED")) {
            end.put("reason", lastReason);
        }
        if (!deadLetter) {
            end.put("attempts", t.attempts());
            end.put("reasons", t.reasons());
        }
        out.add(new Line(t.endedAt(), t.taskId(), 2, end));
        if (deadLetter) {
            Map<String, Object> dl = fields("task.deadletter", t.taskId());
            dl.put("attempt", t.attempts());
            dl.put("reason", lastReason == null ? "" : lastReason);
            dl.put("reasons", t.reasons());
            out.add(new Line(t.endedAt(), t.taskId(), 3, dl));
        }
    }

    private static Map<String, Object> fields(String ev, long task) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ev", ev);
        m.put("task", task);
        return m;
    }
}
