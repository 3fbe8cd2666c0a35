package io.trinity.pool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class TrinityPoolAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TrinityPoolAutoConfiguration.class,
                    TrinityPoolHealthAutoConfiguration.class, TrinityPoolMetricsAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class Agents {
        @Bean
        AgentType shout() {
            return AgentType.of("shout", init -> ctx -> Payload.of(Map.of("text",
                    ctx.data().get("text").toString().toUpperCase(Locale.ROOT))));
        }

        @Bean
        AgentType count() {
            return AgentType.of("count", init -> ctx -> Payload.of(Map.of("words",
                    ctx.data().get("text").toString().split("\\s+").length)));
        }
    }

    @Test
    void buildsThePoolFromProperties() {
        runner.withUserConfiguration(Agents.class)
                .withPropertyValues("trinity.pool.max-agents=4", "trinity.pool.idle-timeout=90s",
                        "trinity.pool.balancer=round-robin", "trinity.pool.queueCapacity=7")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed().hasSingleBean(AgentPool.class).hasSingleBean(PoolConfig.class);
                    PoolConfig c = ctx.getBean(AgentPool.class).config();
                    assertThat(c.maxAgents()).isEqualTo(4);
                    assertThat(c.warmPoolMax()).as("a small pool fits its defaults").isEqualTo(4);
                    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(c.balancer()).isEqualTo("round-robin");
                    assertThat(c.queueCapacity()).as("Spring's relaxed spelling").isEqualTo(7);
                });
    }

    @Test
    void noPropertiesGiveTheSeedDefaults() {
        runner.withUserConfiguration(Agents.class).run(ctx ->
                assertThat(ctx.getBean(PoolConfig.class).toString()).isEqualTo(PoolConfig.ofDefaults().toString()));
    }

    @Test
    void environmentVariablesBindAsSpringBindsThem() {
        runner.withUserConfiguration(Agents.class)
                .withInitializer(ctx -> ctx.getEnvironment().getPropertySources().replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of("TRINITY_POOL_MAX_AGENTS", "5", "TRINITY_POOL_STUCK_AFTER", "PT45S"))))
                .withPropertyValues("trinity.pool.max-agents=3")
                .run(ctx -> {
                    PoolConfig c = ctx.getBean(PoolConfig.class);
                    assertThat(c.maxAgents()).as("a test property outranks the environment, as in Spring").isEqualTo(3);
                    assertThat(c.stuckAfter()).isEqualTo(Duration.ofSeconds(45));
                });
    }

    @Test
    void everyAgentTypeBeanIsRegisteredAndRuns() {
        runner.withUserConfiguration(Agents.class).run(ctx -> {
            AgentPool pool = ctx.getBean(AgentPool.class);
            Payload shouted = pool.submit(Task.of("shout", Map.of("text", "hello"))).result().get(30, TimeUnit.SECONDS);
            Payload counted = pool.submit(Task.of("count", Map.of("text", "one two three"))).result().get(30, TimeUnit.SECONDS);
            assertThat(shouted.data()).isEqualTo(Map.of("text", "HELLO"));
            assertThat(counted.data()).isEqualTo(Map.of("words", 3L));
        });
    }

    @Test
    void listenerBeansAndCustomizersAreApplied() {
        List<PoolEvent> events = new CopyOnWriteArrayList<>();
        runner.withUserConfiguration(Agents.class)
                .withBean("recorder", PoolListener.class, () -> events::add)
                .withBean(TrinityPoolConfigCustomizer.class, () -> c -> c.maxAttempts(1))
                .withBean(TrinityPoolBuilderCustomizer.class, () -> b -> b.balancer("mine",
                        io.trinity.pool.balance.Balancers.builtIn().get("round-robin")))
                .run(ctx -> {
                    AgentPool pool = ctx.getBean(AgentPool.class);
                    assertThat(pool.config().maxAttempts()).isEqualTo(1);
                    pool.submit(Task.builder("shout").input(Map.of("text", "x")).balancer("mine").build())
                            .result().get(30, TimeUnit.SECONDS);
                    assertThat(events).anyMatch(e -> e instanceof PoolEvent.TaskDispatched d && d.balancer().equals("mine"));
                });
    }

    @Test
    void aBadPropertyFailsStartupNamingKeyAndValue() {
        runner.withUserConfiguration(Agents.class).withPropertyValues("trinity.pool.max-agent=4").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().isInstanceOf(IllegalArgumentException.class);
            assertThat(ctx.getStartupFailure()).hasRootCauseMessage("unknown setting trinity.pool.max-agent;"
                    + " did you mean trinity.pool.max-agents? (every key is listed in docs/configuration.md)");
        });
        runner.withUserConfiguration(Agents.class).withPropertyValues("trinity.pool.idle-timeout=soon").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasMessageContaining(
                        "invalid trinity.pool property: trinity.pool.idle-timeout: 'soon' is not a duration"));
        runner.withUserConfiguration(Agents.class)
                .withPropertyValues("trinity.pool.max-agents=2", "trinity.pool.warm-pool=3").run(ctx ->
                        assertThat(ctx.getStartupFailure()).hasMessageContaining(
                                "maxAgents must be >= warmPool (got maxAgents=2, warmPool=3)"));
        runner.withUserConfiguration(Agents.class)
                .withInitializer(ctx -> ctx.getEnvironment().getPropertySources().replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of("TRINITY_POOL_WARM_POOLS", "1"))))
                .run(ctx -> assertThat(ctx.getStartupFailure()).hasMessageContaining("did you mean trinity.pool.warm-pool")
                        .hasMessageContaining("[origin: \"TRINITY_POOL_WARM_POOLS\" from property source \"systemEnvironment\"]"));
    }

    @Test
    void theFailureReportNamesTheProperty() {
        runner.withUserConfiguration(Agents.class).withPropertyValues("trinity.pool.spawn-rate=0").run(ctx -> {
            var analysis = new InvalidPoolPropertiesFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis.getDescription())
                    .isEqualTo("invalid trinity.pool property: trinity.pool.spawn-rate: spawnRate must be >= 1 (got 0)"
                            + " [origin: \"trinity.pool.spawn-rate\" from property source \"test\"]");
            assertThat(analysis.getAction()).contains("docs/configuration.md");
        });
    }

    @Test
    void anUnknownBalancerGetsTheFailureReportWithKeyValueAndOrigin() {
        runner.withUserConfiguration(Agents.class).withPropertyValues("trinity.pool.balancer=nope").run(ctx -> {
            assertThat(ctx).hasFailed();
            var analysis = new InvalidPoolPropertiesFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis).as("the starter's report, not a stack trace").isNotNull();
            assertThat(analysis.getDescription())
                    .startsWith("invalid trinity.pool property: trinity.pool.balancer: balancer 'nope' is not known;"
                            + " choose one of [")
                    .contains("round-robin", "register it with PoolBuilder.balancer(name, factory) in a TrinityPoolBuilderCustomizer bean")
                    .endsWith(" [origin: \"trinity.pool.balancer\" from property source \"test\"]");
        });
    }

    @Test
    void aBalancerACustomizerRegistersCanBeNamedInTheProperty() {
        runner.withUserConfiguration(Agents.class).withPropertyValues("trinity.pool.balancer=mine")
                .withBean(TrinityPoolBuilderCustomizer.class, () -> b -> b.balancer("mine",
                        io.trinity.pool.balance.Balancers.builtIn().get("round-robin")))
                .run(ctx -> assertThat(ctx.getBean(AgentPool.class).config().balancer()).isEqualTo("mine"));
    }

    @Test
    void anUnknownBalancerFromACustomizerSaysItIsNotTheProperty() {
        runner.withUserConfiguration(Agents.class)
                .withBean(TrinityPoolConfigCustomizer.class, () -> c -> c.balancer("theirs"))
                .run(ctx -> assertThat(new InvalidPoolPropertiesFailureAnalyzer().analyze(ctx.getStartupFailure())
                        .getDescription())
                        .startsWith("invalid trinity.pool settings: balancer 'theirs' is not known;")
                        .endsWith("(the name was set by a TrinityPoolConfigCustomizer or PoolConfig bean,"
                                + " not by trinity.pool.balancer)"));
    }

    @Test
    void withoutAgentTypesStartupSaysWhatToDeclare() {
        runner.run(ctx -> assertThat(ctx.getStartupFailure())
                .hasRootCauseMessage("the Trinity pool has no agent types: declare at least one AgentType bean,"
                        + " such as @Bean AgentType shout() { return AgentType.of(\"shout\", init -> ctx -> ...); }"));
    }

    @Test
    void thePoolIsClosedWithTheContext() {
        AtomicReference<AgentPool> pool = new AtomicReference<>();
        runner.withUserConfiguration(Agents.class).run(ctx -> {
            pool.set(ctx.getBean(AgentPool.class));
            assertThat(pool.get().isShutdown()).isFalse();
        });
        assertThat(pool.get().isShutdown()).isTrue();
    }

    @Test
    void anApplicationsOwnPoolWins() {
        runner.withUserConfiguration(Agents.class)
                .withBean("myPool", AgentPool.class, () -> AgentPool.builder()
                        .register("mine", init -> ctx -> Payload.EMPTY).build())
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(AgentPool.class);
                    assertThat(ctx).hasBean("myPool").doesNotHaveBean("trinityAgentPool");
                });
    }

    @Test
    void withAMeterRegistryButNoMicrometerModuleNothingIsBound() {
        runner.withUserConfiguration(Agents.class)
                .withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
                        io.trinity.pool.micrometer.TrinityPoolMetrics.class))
                .withBean(io.micrometer.core.instrument.MeterRegistry.class,
                        io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed().doesNotHaveBean(TrinityPoolMetricsAutoConfiguration.class);
                    assertThat(ctx.getBean(io.micrometer.core.instrument.MeterRegistry.class).getMeters()).isEmpty();
                });
    }
}
