package io.trinity.pool.spring;

import io.trinity.pool.AgentPool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code trinityPool} health contributor, where actuator's health support is on the class
 * path; {@code management.health.trinity-pool.enabled=false} turns it off.
 *
 * <p>With one {@link AgentPool} bean it is that pool's {@link TrinityPoolHealthIndicator}, which
 * reads the {@link TrinityPoolCircuits} bean. With several, as Spring Boot does for several data
 * sources, it is a composite with one indicator per pool under the pool's bean name
 * ({@code trinityPool/poolA}); the one {@code TrinityPoolCircuits} bean cannot tell whose circuit
 * opened, so those indicators leave circuits out. Declare your own
 * {@code TrinityPoolHealthIndicator} beans, each with its pool's circuits, to have them: the
 * contributor then backs off.
 */
@AutoConfiguration(after = TrinityPoolAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(AgentPool.class)
@ConditionalOnEnabledHealthIndicator("trinity-pool")
public class TrinityPoolHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(value = TrinityPoolHealthIndicator.class, name = "trinityPoolHealthIndicator")
    HealthContributor trinityPoolHealthIndicator(Map<String, AgentPool> pools,
                                                 ObjectProvider<TrinityPoolCircuits> circuits) {
        if (pools.size() == 1) {
            AgentPool pool = pools.values().iterator().next();
            TrinityPoolCircuits known = circuits.getIfUnique();
            return known == null ? new TrinityPoolHealthIndicator(pool) : new TrinityPoolHealthIndicator(pool, known);
        }
        Map<String, HealthContributor> byName = new LinkedHashMap<>();
        new TreeMap<>(pools).forEach((name, pool) -> byName.put(name, new TrinityPoolHealthIndicator(pool)));
        return CompositeHealthContributor.fromMap(byName);
    }
}
