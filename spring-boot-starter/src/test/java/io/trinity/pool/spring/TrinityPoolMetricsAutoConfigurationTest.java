package io.trinity.pool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.micrometer.TrinityPoolMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class TrinityPoolMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TrinityPoolMetricsAutoConfiguration.class,
                    TrinityPoolAutoConfiguration.class))
            .withPropertyValues("trinity.pool.warm-pool=0");

    @Configuration(proxyBeanMethods = false)
    static class EchoAndRegistry {
        @Bean
        AgentType echo() {
            return AgentType.of("echo", init -> ctx -> Payload.of(ctx.data()));
        }

        @Bean
        MeterRegistry registry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class EchoOnly {
        @Bean
        AgentType echo() {
            return AgentType.of("echo", init -> ctx -> Payload.of(ctx.data()));
        }
    }

    @Test
    void theMetersOfTheAutoConfiguredPoolReachTheApplicationsRegistry() {
        runner.withUserConfiguration(EchoAndRegistry.class).run(ctx -> {
            AgentPool pool = ctx.getBean(AgentPool.class);
            pool.submit(Task.of("echo", Map.of("n", 1))).result().get(30, TimeUnit.SECONDS);
            pool.shutdown(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS); // every event delivered
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            assertThat(registry.get(TrinityPoolMetrics.TASKS).tag("type", "echo").tag("outcome", "succeeded")
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.find(TrinityPoolMetrics.SPAWNS).meters()).isNotEmpty();
        });
    }

    @Test
    void closingTheContextRemovesThePoolsMetersSoTheNextContextReportsItsOwn() {
        SimpleMeterRegistry shared = new SimpleMeterRegistry();
        ApplicationContextRunner sharing = runner.withUserConfiguration(EchoOnly.class)
                .withBean("shared", MeterRegistry.class, () -> shared,
                        bd -> bd.setDestroyMethodName("")); // outlives each context, as a registry kept across restarts
        sharing.run(ctx -> {
            assertThat(succeededAfter(ctx.getBean(AgentPool.class), 2, shared)).isEqualTo(2.0);
        });
        assertThat(shared.getMeters()).as("the closed pool's meters left with its context").isEmpty();
        sharing.run(ctx -> {
            assertThat(succeededAfter(ctx.getBean(AgentPool.class), 1, shared)).as("the new pool's count").isEqualTo(1.0);
        });
    }

    /** Runs {@code n} tasks on {@code pool}, shuts it down (every event delivered) and reads its succeeded count. */
    private static double succeededAfter(AgentPool pool, int n, MeterRegistry registry) throws Exception {
        for (int i = 0; i < n; i++) {
            pool.submit(Task.of("echo", Map.of("n", i))).result().get(30, TimeUnit.SECONDS);
        }
        pool.shutdown(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
        return registry.get(TrinityPoolMetrics.TASKS).tag("type", "echo").tag("outcome", "succeeded")
                .functionCounter().count();
    }

    @Test
    void withoutARegistryNoBinderIsMade() {
        runner.withUserConfiguration(EchoOnly.class)
                .run(ctx -> assertThat(ctx).doesNotHaveBean(TrinityPoolMetrics.class).hasSingleBean(AgentPool.class));
    }
}
