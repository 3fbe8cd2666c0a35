package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoolConfigTest {

    @Test
    void defaultsAreTheSeedDefaults() {
        PoolConfig c = PoolConfig.ofDefaults();
        assertThat(c.maxAgents()).isEqualTo(16);
        assertThat(c.warmPool()).isEqualTo(3);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.spawnRate()).isEqualTo(10);
        assertThat(c.healthInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.stuckAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.queueCapacity()).isEqualTo(100);
    }

    @Test
    void badSingleValuesAreRefusedWithTheSettingAndValue() {
        assertThatThrownBy(() -> PoolConfig.custom().maxAgents(0))
                .hasMessage("maxAgents must be >= 1 (got 0)");
        assertThatThrownBy(() -> PoolConfig.custom().queueCapacity(-5))
                .hasMessage("queueCapacity must be >= 1 (got -5)");
        assertThatThrownBy(() -> PoolConfig.custom().idleTimeout(Duration.ZERO))
                .hasMessage("idleTimeout must be > 0 (got PT0S)");
        assertThatThrownBy(() -> PoolConfig.custom().targetUtilization(1.5))
                .hasMessageContaining("targetUtilization").hasMessageContaining("1.5");
        assertThatThrownBy(() -> PoolConfig.custom().spawnRate(0)).hasMessage("spawnRate must be >= 1 (got 0)");
    }

    @Test
    void badCombinationsAreRefusedAtBuild() {
        assertThatThrownBy(() -> PoolConfig.custom().maxAgents(2).warmPoolMax(6).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAgents must be >= warmPoolMax (got maxAgents=2, warmPoolMax=6); lower warmPoolMax or raise maxAgents");
        assertThatThrownBy(() -> PoolConfig.custom().warmPoolMin(5).warmPoolMax(4).build())
                .hasMessageContaining("warmPoolMin must be <= warmPoolMax (got warmPoolMin=5, warmPoolMax=4)");
        assertThatThrownBy(() -> PoolConfig.custom().retryBackoff(Duration.ofSeconds(5))
                .retryBackoffMax(Duration.ofSeconds(1)).build())
                .hasMessageContaining("retryBackoffMax must be >= retryBackoff");
    }

    @Test
    void fromCopiesEverySetting() {
        PoolConfig c = PoolConfig.custom().maxAgents(9).warmPool(2).queueCapacity(7).seed(5).build();
        PoolConfig copy = PoolConfig.from(c).build();
        assertThat(copy.toString()).isEqualTo(c.toString());
        assertThat(copy.seed()).isEqualTo(5);
    }

    @Test
    void unknownDefaultBalancerIsRefusedAtPoolBuild() {
        assertThatThrownBy(() -> AgentPool.builder()
                .config(PoolConfig.custom().balancer("fastest").build())
                .register("x", init -> ctx -> Payload.EMPTY).build())
                .hasMessageContaining("balancer 'fastest' is not known");
    }

    @Test
    void typeMinimumsThePoolCapCannotHoldAreRefusedAtPoolBuild() {
        PoolConfig two = PoolConfig.custom().maxAgents(2).build();
        assertThatThrownBy(() -> AgentPool.builder().config(two)
                .register(AgentType.of("code", init -> ctx -> Payload.EMPTY).withMinAgents(5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent type 'code' keeps minAgents=5 alive, more than the pool's maxAgents=2 allows;"
                        + " lower minAgents of 'code' or raise maxAgents");
        assertThatThrownBy(() -> AgentPool.builder().config(PoolConfig.custom().maxAgents(3).build())
                .register(AgentType.of("code", init -> ctx -> Payload.EMPTY).withMinAgents(2))
                .register(AgentType.of("data", init -> ctx -> Payload.EMPTY).withMinAgents(2))
                .register("voice", init -> ctx -> Payload.EMPTY).build())
                .hasMessage("the agent types' minAgents add up to 4 (code=2, data=2), more than the pool's maxAgents=3"
                        + " allows; lower some minAgents or raise maxAgents");
        AgentPool fits = AgentPool.builder().deterministic(new io.trinity.pool.time.VirtualClock()).config(two)
                .register(AgentType.of("code", init -> ctx -> Payload.EMPTY).withMinAgents(2)).build();
        assertThat(fits.config().maxAgents()).isEqualTo(2);
    }

    @Test
    void preemptPriorityTakesTheRangeOfTaskPriorities() {
        assertThat(PoolConfig.custom().preemptPriority(Task.MAX_PRIORITY).build().preemptPriority()).isEqualTo(1000);
        assertThat(PoolConfig.custom().preemptPriority(Task.MIN_PRIORITY).build().preemptPriority()).isEqualTo(-1000);
        assertThatThrownBy(() -> PoolConfig.custom().preemptPriority(5000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("preemptPriority must be between -1000 and 1000, the range of task priorities (got 5000);"
                        + " to stop preemption, make the types not preemptible with AgentType.withPreemptible(false)");
        assertThatThrownBy(() -> PoolConfig.custom().preemptPriority(-1001)).hasMessageContaining("(got -1001)");
        assertThatThrownBy(() -> PoolConfig.from(java.util.Map.of("trinity.pool.preempt-priority", "1001")))
                .hasMessageStartingWith("trinity.pool.preempt-priority: preemptPriority must be between -1000 and 1000");
    }

    @Test
    void aPoolNeedsAtLeastOneType() {
        assertThatThrownBy(() -> AgentPool.builder().build())
                .hasMessageContaining("no agent types registered");
    }

    @Test
    void taskBuilderRefusesBadValues() {
        assertThatThrownBy(() -> Task.builder(" ")).hasMessageContaining("type must be a non-blank string");
        assertThatThrownBy(() -> Task.builder("x").priority(5000))
                .hasMessage("priority must be between -1000 and 1000 (got 5000)");
        assertThatThrownBy(() -> Task.builder("x").timeout(Duration.ZERO)).hasMessageContaining("timeout must be > 0");
        assertThatThrownBy(() -> Task.builder("x").input(java.util.Map.of("t", new Object())))
                .hasMessageContaining("data.t: only maps, lists, strings, numbers, booleans and null");
    }
}
