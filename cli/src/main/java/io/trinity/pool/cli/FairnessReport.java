package io.trinity.pool.cli;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import io.trinity.pool.report.Table;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code tri simulate} shows about tenants and rate-limited resources, computed from the
 * event stream alone: per tenant its tasks, waits (submit to first dispatch), agent time and
 * spend, tasks refused at submit (queue full, maxQueued) and tasks shed from a full queue; per resource the calls started, the busiest 60-second window (calls and estimated
 * tokens), how many tasks were held back and the provider pauses.
 */
final class FairnessReport implements PoolListener {

    private static final long MINUTE = 60_000_000_000L;

    private final Map<String, Map<String, Long>> typeResources;
    /** Tasks not yet final: what their later events need. Bounded by the tasks in flight. */
    private final Map<Long, Live> live = new HashMap<>();
    /**
     * Tasks whose attempt just failed or timed out: a retry or dead letter at the same instant
     * keeps or ends them; none by the next instant means that end was final.
     */
    private final Map<Long, Long> endedAt = new HashMap<>();
    private final Map<String, Tenant> tenants = new TreeMap<>();
    private final Map<String, Resource> resources = new TreeMap<>();

    private static final class Live {
        final String tenant;
        final String type;
        /** Submit time until the first dispatch, then -1. */
        long submittedAt;
        /** Resources it was counted as held on, or null. */
        List<String> heldOn;

        Live(String tenant, String type, long submittedAt) {
            this.tenant = tenant;
            this.type = type;
            this.submittedAt = submittedAt;
        }
    }

    private static final class Tenant {
        long tasks;
        final WaitPercentiles waits = new WaitPercentiles();
        double agentSeconds;
        long tokens;
        double cost;
        long budgetStops;
        /** Refused at submit: queue full or the tenant's maxQueued. */
        long rejected;
        /** Accepted, then shed from a full queue for a tenant below its share. */
        long shed;
    }

    private static final class Resource {
        long calls;
        final ArrayDeque<long[]> window = new ArrayDeque<>();
        long windowTokens;
        long peakCalls;
        long peakTokens;
        /** Distinct tasks held back on it. */
        long held;
        long pauses;
        long pausedMs;

        /** A call started at {@code nanos}: keeps the busiest trailing 60 s window. */
        void call(long nanos, long tokens) {
            calls++;
            window.addLast(new long[] {nanos, tokens});
            windowTokens += tokens;
            while (window.peekFirst()[0] <= nanos - MINUTE) {
                windowTokens -= window.pollFirst()[1];
            }
            peakCalls = Math.max(peakCalls, window.size());
            peakTokens = Math.max(peakTokens, windowTokens);
        }
    }

    FairnessReport(Map<String, Map<String, Long>> typeResources) {
        this.typeResources = typeResources;
    }

    @Override
    public void onEvent(PoolEvent event) {
        settleEnds(event.nanos());
        switch (event) {
            case PoolEvent.TaskSubmitted s -> {
                live.put(s.task(), new Live(s.tenant(), s.type(), s.nanos()));
                tenant(s.tenant()).tasks++;
            }
            case PoolEvent.TaskRejected r when r.reason() == PoolEvent.RejectReason.SHED -> tenant(r.tenant()).shed++;
            case PoolEvent.TaskRejected r when r.reason() == PoolEvent.RejectReason.TENANT_LIMIT
                    || r.reason() == PoolEvent.RejectReason.QUEUE_FULL -> tenant(r.tenant()).rejected++;
            case PoolEvent.TaskDispatched d -> {
                Live t = live.get(d.task());
                if (t == null) {
                    return;
                }
                if (t.submittedAt >= 0) {
                    tenant(t.tenant).waits.record(d.nanos() - t.submittedAt);
                    t.submittedAt = -1;
                }
                typeResources.getOrDefault(t.type, Map.of())
                        .forEach((res, tokens) -> resource(res).call(d.nanos(), tokens));
            }
            case PoolEvent.TaskEnded e -> {
                Live t = live.get(e.task());
                if (e.agent() != null) {
                    tenant(t == null ? null : t.tenant).agentSeconds += e.ms() / 1000.0;
                }
                switch (e.outcome()) {
                    case SUCCEEDED, CANCELLED -> live.remove(e.task());
                    case FAILED, TIMED_OUT -> endedAt.put(e.task(), e.nanos());
                    default -> { } // preempted, rate limited: back in the queue
                }
            }
            case PoolEvent.TaskRetried r -> endedAt.remove(r.task());
            case PoolEvent.TaskDeadLettered d -> {
                endedAt.remove(d.task());
                live.remove(d.task());
            }
            case PoolEvent.TenantSpent s -> {
                Tenant t = tenant(s.tenant());
                t.tokens = s.totalTokens();
                t.cost = s.totalCost();
            }
            case PoolEvent.BudgetStop b -> tenant(b.tenant()).budgetStops++;
            case PoolEvent.ResourceWait w -> held(w.task(), w.resource());
            case PoolEvent.ResourcePause p -> {
                Resource r = resource(p.resource());
                r.pauses++;
                r.pausedMs += p.ms();
            }
            default -> { }
        }
    }

