package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Defaults yield to explicit settings; two explicit settings that conflict still fail, naming both. */
class SmallPoolDefaultsTest {

    @Test
    void maxAgentsAloneFitsTheWarmPoolDefaults() {
        PoolConfig c = PoolConfig.custom().maxAgents(4).build();
        assertThat(c.maxAgents()).isEqualTo(4);
        assertThat(c.warmPoolMax()).isEqualTo(4);
        assertThat(c.warmPool()).isEqualTo(PoolConfig.DEFAULT_WARM_POOL);
        assertThat(c.warmPoolMin()).isEqualTo(PoolConfig.DEFAULT_WARM_POOL_MIN);
    }

    @Test
    void everyPoolSizeFromOneBuilds() {
        for (int max = 1; max <= 20; max++) {
            PoolConfig c = PoolConfig.custom().maxAgents(max).build();
            assertThat(c.warmPoolMax()).as("max %d", max).isEqualTo(Math.min(max, PoolConfig.DEFAULT_WARM_POOL_MAX));
            assertThat(c.warmPool()).as("max %d", max).isBetween(c.warmPoolMin(), c.warmPoolMax());
            assertThat(c.warmPool()).isEqualTo(Math.min(max, PoolConfig.DEFAULT_WARM_POOL));
        }
    }

    @Test
    void anExplicitWarmPoolMovesItsDefaultBounds() {
        PoolConfig none = PoolConfig.custom().maxAgents(1).warmPool(0).build();
        assertThat(none.warmPoolMin()).isZero();
        assertThat(none.warmPoolMax()).isEqualTo(1);
        PoolConfig big = PoolConfig.custom().warmPool(10).build();
        assertThat(big.warmPoolMax()).isEqualTo(10);
        PoolConfig bounded = PoolConfig.custom().warmPoolMax(2).build();
        assertThat(bounded.warmPool()).isEqualTo(2);
        PoolConfig floor = PoolConfig.custom().warmPoolMin(5).build();
        assertThat(floor.warmPool()).isEqualTo(5);
        assertThat(floor.warmPoolMax()).isEqualTo(PoolConfig.DEFAULT_WARM_POOL_MAX);
    }

    @Test
    void anExplicitConflictNamesTheSettingsToChange() {
        assertThatThrownBy(() -> PoolConfig.custom().maxAgents(2).warmPool(3).build())
                .hasMessage("maxAgents must be >= warmPool (got maxAgents=2, warmPool=3); lower warmPool or raise maxAgents");
        assertThatThrownBy(() -> PoolConfig.custom().warmPool(20).build())
                .hasMessage("maxAgents must be >= warmPool (got maxAgents=16 (the default), warmPool=20);"
                        + " lower warmPool or raise maxAgents");
        assertThatThrownBy(() -> PoolConfig.custom().maxAgents(3).warmPoolMin(4).build())
                .hasMessageContaining("maxAgents must be >= warmPoolMin (got maxAgents=3, warmPoolMin=4)");
        assertThatThrownBy(() -> PoolConfig.custom().warmPool(5).warmPoolMax(4).build())
                .hasMessage("warmPool must be between warmPoolMin and warmPoolMax (got warmPool=5, warmPoolMin=1,"
                        + " warmPoolMax=4); change warmPool or the bound it is outside");
    }

    @Test
    void backoffBoundsFitAnExplicitBackoff() {
        PoolConfig c = PoolConfig.custom().retryBackoff(Duration.ofMinutes(2)).restartBackoff(Duration.ofMinutes(5)).build();
        assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.restartBackoffMax()).isEqualTo(Duration.ofMinutes(5));
        PoolConfig capped = PoolConfig.custom().retryBackoffMax(Duration.ofMillis(50)).build();
        assertThat(capped.retryBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThatThrownBy(() -> PoolConfig.custom().restartBackoff(Duration.ofSeconds(5))
                .restartBackoffMax(Duration.ofSeconds(1)).build())
                .hasMessageContaining("lower restartBackoff or raise restartBackoffMax");
    }

    @Test
    void aCopyFitsItsDefaultsAgainRatherThanFreezingThem() {
        PoolConfig small = PoolConfig.custom().maxAgents(2).build();
        assertThat(small.warmPoolMax()).isEqualTo(2);
        PoolConfig grown = PoolConfig.from(small).maxAgents(16).build();
        assertThat(grown.warmPoolMax()).isEqualTo(PoolConfig.DEFAULT_WARM_POOL_MAX);
        assertThat(grown.warmPool()).isEqualTo(PoolConfig.DEFAULT_WARM_POOL);
        PoolConfig explicit = PoolConfig.custom().warmPoolMax(2).build();
        assertThatThrownBy(() -> PoolConfig.from(explicit).maxAgents(1).build())
                .hasMessageContaining("lower warmPoolMax or raise maxAgents");
    }

    @Test
    void buildingLeavesTheBuilderAsItWas() {
        PoolConfig.Builder b = PoolConfig.custom().maxAgents(2);
        assertThat(b.build().warmPoolMax()).isEqualTo(2);
        assertThat(b.maxAgents(12).build().warmPoolMax()).isEqualTo(PoolConfig.DEFAULT_WARM_POOL_MAX);
    }

    @Test
    void aSmallPoolRunsAndKeepsToItsCap() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.custom().maxAgents(2).build(), SimPools.fixed(200), "x");
        java.util.List<TaskHandle> handles = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            handles.add(pool.submit(Task.of("x", java.util.Map.of())));
        }
        assertThat(sim.runUntil(() -> handles.stream().allMatch(h -> h.result().isDone()), Duration.ofSeconds(10))).isTrue();
        assertThat(handles).allMatch(h -> !h.result().isCompletedExceptionally());
        assertThat(pool.snapshot().spawns()).isLessThanOrEqualTo(2);
    }
}
