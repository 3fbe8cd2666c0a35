package io.trinity.pool.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.trinity.pool.micrometer.TrinityPoolMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds the pool's meters ({@code trinity.pool.agents}, {@code trinity.pool.tasks}, ... see
 * docs/observability.md) to the application's {@link MeterRegistry} when
 * {@code trinity-pool-micrometer} is on the class path and a registry exists. The binder is a
 * {@code PoolListener} bean, so the auto-configured pool registers it like any other listener.
 * It is closed with the context, which removes the pool's meters from the registry, so a pool
 * built again with the same registry (a refreshed or restarted context) reports its own values.
 */
@AutoConfiguration(before = TrinityPoolAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(name = "io.trinity.pool.micrometer.TrinityPoolMetrics")
@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
public class TrinityPoolMetricsAutoConfiguration {

    /** Closed with the context, after the pool: its meters leave the registry with it. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    TrinityPoolMetrics trinityPoolMetrics(MeterRegistry registry) {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.create();
        metrics.bindTo(registry);
        return metrics;
    }
}
