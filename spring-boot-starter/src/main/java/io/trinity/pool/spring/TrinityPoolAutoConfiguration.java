package io.trinity.pool.spring;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolConfigLoader;
import io.trinity.pool.event.PoolListener;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * An {@link AgentPool} from {@code trinity.pool.*} properties (the keys of
 * {@link io.trinity.pool.PoolConfigLoader}, read by {@link PoolConfig#from(java.util.Map)}),
 * running every {@link AgentType} bean and feeding every {@link PoolListener} bean. The pool
 * is closed with the context: new tasks are refused, accepted ones get up to 30 s to finish.
 *
 * <p>Each bean backs off when the application declares its own. A bad property fails startup
 * with {@link InvalidPoolPropertiesException} naming the key and the value, an unknown
 * {@code trinity.pool.balancer} included.
 */
@AutoConfiguration
public class TrinityPoolAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PoolConfig trinityPoolConfig(Environment environment, ObjectProvider<TrinityPoolConfigCustomizer> customizers) {
        PoolProperties properties = PoolProperties.read(environment);
        PoolConfig.Builder config;
        try {
            config = PoolConfig.from(properties.values());
        } catch (IllegalArgumentException e) {
            throw new InvalidPoolPropertiesException("invalid trinity.pool property: " + properties.withOrigin(e.getMessage()), e);
        }
        customizers.orderedStream().forEach(c -> c.customize(config));
        try {
            return config.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidPoolPropertiesException("invalid trinity.pool settings: " + e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    TrinityPoolCircuits trinityPoolCircuits() {
        return new TrinityPoolCircuits();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    AgentPool trinityAgentPool(PoolConfig config, ObjectProvider<AgentType> types, ObjectProvider<PoolListener> listeners,
                               ObjectProvider<TrinityPoolBuilderCustomizer> customizers, Environment environment) {
        List<AgentType> all = types.orderedStream().toList();
        if (all.isEmpty()) {
            throw new IllegalStateException("the Trinity pool has no agent types: declare at least one AgentType bean,"
                    + " such as @Bean AgentType shout() { return AgentType.of(\"shout\", init -> ctx -> ...); }");
        }
        PoolBuilder builder = AgentPool.builder().config(config);
        all.forEach(builder::register);
        listeners.orderedStream().forEach(builder::listener);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw unknownBalancer(e, config, environment);
        }
    }

    /**
     * {@link PoolBuilder#build()} refuses a config whose balancer is not registered, which only the
     * builder can know (a customizer may register more): say so as a bad property, with its origin.
     */
    private static RuntimeException unknownBalancer(IllegalArgumentException e, PoolConfig config,
                                                    Environment environment) {
        String balancer = config.balancer();
        String text = e.getMessage();
        // the pool may name the property the name came from first ("trinity.pool.balancer: "); the
        // report below names it with its origin instead
        int at = text == null ? -1 : text.indexOf("balancer '" + balancer + "' ");
        if (at < 0 || (at > 0 && !text.startsWith(": ", at - 2))) {
            return e;
        }
        text = text.substring(at);
        String message = text + " in a TrinityPoolBuilderCustomizer bean";
        String key = PoolConfigLoader.PREFIX + "balancer";
        PoolProperties properties = PoolProperties.read(environment);
        if (balancer.equals(properties.values().get(key))) {
            return new InvalidPoolPropertiesException("invalid trinity.pool property: "
                    + properties.withOrigin(key + ": " + message), e);
        }
        return new InvalidPoolPropertiesException("invalid trinity.pool settings: " + message
                + " (the name was set by a TrinityPoolConfigCustomizer or PoolConfig bean, not by trinity.pool.balancer)", e);
    }
}
