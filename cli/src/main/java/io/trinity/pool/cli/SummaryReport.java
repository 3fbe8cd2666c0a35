package io.trinity.pool.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trinity.pool.report.Table;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints a run's {@link RunMetrics.Summary} as the summary table, or as JSON. */
final class SummaryReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryReport() {
    }

    static Table table(RunMetrics.Summary s) {
        Table t = new Table("summary", "");
        t.row("tasks submitted", s.submitted() + (s.rejected().isEmpty() ? "" : " (+ rejected at submit: " + counts(s.rejected()) + ")"));
        t.row("tasks by final state", counts(s.tasksByFinalState()));
        t.row("spawns by cause", counts(s.spawnsByCause()));
        t.row("destroys by reason", counts(s.destroysByReason()));
        t.row("latency (succeeded)", String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
                s.p50Ms(), s.p95Ms(), s.p99Ms(), s.maxMs()));
        t.row("stuck detections", s.stuckDetections());
        t.row("restarts", s.restarts());
        t.row("preemptions", s.preemptions());
        t.row("retries", s.retries());
        t.row("cold starts", s.coldStarts() + " (tasks that waited for their agent's spawn)");
        t.row("scale decisions", s.scaleDecisions() + " (" + s.scaleFlips() + " direction flips)");
        t.row("max pool size", s.maxPoolSize());
        t.row("agent-seconds", String.format(Locale.ROOT, "%.1f", s.agentSeconds()));
        t.row("throughput", String.format(Locale.ROOT, "%.2f tasks/s", s.throughputPerSec()));
        return t;
    }

    static String counts(Map<String, Long> m) {
        if (m.isEmpty()) {
            return "none";
        }
        return m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
