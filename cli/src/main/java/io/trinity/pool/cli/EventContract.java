package io.trinity.pool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.limit.ResourcePacer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one event-log line must hold: the table of DESIGN.md "Event log" and docs/events.md.
 * Required fields are written out here, because they are the contract a reader relies on;
 * the allowed values of enum fields come from the core's own enums, because values may be
 * added (docs/events.md) and the checker should follow the writer's vocabulary.
 */
final class EventContract {

    static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("agent.spawn", List.of("agent", "type", "cause")),
            Map.entry("agent.state", List.of("agent", "type", "from", "to")),
            Map.entry("agent.destroy", List.of("agent", "type", "reason")),
            Map.entry("task.submit", List.of("task", "type", "priority")),
            Map.entry("task.reject", List.of("task", "reason")),
            Map.entry("task.dispatch", List.of("task", "agent", "balancer", "attempt")),
            Map.entry("task.hold", List.of("task", "agent", "balancer", "waitMs")),
            Map.entry("task.end", List.of("task", "outcome", "ms")),
            Map.entry("task.retry", List.of("task", "attempt", "reason")),
            Map.entry("task.deadletter", List.of("task", "attempt", "reason")),
            Map.entry("scale.decision", List.of("type", "from", "to", "reason", "queue", "utilization")),
            Map.entry("health.stuck", List.of("agent", "task", "silentMs")),
            Map.entry("health.restart", List.of("agent", "replacement", "backoffMs")),
            Map.entry("health.circuit_open", List.of("type", "failures")),
            Map.entry("health.circuit_closed", List.of("type", "failures")),
            Map.entry("pool.stats", List.of("agents", "queue")),
            Map.entry("resource.wait", List.of("task", "resource", "reason", "waitMs")),
            Map.entry("resource.pause", List.of("resource", "ms")),
            Map.entry("budget.stop", List.of("task", "tenant", "scope", "unit", "spent", "limit")),
            Map.entry("tenant.spend", List.of("tenant", "task", "tokens", "cost", "totalTokens", "totalCost")));

    static final Set<String> CAUSES = wire(PoolEvent.SpawnCause.values());
    static final Set<String> DESTROY_REASONS = wire(PoolEvent.DestroyReason.values());
    static final Set<String> OUTCOMES = wire(PoolEvent.TaskOutcome.values());
    static final Set<String> REJECT_REASONS = wire(PoolEvent.RejectReason.values());
    static final Set<String> WAIT_REASONS = wire(ResourcePacer.Reason.values());
    static final Set<String> AGENT_STATES = Arrays.stream(AgentState.values()).map(Enum::name)
            .collect(Collectors.toUnmodifiableSet());
    static final Set<String> BUDGET_SCOPES = Set.of("task", "tenant");
    static final Set<String> BUDGET_UNITS = Set.of("tokens", "cost");

    /** An attempt may end without an agent only when it never started: cancelled while queued or refused. */
    private static final Set<String> OUTCOMES_WITHOUT_AGENT = Set.of("cancelled", "failed");

    private EventContract() {
    }

    /** Whether {@code ev} is an event of the contract (others are allowed: extra events are fine). */
    static boolean known(String ev) {
        return REQUIRED.containsKey(ev);
    }

    /**
     * The problems of one event of a known kind, each a short phrase naming the field and the
     * value; empty when the event keeps the contract.
     */
    static List<String> problems(String ev, JsonNode e) {
        List<String> out = new ArrayList<>(0);
        for (String field : REQUIRED.get(ev)) {
            if (!e.hasNonNull(field)) {
                out.add("missing field \"" + field + "\"");
            }
        }
        if (e.hasNonNull("task") && !(e.get("task").isIntegralNumber() && e.get("task").canConvertToLong())) {
            out.add("\"task\" must be an integer (got " + e.get("task") + ")");
        }
        switch (ev) {
            case "agent.spawn" -> oneOf(out, e, "cause", CAUSES);
            case "agent.state" -> {
                oneOf(out, e, "from", AGENT_STATES);
                oneOf(out, e, "to", AGENT_STATES);
            }
            case "agent.destroy" -> oneOf(out, e, "reason", DESTROY_REASONS);
            case "task.reject" -> oneOf(out, e, "reason", REJECT_REASONS);
            case "task.end" -> {
                oneOf(out, e, "outcome", OUTCOMES);
                String outcome = e.path("outcome").asText();
                if (OUTCOMES.contains(outcome) && !OUTCOMES_WITHOUT_AGENT.contains(outcome) && !e.hasNonNull("agent")) {
                    out.add("missing field \"agent\" (only a cancelled or failed task may end without one)");
                }
            }
            case "resource.wait" -> oneOf(out, e, "reason", WAIT_REASONS);
            case "task.hold" -> {
                JsonNode w = e.get("waitMs");
                if (w != null && !w.isNull() && !(w.isIntegralNumber() && w.asLong() >= 0)) {
                    out.add("\"waitMs\" must be a whole number >= 0 (got " + w + ")");
                }
            }
            case "budget.stop" -> {
                oneOf(out, e, "scope", BUDGET_SCOPES);
                oneOf(out, e, "unit", BUDGET_UNITS);
            }
            default -> { }
        }
        return out;
    }

    private static void oneOf(List<String> out, JsonNode e, String field, Set<String> allowed) {
        JsonNode v = e.get(field);
        if (v != null && !v.isNull() && !(v.isTextual() && allowed.contains(v.asText()))) {
            out.add("\"" + field + "\" must be one of " + allowed.stream().sorted().toList() + " (got " + v + ")");
        }
    }

    private static Set<String> wire(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }
}
