package io.trinity.pool.spring;

import io.trinity.pool.PoolConfig;

/**
 * Changes the pool settings read from {@code trinity.pool.*} properties before they are built:
 * the place for structured settings that have no key (tenants, resource limits, prices).
 * Every bean of this type is applied, in {@link org.springframework.core.annotation.Order}.
 */
@FunctionalInterface
public interface TrinityPoolConfigCustomizer {

    void customize(PoolConfig.Builder config);
}
