package io.trinity.pool.spring;

import io.trinity.pool.PoolBuilder;

/**
 * Changes the {@link PoolBuilder} before the auto-configured pool is built: balancers, spawning
 * strategies, executors, the clock. Agent types and listeners need no customizer: every
 * {@link io.trinity.pool.AgentType} and {@link io.trinity.pool.event.PoolListener} bean is
 * registered already. Every bean of this type is applied, in
 * {@link org.springframework.core.annotation.Order}.
 */
@FunctionalInterface
public interface TrinityPoolBuilderCustomizer {

    void customize(PoolBuilder builder);
}
