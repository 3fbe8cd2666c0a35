/**
 * OpenTelemetry tracing for a Trinity pool: {@link io.trinity.pool.opentelemetry.PoolTracing}.
 */
module io.trinity.pool.opentelemetry {
    requires transitive io.trinity.pool;
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;

    exports io.trinity.pool.opentelemetry;
}
