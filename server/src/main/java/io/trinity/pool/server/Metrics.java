package io.trinity.pool.server;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.agent.AgentState;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What {@code GET /metrics} shows: JVM and process meters, one timer of HTTP requests by
 * method, route template and status, and the pool's meters ({@link #bindPool}).
 */
final class Metrics implements AutoCloseable {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    String scrape() {
        return registry.scrape();
    }

    /** Records one request; the route is the matched template, so ids do not explode the series. */
    void record(Context ctx, Float millis) {
        Timer.builder("http.server.requests")
                .description("HTTP requests served")
                .tag("method", ctx.method().name())
                .tag("route", route(ctx))
                .tag("status", String.valueOf(ctx.statusCode()))
                .register(registry)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private static String route(Context ctx) {
        try {
            Endpoint e = ctx.endpoints().lastHttpEndpoint();
            return e != null ? e.path : ctx.statusCode() == 404 ? "NOT_FOUND" : "static";
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * MERGE POINT: the pool's meters. Until the {@code micrometer} module's
     * {@code TrinityPoolMetrics} binder lands, a few gauges read from {@link AgentPool#snapshot()};
     * then this body becomes {@code new TrinityPoolMetrics(pool).bindTo(registry)}.
     */
    static void bindPool(AgentPool pool, MeterRegistry registry) {
        // Gauges hold their state weakly; nothing else holds this supplier, hence strongReference.
        Supplier<PoolSnapshot> snapshot = memoized(pool::snapshot, Duration.ofMillis(500));
        for (AgentState state : AgentState.values()) {
            Gauge.builder("trinity.pool.agents", snapshot, s -> s.get().count(state)).strongReference(true)
                    .description("live agents by state").tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder("trinity.pool.queue.size", snapshot, s -> s.get().queued()).strongReference(true)
                .description("tasks waiting in the queue").register(registry);
        Gauge.builder("trinity.pool.tasks.running", snapshot, s -> s.get().running()).strongReference(true)
                .description("attempts in flight").register(registry);
    }

    /** One snapshot serves every gauge of a scrape: each snapshot is a trip through the pool's loop. */
    private static <T> Supplier<T> memoized(Supplier<T> source, Duration ttl) {
        return new Supplier<>() {
            private T value;
            private long at;

            @Override
            public synchronized T get() {
                long now = System.nanoTime();
                if (value == null || now - at > ttl.toNanos()) {
                    value = source.get();
                    at = now;
                }
                return value;
            }
        };
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
