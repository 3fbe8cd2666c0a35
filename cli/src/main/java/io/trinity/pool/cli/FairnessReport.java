package io.trinity.pool.cli;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import io.trinity.pool.report.Table;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    private final Map<Long, String> tenantOf = new HashMap<>();
    private final Map<Long, String> typeOf = new HashMap<>();
    private final Map<Long, Long> submittedAt = new HashMap<>();
    private final Map<String, Tenant> tenants = new TreeMap<>();
    private final Map<String, Resource> resources = new TreeMap<>();

    private static final class Tenant {
        long tasks;
        final List<Double> waitsMs = new ArrayList<>();
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
        final Set<Long> held = new HashSet<>();
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
        switch (event) {
            case PoolEvent.TaskSubmitted s -> {
                tenantOf.put(s.task(), s.tenant());
                typeOf.put(s.task(), s.type());
                submittedAt.put(s.task(), s.nanos());
                tenant(s.tenant()).tasks++;
            }
            case PoolEvent.TaskRejected r when r.reason() == PoolEvent.RejectReason.SHED -> tenant(r.tenant()).shed++;
            case PoolEvent.TaskRejected r when r.reason() == PoolEvent.RejectReason.TENANT_LIMIT
                    || r.reason() == PoolEvent.RejectReason.QUEUE_FULL -> tenant(r.tenant()).rejected++;
            case PoolEvent.TaskDispatched d -> {
                Long at = submittedAt.remove(d.task());
                if (at != null) {
                    tenant(tenantOf.get(d.task())).waitsMs.add((d.nanos() - at) / 1e6);
                }
                typeResources.getOrDefault(typeOf.get(d.task()), Map.of())
                        .forEach((res, tokens) -> resource(res).call(d.nanos(), tokens));
            }
            case PoolEvent.TaskEnded e when e.agent() != null -> tenant(tenantOf.get(e.task())).agentSeconds += e.ms() / 1000.0;
            case PoolEvent.TenantSpent s -> {
                Tenant t = tenant(s.tenant());
                t.tokens = s.totalTokens();
                t.cost = s.totalCost();
            }
            case PoolEvent.BudgetStop b -> tenant(b.tenant()).budgetStops++;
            case PoolEvent.ResourceWait w -> resource(w.resource()).held.add(w.task());
            case PoolEvent.ResourcePause p -> {
                Resource r = resource(p.resource());
                r.pauses++;
                r.pausedMs += p.ms();
            }
            default -> { }
        }
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
        tenants.forEach((name, v) -> t.row(name, v.tasks, ms(percentile(v.waitsMs, 50)), ms(percentile(v.waitsMs, 95)),
                String.format(Locale.ROOT, "%.1f", v.agentSeconds),
                String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0 : 100 * v.agentSeconds / total), v.tokens,
                String.format(Locale.ROOT, "%.4f", v.cost), v.budgetStops, v.rejected, v.shed));
        return t;
    }

    Table resourceTable() {
        Table t = new Table("resource", "calls", "peak calls/60s", "peak est. tokens/60s", "tasks held", "pauses",
                "paused");
        resources.forEach((name, r) -> t.row(name, r.calls, r.peakCalls, r.peakTokens, r.held.size(), r.pauses,
                r.pausedMs + " ms"));
        return t;
    }

    Map<String, Object> json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> ts = new LinkedHashMap<>();
        tenants.forEach((name, v) -> ts.put(name, Map.of("tasks", v.tasks, "waitP50Ms", percentile(v.waitsMs, 50),
                "waitP95Ms", percentile(v.waitsMs, 95), "agentSeconds", v.agentSeconds, "tokens", v.tokens,
                "cost", v.cost, "budgetStops", v.budgetStops, "refused", v.rejected, "shed", v.shed)));
        Map<String, Object> rs = new LinkedHashMap<>();
        resources.forEach((name, r) -> rs.put(name, Map.of("calls", r.calls, "peakCallsPer60s", r.peakCalls,
                "peakEstimatedTokensPer60s", r.peakTokens, "tasksHeld", r.held.size(), "pauses", r.pauses,
                "pausedMs", r.pausedMs)));
        doc.put("tenants", ts);
        doc.put("resources", rs);
        return doc;
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100 * sorted.size()) - 1));
    }
}