    /** Failed ends that no retry or dead letter followed at their instant were final. */
    private void settleEnds(long now) {
        if (!endedAt.isEmpty()) {
            endedAt.entrySet().removeIf(e -> {
                if (e.getValue() < now) {
                    live.remove(e.getKey());
                    return true;
                }
                return false;
            });
        }
    }

    private void held(long task, String resource) {
        Live t = live.get(task);
        if (t == null) {
            return;
        }
        if (t.heldOn == null) {
            t.heldOn = new ArrayList<>(1);
        }
        if (!t.heldOn.contains(resource)) {
            t.heldOn.add(resource);
            resource(resource).held++;
        }
    }

    /** Tasks the report still follows (those not yet final). For tests. */
    int tasksFollowed() {
        return live.size();
    }

    private Tenant tenant(String name) {
        return tenants.computeIfAbsent(name == null ? "default" : name, k -> new Tenant());
    }

    private Resource resource(String name) {
        return resources.computeIfAbsent(name, k -> new Resource());
    }

    boolean hasContent() {
        return tenants.size() > 1 || !resources.isEmpty();
    }

    Table tenantTable() {
        double total = tenants.values().stream().mapToDouble(t -> t.agentSeconds).sum();
        Table t = new Table("tenant", "tasks", "wait p50", "wait p95", "agent-s", "share", "tokens", "cost",
                "budget stops", "refused", "shed");
        tenants.forEach((name, v) -> t.row(name, v.tasks, ms(v.waits.percentileMs(50)), ms(v.waits.percentileMs(95)),
                String.format(Locale.ROOT, "%.1f", v.agentSeconds),
                String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0 : 100 * v.agentSeconds / total), v.tokens,
                String.format(Locale.ROOT, "%.4f", v.cost), v.budgetStops, v.rejected, v.shed));
        return t;
    }

    Table resourceTable() {
        Table t = new Table("resource", "calls", "peak calls/60s", "peak est. tokens/60s", "tasks held", "pauses",
                "paused");
        resources.forEach((name, r) -> t.row(name, r.calls, r.peakCalls, r.peakTokens, r.held, r.pauses,
                r.pausedMs + " ms"));
        return t;
    }

    Map<String, Object> json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> ts = new LinkedHashMap<>();
        tenants.forEach((name, v) -> ts.put(name, Map.of("tasks", v.tasks, "waitP50Ms", v.waits.percentileMs(50),
                "waitP95Ms", v.waits.percentileMs(95), "agentSeconds", v.agentSeconds, "tokens", v.tokens,
                "cost", v.cost, "budgetStops", v.budgetStops, "refused", v.rejected, "shed", v.shed)));
        Map<String, Object> rs = new LinkedHashMap<>();
        resources.forEach((name, r) -> rs.put(name, Map.of("calls", r.calls, "peakCallsPer60s", r.peakCalls,
                "peakEstimatedTokensPer60s", r.peakTokens, "tasksHeld", r.held, "pauses", r.pauses,
                "pausedMs", r.pausedMs)));
        doc.put("tenants", ts);
        doc.put("resources", rs);
        return doc;
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }
}
