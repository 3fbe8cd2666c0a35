package io.trinity.pool.server;

import io.javalin.http.Context;
import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.budget.Spend;
import io.trinity.pool.tenant.TenantConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/** The admin routes: the pool, its agents, dead letters (and their resubmission), tenants. */
final class AdminRoutes {

    private final AgentPool pool;
    private final TaskIndex index;
    private final EventFeed feed;
    private final PoolTime time;
    private final Set<String> keyTenants;
    private final BooleanSupplier draining;

    AdminRoutes(AgentPool pool, TaskIndex index, EventFeed feed, PoolTime time, Set<String> keyTenants,
                BooleanSupplier draining) {
        this.pool = pool;
        this.index = index;
        this.feed = feed;
        this.time = time;
        this.keyTenants = keyTenants;
        this.draining = draining;
    }

    /** Agents by type and state, queue by type and tenant, running, spawn and destroy counts, circuits. */
    void pool(Context ctx) {
        PoolSnapshot s = pool.snapshot();
        Map<String, Map<String, Long>> byType = new TreeMap<>();
        Map<String, Long> byState = new TreeMap<>();
        for (PoolSnapshot.AgentInfo a : s.agents()) {
            byType.computeIfAbsent(a.type(), k -> new TreeMap<>()).merge(a.state().name(), 1L, Long::sum);
            byState.merge(a.state().name(), 1L, Long::sum);
        }
        Map<String, Long> queueByType = new TreeMap<>();
        Map<String, Long> queueByTenant = new TreeMap<>();
        for (TaskIndex.Tracked t : index.active()) {
            if (t.handle.state() == TaskState.QUEUED) {
                queueByType.merge(t.handle.task().type(), 1L, Long::sum);
                queueByTenant.merge(t.tenant, 1L, Long::sum);
            }
        }
        Map<String, Object> circuits = new TreeMap<>();
        feed.circuits().forEach((type, c) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", c.open() ? "open" : "closed");
            m.put("failures", c.failures());
            m.put("cause", c.cause());
            m.put("since", Views.iso(c.since()));
            circuits.put(type, m);
        });
        Map<String, Object> tasks = new TreeMap<>();
        s.tasksByState().forEach((state, n) -> tasks.put(state.name(), n));
        // the snapshot counts accepted tasks only (a shed one); /metrics counts every refusal: say the same
        tasks.put(TaskState.REJECTED.name(), feed.rejected());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agents", Map.of("total", s.agents().size(), "byType", byType, "byState", byState));
        body.put("queue", Map.of("depth", s.queued(), "byType", queueByType, "byTenant", queueByTenant));
        body.put("running", s.running());
        body.put("waitingRetry", s.waitingRetry());
        body.put("tasks", tasks);
        body.put("spawns", s.spawns());
        body.put("destroys", s.destroys());
        body.put("circuits", circuits);
        body.put("deadLetters", pool.deadLetters().size());
        body.put("accepting", !draining.getAsBoolean() && !pool.isShutdown());
        body.put("uptimeMs", time.uptimeMillis());
        body.put("lastEventId", String.valueOf(feed.lastId()));
        ctx.json(body);
    }

    void agents(Context ctx) {
        List<Map<String, Object>> agents = pool.snapshot().agents().stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", a.id());
            m.put("type", a.type());
            m.put("state", a.state().name());
            m.put("inFlight", a.inFlight());
            m.put("capacity", a.capacity());
            m.put("warm", a.warm());
            return m;
        }).toList();
        ctx.json(Map.of("agents", agents));
    }

    void deadLetters(Context ctx) {
        ctx.json(Map.of("deadLetters", pool.deadLetters().stream().map(d -> Views.deadLetter(d, time)).toList()));
    }

    void resubmit(Context ctx) {
        String raw = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiError.notFound("no dead letter " + Views.quote(raw));
        }
        if (draining.getAsBoolean()) {
            throw Errors.draining();
        }
        TaskHandle h;
        java.time.Instant at = index.now();
        try {
            h = pool.resubmit(id);
        } catch (IllegalArgumentException e) {
            throw ApiError.notFound("no dead letter " + Views.quote(raw) + "; GET /v1/dead-letters lists them");
        }
        index.add(h, h.task().tenant(), at);
        ctx.header("Location", "/v1/tasks/" + h.id());
        ctx.status(202).json(Views.accepted(h));
    }

    /** Every tenant the server knows of: its limits, spend, agent time and share of it, queued and running tasks. */
    void tenants(Context ctx) {
        Map<String, TenantConfig> configured = pool.config().tenants();
        Map<String, Spend> spend = pool.spend();
        Map<String, Long> millis = feed.agentMillis();
        Set<String> names = new TreeSet<>(configured.keySet());
        names.addAll(keyTenants);
        names.addAll(spend.keySet());
        names.addAll(millis.keySet());
        double totalMillis = millis.values().stream().mapToLong(Long::longValue).sum();
        double totalWeight = names.stream().mapToDouble(n -> pool.config().tenant(n).weight()).sum();
        List<Map<String, Object>> out = names.stream().map(name -> {
            TenantConfig c = pool.config().tenant(name);
            Spend sp = spend.getOrDefault(name, Spend.ZERO);
            Map<TaskState, Long> active = index.activeCounts(name);
            long used = millis.getOrDefault(name, 0L);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("weight", c.weight());
            m.put("fairShare", totalWeight > 0 ? c.weight() / totalWeight : 0.0);
            m.put("agentMillis", used);
            m.put("share", totalMillis > 0 ? used / totalMillis : 0.0);
            m.put("queued", active.getOrDefault(TaskState.QUEUED, 0L));
            m.put("running", active.getOrDefault(TaskState.RUNNING, 0L));
            Map<String, Object> limits = new LinkedHashMap<>();
            limits.put("maxQueued", c.limitsQueued() ? c.maxQueued() : null);
            limits.put("maxRunning", c.limitsRunning() ? c.maxRunning() : null);
            limits.put("budgetTokens", c.budget().limitsTokens() ? c.budget().maxTokens() : null);
            limits.put("budgetCost", c.budget().limitsCost() ? c.budget().maxCost() : null);
            m.put("limits", limits);
            m.put("spend", Map.of("tokens", sp.tokens(), "cost", sp.cost(), "byResource", sp.tokensByResource()));
            return m;
        }).toList();
        ctx.json(Map.of("tenants", out));
    }
}
