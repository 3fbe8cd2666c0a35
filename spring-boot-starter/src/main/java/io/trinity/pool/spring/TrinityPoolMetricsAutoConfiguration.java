package io.trinity.pool.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;

/**
 * PLACEHOLDER, to finish when the {@code micrometer} module ({@code trinity-pool-micrometer})
 * lands: binds its meters ({@code trinity.pool.agents}, {@code trinity.pool.tasks}, ...) to the
 * auto-configured pool. Until then this class is inert: its condition names the binder class by
 * string, so nothing here needs that module, and without it the condition is false.
 *
 * <p>To finish: add {@code trinity-pool-micrometer} as an optional dependency, then declare the
 * binder here as a bean the pool picks up, as a {@code PoolListener} if the binder is one (every
 * PoolListener bean is registered on the pool) or as a {@link TrinityPoolBuilderCustomizer}, e.g.
 * <pre>{@code
 * @Bean
 * TrinityPoolMetrics trinityPoolMetrics(MeterRegistry registry) { return new TrinityPoolMetrics(registry, ...); }
 * }</pre>
 * and test it with a {@code SimpleMeterRegistry} bean.
 */
@AutoConfiguration(after = TrinityPoolAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(name = "io.trinity.pool.micrometer.TrinityPoolMetrics")
@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
public class TrinityPoolMetricsAutoConfiguration {
}
