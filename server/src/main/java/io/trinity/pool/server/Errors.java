package io.trinity.pool.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.trinity.pool.PoolException;
import io.trinity.pool.PoolShutdownException;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.TaskRejectedException;
import io.trinity.pool.TenantLimitException;
import io.trinity.pool.journal.JournalException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error answer in one place: a JSON body {@code {"error": "...", "field": "..."}} and
 * the right status. Client mistakes are 4xx; the pool's refusals map to 429 (queue full,
 * tenant limit, both with {@code Retry-After}) and 503 (shutting down, or a journal that could not
 * store the task, both with {@code Retry-After}). Anything unexpected is
 * logged and answered with a 500 that carries no stack trace; so is an {@link Error} (a 503
 * {@code out_of_memory} with {@code Retry-After} when the heap was full), which Javalin would
 * otherwise answer with an empty 500.
 */
final class Errors {

    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    /** Seconds a client should wait after a 429 or 503 from the pool before trying again. */
    static final int RETRY_AFTER_SECONDS = 1;

    private Errors() {
    }

    /**
     * Every error answer of the app: the routes' exceptions, a {@link java.lang.Error} in any
     * handler, and what Jetty refuses before any route ({@link JsonErrorHandler}).
     */
    static void register(JavalinConfig cfg, ObjectMapper mapper, long maxBody) {
        register(cfg.routes, maxBody);
        cfg.router.javaLangErrorHandler((res, error) -> fatal(res, error, mapper));
        JsonErrorHandler jsonErrors = new JsonErrorHandler(mapper);
        cfg.jetty.modifyServer(server -> server.setErrorHandler(jsonErrors));
    }

