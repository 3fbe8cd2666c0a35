/**
 * Micrometer meters for a pool, computed from its {@link io.trinity.pool.event.PoolEvent}s:
 * {@link io.trinity.pool.micrometer.TrinityPoolMetrics} is both the pool's listener and a
 * Micrometer {@code MeterBinder}. The meters are listed in {@code docs/observability.md}.
 */
package io.trinity.pool.micrometer;
