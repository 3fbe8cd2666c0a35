package io.trinity.pool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.event.PoolEvent;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class TrinityPoolHealthTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TrinityPoolAutoConfiguration.class,
                    TrinityPoolHealthAutoConfiguration.class))
            .withPropertyValues("trinity.pool.warm-pool=0", "trinity.pool.restart-intensity=1");

    @Configuration(proxyBeanMethods = false)
    static class Echo {
        @Bean
        AgentType echo() {
            return AgentType.of("echo", init -> ctx -> Payload.of(ctx.data()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Broken {
        /** An agent whose start always fails, as a model that cannot load would. */
        @Bean
        AgentType broken() {
            return AgentType.of("broken", init -> {
                throw new IllegalStateException("model file missing");
            });
        }
    }

    @Test
    void upWithAgentsAndQueueInTheDetails() {
        runner.withUserConfiguration(Echo.class).run(ctx -> {
            AgentPool pool = ctx.getBean(AgentPool.class);
            pool.submit(Task.of("echo", Map.of("n", 1))).result().get(30, TimeUnit.SECONDS);
            Health h = ctx.getBean(TrinityPoolHealthIndicator.class).health();
            assertThat(h.getStatus()).isEqualTo(Status.UP);
            assertThat(h.getDetails()).containsKeys("agents", "states", "queue", "running").doesNotContainKey("openCircuits");
            assertThat((Integer) h.getDetails().get("agents")).isEqualTo(pool.snapshot().agents().size()).isPositive();
            assertThat(h.getDetails().get("queue")).isEqualTo(0);
        });
    }

    @Test
    void downWhileATypesCircuitIsOpen() {
        runner.withUserConfiguration(Echo.class, Broken.class).withPropertyValues("trinity.pool.circuit-mode=fail-fast")
                .run(ctx -> {
            AgentPool pool = ctx.getBean(AgentPool.class);
            var result = pool.submit(Task.of("broken", Map.of())).result();
            try {
                result.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(TaskFailedException.class);
            }
            // Listeners are fed off the control loop, so the circuit event may reach the indicator
            // a moment after the future failed: a real-time test, waited for with a bound.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
                Health h = ctx.getBean(TrinityPoolHealthIndicator.class).health();
                assertThat(h.getStatus()).isEqualTo(Status.DOWN);
                assertThat(h.getDetails().get("openCircuits")).isEqualTo(Map.of("broken", 1));
            });
        });
    }

    @Test
    void theCircuitsFollowTheEvents() {
        TrinityPoolCircuits circuits = new TrinityPoolCircuits();
        circuits.onEvent(new PoolEvent.CircuitChanged(1, "vision", true, 5, "agent vision-5 init failed"));
        circuits.onEvent(new PoolEvent.CircuitChanged(2, "voice", true, 3, null));
        assertThat(circuits.open()).isEqualTo(Map.of("vision", 5, "voice", 3));
        circuits.onEvent(new PoolEvent.CircuitChanged(3, "vision", false, 0, null));
        assertThat(circuits.open()).isEqualTo(Map.of("voice", 3));
    }

    @Test
    void outOfServiceOnceShutDown() {
        runner.withUserConfiguration(Echo.class).run(ctx -> {
            ctx.getBean(AgentPool.class).close();
            assertThat(ctx.getBean(TrinityPoolHealthIndicator.class).health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoPools {
        @Bean
        AgentPool poolA() {
            return AgentPool.builder().register("a", init -> ctx -> Payload.EMPTY).build();
        }

        @Bean
        AgentPool poolB() {
            return AgentPool.builder().register("b", init -> ctx -> Payload.EMPTY).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnIndicator {
        @Bean
        TrinityPoolHealthIndicator poolAHealth(@Qualifier("poolA") AgentPool poolA) {
            return new TrinityPoolHealthIndicator(poolA);
        }
    }

    @Test
    void twoPoolsStartWithOneIndicatorEachUnderTheirBeanNames() {
        runner.withUserConfiguration(TwoPools.class).run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean("trinityAgentPool");
            CompositeHealthContributor trinityPool = ctx.getBean("trinityPoolHealthIndicator",
                    CompositeHealthContributor.class);
            assertThat(trinityPool.stream().map(HealthContributors.Entry::name)).containsExactly("poolA", "poolB");
            ctx.getBean("poolA", AgentPool.class).close();
            assertThat(((HealthIndicator) trinityPool.getContributor("poolA")).health().getStatus())
                    .isEqualTo(Status.OUT_OF_SERVICE);
            Health b = ((HealthIndicator) trinityPool.getContributor("poolB")).health();
            assertThat(b.getStatus()).isEqualTo(Status.UP);
            assertThat(b.getDetails()).containsKeys("agents", "states", "queue", "running");
        });
    }

    @Test
    void anApplicationsOwnIndicatorWins() {
        runner.withUserConfiguration(TwoPools.class, OwnIndicator.class).run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("trinityPoolHealthIndicator")
                        .hasSingleBean(TrinityPoolHealthIndicator.class));
    }

    @Test
    void canBeTurnedOff() {
        runner.withUserConfiguration(Echo.class).withPropertyValues("management.health.trinity-pool.enabled=false")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(TrinityPoolHealthIndicator.class));
    }
}
