package io.trinity.pool.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Every route of the server, in one table: path, method, who may call it, handler. The
 * handlers are thin; validation and errors live in {@link TaskRequests} and {@link Errors}.
 * {@code /v1/openapi.json} documents exactly these routes (a test holds them equal).
 */
final class Routes {

    private Routes() {
    }

    static void register(RoutesConfig r, Auth auth, TaskRoutes tasks, AdminRoutes admin, EventStream events,
                         Metrics metrics, BooleanSupplier draining, PoolTime time) {
        r.beforeMatched(auth::check);
        r.beforeMatched("/v1/events", EventStream::check);

        r.get("/healthz", ctx -> ctx.json(Map.of("status", "up")), Role.PUBLIC);
        r.get("/readyz", ctx -> ready(ctx, draining), Role.PUBLIC);
        r.get("/metrics", ctx -> ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape()), Role.PUBLIC);
        r.get("/v1/openapi.json", Routes::openApi, Role.PUBLIC);

        r.get("/v1/me", ctx -> me(ctx, time), Role.TENANT);
        r.post("/v1/tasks", tasks::submit, Role.TENANT);
        r.post("/v1/tasks/batch", tasks::submitBatch, Role.TENANT);
        r.get("/v1/tasks", tasks::list, Role.TENANT);
        r.get("/v1/tasks/{id}", tasks::get, Role.TENANT);
        r.delete("/v1/tasks/{id}", tasks::cancel, Role.TENANT);
        r.sse("/v1/events", events, Role.TENANT);

        r.get("/v1/pool", admin::pool, Role.ADMIN);
        r.get("/v1/agents", admin::agents, Role.ADMIN);
        r.get("/v1/dead-letters", admin::deadLetters, Role.ADMIN);
        r.post("/v1/dead-letters/{id}/resubmit", admin::resubmit, Role.ADMIN);
        r.get("/v1/tenants", admin::tenants, Role.ADMIN);
    }

    private static void ready(Context ctx, BooleanSupplier draining) {
        if (draining.getAsBoolean()) {
            ctx.status(503).json(Map.of("status", "draining"));
        } else {
            ctx.json(Map.of("status", "ready"));
        }
    }

    /**
     * The key's tenant and role; when this server started and its uptime (an event's {@code t} is
     * milliseconds since that start, and a new {@code startedAt} means a new run: task ids and
     * event ids start over without a journal); and the cluster node whose front relayed the
     * request, which serves {@code GET /v1/cluster} (null when no front did).
     */
    private static void me(Context ctx, PoolTime time) {
        Principal p = Auth.principal(ctx);
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("tenant", p.tenant());
        body.put("role", p.role().wire());
        body.put("startedAt", time.startedAt().toString());
        body.put("uptimeMs", time.uptimeMillis());
        String node = ctx.header(TaskRoutes.ORIGIN_HEADER);
        body.put("node", node == null || node.isBlank() ? null : node);
        ctx.json(body);
    }

    private static void openApi(Context ctx) {
        ctx.contentType("application/json").result(openApiDocument());
    }

    static byte[] openApiDocument() {
        try (InputStream in = Routes.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the server jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