    private static void register(RoutesConfig routes, long maxBody) {
        routes.exception(ApiError.class, (e, ctx) -> send(ctx, e));
        routes.exception(QueueFullException.class, (e, ctx) -> send(ctx, refusal(e)));
        routes.exception(TenantLimitException.class, (e, ctx) -> send(ctx, refusal(e)));
        routes.exception(PoolShutdownException.class, (e, ctx) -> send(ctx, refusal(e)));
        routes.exception(TaskRejectedException.class, (e, ctx) -> send(ctx, refusal(e)));
        routes.exception(PoolException.class, (e, ctx) -> send(ctx, notStored(e, ctx.method() + " " + ctx.path())));
        routes.exception(JournalException.class, (e, ctx) -> send(ctx, unreadable(e, ctx.method() + " " + ctx.path())));
        routes.exception(JacksonException.class, (e, ctx) -> send(ctx, ApiError.badRequest("body",
                "the body is not valid JSON: " + Views.quote(e.getOriginalMessage()))));
        routes.exception(HttpResponseException.class, (e, ctx) -> send(ctx, new ApiError(e.getStatus(),
                statusMessage(ctx, e.getStatus(), e.getMessage(), maxBody), null)));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            send(ctx, new ApiError(500, "internal error; the server log has the details", null));
        });
    }

    /**
     * The error answer to {@code e} thrown by a handler that did not run under the HTTP routes
     * ({@link PoolServer#submit}): the same status and body {@link #register} gives it there.
     */
    static ApiError of(Exception e, String what) {
        return switch (e) {
            case ApiError a -> a;
            case QueueFullException q -> refusal(q);
            case TenantLimitException t -> refusal(t);
            case PoolShutdownException s -> refusal(s);
            case TaskRejectedException r -> refusal(r);
            case PoolException p -> notStored(p, what);
            case JournalException j -> unreadable(j, what);
            case JacksonException j -> ApiError.badRequest("body", "the body is not valid JSON: "
                    + Views.quote(j.getOriginalMessage()));
            default -> {
                log.error("{} failed", what, e);
                yield new ApiError(500, "internal error; the server log has the details", null);
            }
        };
    }

    /**
     * The answer to a task the pool refused: 429 for a full queue or a tenant at its limit, 503
     * while shutting down or when the journal cannot store it, 400 for a task no agent can run.
     */
    static ApiError refusal(PoolException e) {
        return switch (e) {
            case QueueFullException q -> new ApiError(429, q.getMessage(), null).with("reason", "queue_full")
                    .with("depth", q.depth()).with("capacity", q.capacity())
                    .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            case TenantLimitException t -> new ApiError(429, t.getMessage(), null).with("reason", "tenant_limit")
                    .with("tenant", t.tenant()).with("limit", t.limit())
                    .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            case PoolShutdownException s -> draining();
            case TaskRejectedException r -> ApiError.badRequest("type", r.getMessage());
            default -> new ApiError(503, e.getMessage(), null).with("reason", "not_stored")
                    .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        };
    }

    /**
     * A refusal the pool could not otherwise classify, in practice the journal that could not store
     * the task (a database stopped, a disk full): the pool's message names the cause and says to
     * submit again. An expected condition while the journal is down, so one WARN line, no stack trace.
     */
    private static ApiError notStored(PoolException e, String what) {
        log.warn("{} refused with 503: {}", what, e.getMessage());
        return refusal(e);
    }

    /** The answer of a server that may not answer now ({@link PoolServer#refuseWhile}). */
    static ApiError notServing(String why) {
        return new ApiError(503, why, null).with("reason", "not_serving")
                .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
    }

    /**
     * The journal could not be read to answer (a submit's {@code Idempotency-Key} checked against
     * the stored tasks, a list): its database is unreachable or this server's journal was closed or
     * fenced off. Nothing was accepted; like {@code not_stored}, a 503 the client retries.
     */
    private static ApiError unreadable(JournalException e, String what) {
        log.warn("{} refused with 503: {}", what, e.getMessage());
        return new ApiError(503, e.getMessage() + "; nothing was accepted or changed: retry the call (with the same"
                + " Idempotency-Key for a submit)", null).with("reason", "not_stored")
                .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
    }

    static ApiError draining() {
        return new ApiError(503, "the server is shutting down and accepts no new tasks; submit to another instance"
                + " or retry after it restarts", null).with("reason", "shutdown")
                .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
    }

    /**
     * The answer to an {@link Error} thrown while serving a request: 503 {@code out_of_memory}
     * for a full heap (a large result read while tenants' results fill it, say: it may pass), a
     * 500 for any other. Written straight to the response, which Javalin hands over here; nothing
     * if the answer had begun (a stream), as then only the connection's end can tell.
     */
    static void fatal(jakarta.servlet.http.HttpServletResponse res, Error error, ObjectMapper mapper) {
        ApiError answer = of(error, "a request");
        if (res.isCommitted()) {
            return;
        }
        try {
            res.resetBuffer();
            res.setStatus(answer.status());
            res.setContentType("application/json");
            answer.headers().forEach(res::setHeader);
            byte[] body = mapper.writeValueAsBytes(answer.body());
            res.setContentLength(body.length);
            res.getOutputStream().write(body);
        } catch (IOException | RuntimeException | Error e) {
            log.debug("the error answer could not be written: {}", e.toString());
        }
    }

    /** The error answer to an {@link Error}, logged: see {@link #fatal}. */
    static ApiError of(Error error, String what) {
        if (error instanceof OutOfMemoryError) {
            log.error("{} failed: out of memory", what, error);
            return new ApiError(503, "the server ran out of memory answering this request (" + Views.quote(
                    error.getMessage()) + "); try again shortly, and read fewer or smaller results at a time", null)
                    .with("reason", "out_of_memory").header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        }
        log.error("{} failed", what, error);
        return new ApiError(500, "internal error (" + error.getClass().getSimpleName() + "); the server log has the"
                + " details", null);
    }

    static void send(Context ctx, ApiError e) {
        e.headers().forEach(ctx::header);
        Map<String, Object> body = new LinkedHashMap<>(e.body());
        ctx.status(e.status()).json(body);
    }

    private static String statusMessage(Context ctx, int status, String message, long maxBody) {
        return switch (status) {
            case 404 -> "no route " + ctx.method() + " " + Views.quote(ctx.path())
                    + "; the routes are listed in /v1/openapi.json";
            case 405 -> "method " + ctx.method() + " is not allowed on " + Views.quote(ctx.path());
            case 413 -> "the body is larger than the limit of " + maxBody + " bytes; send less";
            case 400 -> "bad request: " + Views.quote(message);
            default -> message;
        };
    }
}
