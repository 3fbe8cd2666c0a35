package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads an event log and checks it against the contract table of DESIGN.md. */
final class EventLog {

    static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("agent.spawn", List.of("agent", "type", "cause")),
            Map.entry("agent.state", List.of("agent", "type", "from", "to")),
            Map.entry("agent.destroy", List.of("agent", "type", "reason")),
            Map.entry("task.submit", List.of("task", "type", "priority")),
            Map.entry("task.reject", List.of("task", "reason")),
            Map.entry("task.dispatch", List.of("task", "agent", "balancer", "attempt")),
            Map.entry("task.end", List.of("task", "outcome", "ms")),
            Map.entry("task.retry", List.of("task", "attempt", "reason")),
            Map.entry("task.deadletter", List.of("task", "attempt", "reason")),
            Map.entry("scale.decision", List.of("type", "from", "to", "reason", "queue", "utilization")),
            Map.entry("health.stuck", List.of("agent", "task", "silentMs")),
            Map.entry("health.restart", List.of("agent", "replacement", "backoffMs")),
            Map.entry("pool.stats", List.of("agents", "queue")),
            Map.entry("resource.wait", List.of("task", "resource", "reason", "waitMs")),
            Map.entry("resource.pause", List.of("resource", "ms")),
            Map.entry("budget.stop", List.of("task", "tenant", "scope", "unit", "spent", "limit")),
            Map.entry("tenant.spend", List.of("tenant", "task", "tokens", "cost", "totalTokens", "totalCost")));
    static final Set<String> CAUSES = Set.of("on_demand", "predictive", "clone", "warm_pool", "scale_up", "replace");
    static final Set<String> DESTROY_REASONS = Set.of("idle_timeout", "scale_down", "failed", "shutdown", "respecialize");
    static final Set<String> OUTCOMES = Set.of("succeeded", "failed", "timed_out", "cancelled", "preempted", "rate_limited");
    static final Set<String> REJECT_REASONS = Set.of("queue_full", "invalid", "shutdown", "tenant_limit", "shed");

    private EventLog() {
    }

    /** Parses every line and asserts the contract; returns the events in order. */
    static List<JsonNode> readAndCheck(Path file, boolean orderedTime) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        long lastT = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode e = json.readTree(line);
            assertThat(e.isObject()).as(line).isTrue();
            assertThat(e.get("t").isIntegralNumber()).as("t of " + line).isTrue();
            assertThat(e.get("t").asLong()).as("t of " + line).isNotNegative();
            if (orderedTime) {
                assertThat(e.get("t").asLong()).as("t in order: " + line).isGreaterThanOrEqualTo(lastT);
            }
            lastT = e.get("t").asLong();
            String ev = e.get("ev").asText();
            List<String> required = REQUIRED.get(ev);
            if (required == null) {
                assertThat(ev).as("unknown event name in " + line).startsWith("health.circuit_");
                events.add(e);
                continue;
            }
            for (String field : required) {
                assertThat(e.has(field)).as(field + " in " + line).isTrue();
            }
            switch (ev) {
                case "agent.spawn" -> assertThat(CAUSES).contains(e.get("cause").asText());
                case "agent.destroy" -> assertThat(DESTROY_REASONS).contains(e.get("reason").asText());
                case "task.end" -> {
                    assertThat(OUTCOMES).contains(e.get("outcome").asText());
                    // no agent: cancelled while queued, or refused by a budget before it started
                    if (!e.get("outcome").asText().equals("cancelled") && !e.get("outcome").asText().equals("failed")) {
                        assertThat(e.has("agent")).as("agent in " + line).isTrue();
                    }
                }
                case "task.reject" -> assertThat(REJECT_REASONS).contains(e.get("reason").asText());
                default -> { }
            }
            events.add(e);
        }
        return events;
    }

    static long count(List<JsonNode> events, String ev) {
        return events.stream().filter(e -> e.get("ev").asText().equals(ev)).count();
    }
}
