package io.trinity.pool.server;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trinity.pool.AgentPool;
import io.trinity.pool.micrometer.TrinityPoolMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * What {@code GET /metrics} shows: JVM and process meters, one timer of HTTP requests by
 * method, route template and status, and the pool's meters ({@link #poolMeters}).
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
        record(ctx.method().name(), route(ctx), ctx.statusCode(), (long) (millis * 1_000_000L));
    }

    /** Records one request that a cluster node's front relayed without HTTP, as the route would have. */
    void record(String method, String route, int status, long nanos) {
        Timer.builder("http.server.requests")
                .description("HTTP requests served")
                .tag("method", method)
                .tag("route", route)
                .tag("status", String.valueOf(status))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The route a request is counted under: the template of the route it matched, also when a
     * before-handler (key, rate, role, Accept, Last-Event-ID) refused it so the route's own
     * handler never ran; {@code static} for a dashboard file; {@code unmatched} for anything else.
     * Never the raw path, so a client cannot make new series.
     */
    static String route(Context ctx) {
        try {
            Endpoint e = ctx.endpoints().lastHttpEndpoint();
            if (e == null) {
                e = ctx.endpoints().matchedHttpEndpoint();
            }
            if (e != null) {
                return e.path;
            }
        } catch (RuntimeException e) {
            return UNMATCHED;
        }
        return ctx.statusCode() < 400 ? "static" : UNMATCHED;
    }

    /** The route label of a request no route matched. */
    static final String UNMATCHED = "unmatched";

    /**
     * The server's own pool gauge, {@code trinity.pool.tasks.running}: attempts running now, read
     * from the pool's snapshot at each scrape (one read on the pool's loop). Once the pool has
     * stopped ({@code stopped}) it reads 0 instead of asking a loop that no longer answers.
     */
    void runningGauge(AgentPool pool, java.util.function.BooleanSupplier stopped) {
        Gauge.builder("trinity.pool.tasks.running", pool, p -> stopped.getAsBoolean() ? 0 : p.snapshot().running())
                .description("Tasks running now (the pool's snapshot)")
                .strongReference(true)
                .register(registry);
    }

    /**
     * The pool's meters (docs/observability.md: {@code trinity.pool.agents{type,state}},
     * {@code trinity.pool.queue.size{type}}, {@code trinity.pool.tasks{type,outcome}}, ...) bound
     * to {@code registry}: the Micrometer binder, registered on the pool as a listener.
     */
    static TrinityPoolMetrics poolMeters(MeterRegistry registry) {
        TrinityPoolMetrics meters = TrinityPoolMetrics.create();
        meters.bindTo(registry);
        return meters;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
