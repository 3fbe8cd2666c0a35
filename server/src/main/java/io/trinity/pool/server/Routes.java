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
                         Metrics metrics, BooleanSupplier draining) {
        r.beforeMatched(auth::check);
        r.beforeMatched("/v1/events", EventStream::check);

        r.get("/healthz", ctx -> ctx.json(Map.of("status", "up")), Role.PUBLIC);
        r.get("/readyz", ctx -> ready(ctx, draining), Role.PUBLIC);
        r.get("/metrics", ctx -> ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape()), Role.PUBLIC);
        r.get("/v1/openapi.json", Routes::openApi, Role.PUBLIC);

        r.get("/v1/me", Routes::me, Role.TENANT);
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

    private static void me(Context ctx) {
        Principal p = Auth.principal(ctx);
        ctx.json(Map.of("tenant", p.tenant(), "role", p.role().wire()));
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
