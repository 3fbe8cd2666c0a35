package io.trinity.pool.spring;

import io.trinity.pool.AgentPool;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code trinityPool} health contributor, where actuator's health support is on the class
 * path; {@code management.health.trinity-pool.enabled=false} turns it off.
 */
@AutoConfiguration(after = TrinityPoolAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({AgentPool.class, TrinityPoolCircuits.class})
@ConditionalOnEnabledHealthIndicator("trinity-pool")
public class TrinityPoolHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "trinityPoolHealthIndicator")
    TrinityPoolHealthIndicator trinityPoolHealthIndicator(AgentPool pool, TrinityPoolCircuits circuits) {
        return new TrinityPoolHealthIndicator(pool, circuits);
    }
}
