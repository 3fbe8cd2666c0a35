/**
 * Micrometer meters for a Trinity pool: {@link io.trinity.pool.micrometer.TrinityPoolMetrics}.
 */
module io.trinity.pool.micrometer {
    requires transitive io.trinity.pool;
    requires transitive micrometer.core;

    exports io.trinity.pool.micrometer;
}
