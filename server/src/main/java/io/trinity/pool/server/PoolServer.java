package io.trinity.pool.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.time.PoolClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pool as a service: HTTP API v1, Server-Sent Events, the dashboard and {@code /metrics}
 * over one {@link AgentPool}, built on the pool's public API only.
 *
 * <pre>{@code
 * PoolBuilder pool = AgentPool.builder().config(config);
 * List<String> types = ServerAgents.registerBuiltIns(pool);
 * try (PoolServer server = PoolServer.builder().pool(pool, types).keys(ApiKeys.read(file)).build().start()) {
 *     System.out.println(server.url());
 *     server.stopped().join();
 * }
 * }</pre>
 *
 * <p>Life: {@link Builder#build()} builds the pool with the server's event listener on it;
 * {@link #start()} binds; {@link #drain(Duration)} stops accepting tasks ({@code /readyz}
 * answers 503, submissions 503), lets the pool finish for up to the drain, cancels the rest,
 * ends the event streams and stops HTTP. Reads keep working while it drains.
 */
public final class PoolServer implements AutoCloseable {

    /** Default drain of {@link #close()}: the seed default of {@code tri serve --drain}. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

    private final AgentPool pool;
    private final Javalin app;
    private final EventFeed feed;
    private final Metrics metrics;
    private final ApiKeys keys;
    private final String host;
    private final Auth auth;
    private final TaskRoutes tasks;
    private final EventStream events;
    private final ObjectMapper mapper;
    private final long maxBody;
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Set once the pool has shut down: its loop answers no more reads. */
    private volatile boolean poolStopped;
    private final CompletableFuture<ShutdownReport> stopped = new CompletableFuture<>();
    /** Why this server may not answer API calls now, or null ({@link #refuseWhile}). */
    private volatile java.util.function.Supplier<String> refusal = () -> null;

    private PoolServer(Builder b) {
        this.keys = b.keys != null ? b.keys : ApiKeys.generated("admin");
        this.host = b.bind;
        PoolTime time = new PoolTime(b.clock, Instant.now());
        TaskIndex index = new TaskIndex(b.retention, b.maxTasks, time);
        this.feed = new EventFeed(time, b.eventBuffer, b.subscriberBuffer, b.maxTasks, b.retention);
        this.metrics = new Metrics();
        io.trinity.pool.journal.Journal journal = b.pool.journal().orElse(null);
        this.pool = b.pool.listener(feed).listener(Metrics.poolMeters(metrics.registry())).build();
        metrics.runningGauge(pool, () -> poolStopped);
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.mapper = mapper;
        this.maxBody = b.maxBody;
        Auth auth = new Auth(keys, new RateLimiter(b.ratePerSecond, b.rateBurst, System::nanoTime));
        this.auth = auth;
        // what a tenant key may read of the pool's texts: their tasks' tenants from the index, else the feed's
        EventFeed eventFeed = feed;
        Redaction redaction = new Redaction(id -> {
            TaskIndex.Tracked t = index.get(id);
            return t != null ? t.tenant : eventFeed.tenantOf(id);
        });
        TaskRoutes tasks = new TaskRoutes(pool, index, feed, new Idempotency(b.retention, b.maxTasks),
                new TaskRequests(mapper, b.types), mapper, draining::get,
                journal == null ? null : new JournalTasks(journal, pool), redaction);
        this.tasks = tasks;
        feed.onSubmitted(tasks::adopt); // a coordinator's subtasks are its tenant's tasks too
        tasks.adoptRecovered(); // and so are the tasks recovered before adopt was listening
        AdminRoutes admin = new AdminRoutes(pool, index, feed, time, keys.tenants(), draining::get);
        EventStream events = new EventStream(feed, b.heartbeat, redaction);
        this.events = events;
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.jetty.host = b.bind;
            cfg.jetty.port = b.port;
            cfg.http.maxRequestSize = b.maxBody;
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/dashboard";
                s.location = Location.CLASSPATH;
            });
            cfg.requestLogger.http(metrics::record);
            // every error is JSON: the routes', an Error's, and what Jetty refuses before any route
            Errors.register(cfg, mapper, b.maxBody);
            // checked when a call comes and again when its answer is made (a long poll may outlive the reason to serve)
            cfg.routes.before("/v1/*", ctx -> {
                String why = refusal.get();
                if (why != null) {
                    throw Errors.notServing(why);
                }
            });
            cfg.routes.after("/v1/*", ctx -> {
                String why = refusal.get();
                if (why != null && !ctx.res().isCommitted()) {
                    Errors.send(ctx, Errors.notServing(why));
                }
            });
            Routes.register(cfg.routes, auth, tasks, admin, events, metrics, draining::get, time);
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and serves; on failure the pool is shut down before the exception leaves. */
    public PoolServer start() {
        try {
            app.start();
            return this;
        } catch (RuntimeException e) {
            pool.shutdown(Duration.ZERO).join();
            poolStopped = true;
            metrics.close();
            throw e;
        }
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** The base URL, such as {@code http://127.0.0.1:8080/}. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port() + "/";
    }

    /** An answer to a call made without HTTP ({@link #submit}): status, headers, and a JSON body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public Answer {
            headers = Map.copyOf(headers);
        }
    }

    /**
     * {@code POST /v1/tasks} without going through this server's HTTP port: for a cluster node's
     * front, which took the request itself and would otherwise relay it over HTTP to the
     * scheduler's server (docs/cluster.md, "Submits"). The same checks, in the same order, as the
     * route: the bearer key ({@code authorization} is the header's value), the key's request rate,
     * draining, the body's size and contents, the idempotency key; the same answer (status,
     * {@code Location}, {@code Retry-After} where the route sends one, body), counted in
     * {@code http.server.requests} as the route is.
     *
     * @param idempotencyKey the {@code Idempotency-Key} header, or null
     * @param origin the {@code X-Trinity-Origin} header (the node the call came in on), or null
     */
    public Answer submit(String authorization, String idempotencyKey, String origin, byte[] body) {
        return direct("POST", "/v1/tasks", headers -> {
            Principal p = auth.authenticate(authorization, false);
            if (draining.get()) {
                throw Errors.draining();
            }
            if (body.length > maxBody) {
                throw new ApiError(413, "the body is larger than the limit of " + maxBody + " bytes; send less", null);
            }
            TaskRoutes.Accepted a = tasks.submit(p, body, origin, idempotencyKey);
            headers.put("Location", a.location());
            return new Reply(a.status(), a.body());
        });
    }

    /**
     * {@code GET /v1/tasks/{id}}, with {@code ?wait=} when {@code wait} is not null, without going
     * through this server's HTTP port: for a cluster node's front, as {@link #submit}. The route's
     * checks (key, rate, the task visible to the key, the wait's bounds) and its answer; a long
     * poll blocks the calling thread for up to the wait.
     *
     * @param id the path's id as sent (an id that is not a number is a 404, as on the route)
     */
    public Answer read(String authorization, String id, String wait) {
        return direct("GET", "/v1/tasks/{id}",
                headers -> new Reply(200, tasks.read(auth.authenticate(authorization, false), id, wait)));
    }

    /** What a direct call's handler answers when it does not throw. */
    record Reply(int status, Object json) {
    }

    /** A direct call's handler: it may add headers, and throws what the route's handler throws. */
    interface Handler {
        Reply handle(Map<String, String> headers) throws Exception;
    }

    /**
     * Runs a call made without HTTP as its route runs: a thrown refusal answered by
     * {@link Errors#of} as the route's exception handlers answer it, a JSON body, and the request
     * counted in {@code http.server.requests} under the route's template.
     */
    Answer direct(String method, String route, Handler handler) {
        long began = System.nanoTime();
        Map<String, String> headers = new LinkedHashMap<>();
        int status;
        Object json;
        try {
            String why = refusal.get();
            if (why != null) {
                throw Errors.notServing(why);
            }
            Reply r = handler.handle(headers);
            why = refusal.get();
            if (why != null) {
                headers.clear();
                throw Errors.notServing(why);
            }
            status = r.status();
            json = r.json();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // answered as the route answers it: a 500
            }
            ApiError error = Errors.of(e, method + " " + route + " (relayed by a cluster node)");
            headers.putAll(error.headers());
            status = error.status();
            json = error.body();
        } catch (Error e) { // a full heap, say: answered as the route's Error handler answers it
            ApiError error = Errors.of(e, method + " " + route + " (relayed by a cluster node)");
            headers.putAll(error.headers());
            status = error.status();
            json = error.body();
        }
        headers.put("Content-Type", "application/json");
        Answer a;
        try {
            a = new Answer(status, headers, mapper.writeValueAsBytes(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the answer to " + method + " " + route + " did not turn into JSON", e);
        }
        metrics.record(method, route, a.status(), System.nanoTime() - began);
        return a;
    }

    /**
     * Makes every call under {@code /v1} (and {@link #submit}, {@link #read}) answer 503 with
     * {@code Retry-After} and {@code reason: not_serving} while {@code reason} returns a message,
     * checked when the call comes and again when its answer is made: for a cluster's scheduler
     * whose lease is no longer sure, so that it never answers from a pool another node may have
     * replaced (docs/cluster.md). {@code /healthz}, {@code /readyz} and {@code /metrics} still answer.
     *
     * @param reason why the server may not answer now, or null while it may; called on every call, so quick
     * @return this server
     */
    public PoolServer refuseWhile(java.util.function.Supplier<String> reason) {
        this.refusal = java.util.Objects.requireNonNull(reason, "reason");
        return this;
    }

    /** The event stream route, for tests that count what it sends. */
    EventStream events() {
        return events;
    }

    /** The HTTP app, for tests that compare its routes with the OpenAPI document. */
    Javalin app() {
        return app;
    }

    public AgentPool pool() {
        return pool;
    }

    /** The admin key generated at start when no keys were given; print it once. */
    public Optional<String> generatedAdminKey() {
        return keys.generatedAdminKey();
    }

    public boolean isDraining() {
        return draining.get();
    }

    /**
     * Stops accepting, drains the pool for up to {@code drain}, cancels what is left, ends the
     * event streams and stops HTTP. The first call does it; later ones wait for it.
     */
    public ShutdownReport drain(Duration drain) {
        Objects.requireNonNull(drain, "drain");
        if (draining.compareAndSet(false, true)) {
            try {
                ShutdownReport report = pool.shutdown(drain).join();
                poolStopped = true;
                feed.close();
                app.stop();
                metrics.close();
                stopped.complete(report);
            } catch (RuntimeException | Error e) {
                stopped.completeExceptionally(e);
                throw e;
            }
        }
        return stopped.join();
    }

    /** Completes with the pool's shutdown report once the server has stopped. */
    public CompletableFuture<ShutdownReport> stopped() {
        return stopped.copy();
    }

    /** {@link #drain} with {@link #DEFAULT_DRAIN}. */
    @Override
    public void close() {
        drain(DEFAULT_DRAIN);
    }

    /** Settings of a server; {@link #pool} is required. */
    public static final class Builder {
        private PoolBuilder pool;
        private Set<String> types;
        private PoolClock clock = PoolClock.system();
        private ApiKeys keys;
        private String bind = "127.0.0.1";
        private int port = 8080;
        private double ratePerSecond = 50;
        private int rateBurst = 100;
        private long maxBody = 1 << 20;
        private int eventBuffer = 10_000;
        private int subscriberBuffer = 4_096;
        private int maxTasks = 100_000;
        private Duration retention = Duration.ofHours(24);
        private Duration heartbeat = Duration.ofSeconds(15);

        private Builder() {
        }

        /**
         * The pool to serve, not yet built, and the agent types registered on it (the API
         * accepts tasks of these types only). The server adds its event listener and builds it.
         */
        public Builder pool(PoolBuilder pool, Collection<String> types) {
            this.pool = Objects.requireNonNull(pool, "pool");
            if (types == null || types.isEmpty()) {
                throw new IllegalArgumentException("types must name at least one registered agent type");
            }
            this.types = Set.copyOf(types);
            return this;
        }

        /** The pool's clock, so event times and timestamps agree with it (default: the system clock). */
        public Builder clock(PoolClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The accepted keys; without them one admin key is generated ({@link #generatedAdminKey()}). */
        public Builder keys(ApiKeys keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /** Address to bind (default 127.0.0.1). Anything but loopback needs {@link #keys}. */
        public Builder bind(String host) {
            this.bind = Objects.requireNonNull(host, "bind");
            return this;
        }

        /** Port (default 8080; 0 picks a free one). */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535 (got " + port + ")");
            }
            this.port = port;
            return this;
        }

        /** Requests a second per key, with bursts (default 50/s, burst 100); 0 per second turns it off. */
        public Builder rateLimit(double perSecond, int burst) {
            new RateLimiter(perSecond, burst, System::nanoTime);
            this.ratePerSecond = perSecond;
            this.rateBurst = burst;
            return this;
        }

        /** Largest request body in bytes (default 1 MiB); larger ones get 413. */
        public Builder maxBody(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxBody must be >= 1024 bytes (got " + bytes + ")");
            }
            this.maxBody = bytes;
            return this;
        }

        /** Events kept for {@code Last-Event-ID} resumption (default 10,000). */
        public Builder eventBuffer(int events) {
            if (events < 16) {
                throw new IllegalArgumentException("eventBuffer must be >= 16 (got " + events + ")");
            }
            this.eventBuffer = events;
            return this;
        }

        /**
         * How long tasks and idempotency keys are remembered (default 24 h) and at most how
         * many (default 100,000); the oldest go first.
         */
        public Builder retention(Duration retention, int maxTasks) {
            if (retention == null || retention.isNegative() || retention.isZero() || maxTasks < 1) {
                throw new IllegalArgumentException("retention must be > 0 with maxTasks >= 1 (got " + retention
                        + ", " + maxTasks + ")");
            }
            this.retention = retention;
            this.maxTasks = maxTasks;
            return this;
        }

        /** Interval of the keep-alive comment on event streams (default 15 s). */
        public Builder heartbeat(Duration heartbeat) {
            if (heartbeat == null || heartbeat.toMillis() < 1) {
                throw new IllegalArgumentException("heartbeat must be >= 1ms (got " + heartbeat + ")");
            }
            this.heartbeat = heartbeat;
            return this;
        }

        /** Builds the pool and the server (not yet bound); refuses a non-loopback bind without keys. */
        public PoolServer build() {
            if (pool == null) {
                throw new IllegalStateException("pool(builder, types) is required");
            }
            if (keys == null && !isLoopback(bind)) {
                throw new IllegalStateException("refusing to bind " + bind + " without a keys file: anyone who can"
                        + " reach it could use the pool. Give --keys FILE, or bind 127.0.0.1");
            }
            return new PoolServer(this);
        }

        private static boolean isLoopback(String host) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bind address " + host + " does not resolve (" + e.getMessage() + ")", e);
            }
        }
    }
}
