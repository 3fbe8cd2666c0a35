package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentType;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.health.RestartPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the scaler's rule gives a flow ahead of it ({@code SpawnPlanner.agentsFor}), in agents. */
class ScaleSizingTest {

    private static TypeState type() {
        return new TypeState(AgentType.of("t", init -> {
            throw new UnsupportedOperationException("never spawned");
        }), new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60), 5, Duration.ofSeconds(60)));
    }

    @Test
    void aTypeWithNoAgentUpIsSizedInAgentsOfTheCapacityItsLastAgentReported() {
        PoolConfig config = PoolConfig.custom().maxAgents(64).build();
        TypeState ts = type();
        ts.serviceEwmaNanos = 2_000_000_000L;
        int slots = ScaleController.agentsFor(config, ts, 4.0); // before any agent started: one slot each
        assertThat(slots).as("Erlang C for 8 busy slots keeps spare ones").isGreaterThan(8);
        ts.leastCapacity = 4;
        assertThat(ScaleController.agentsFor(config, ts, 4.0)).isEqualTo((slots + 3) / 4);
        // an agent still spawning has not said its capacity (its slot reads 1): it does not count
        ts.slots.add(new AgentSlot("t-1", ts.type, 0, 8));
        assertThat(ScaleController.capacity(ts)).isEqualTo(4);
        assertThat(ScaleController.agentsFor(config, ts, 4.0)).isEqualTo((slots + 3) / 4);
        assertThat(ScaleController.agentsFor(config, ts, 0)).isZero();
    }
}
