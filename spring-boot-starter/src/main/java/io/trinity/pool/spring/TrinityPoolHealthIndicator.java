package io.trinity.pool.spring;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.agent.AgentState;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The pool's health for actuator: DOWN while any agent type's circuit is open (its agents keep
 * failing to start, so its tasks fail or wait), OUT_OF_SERVICE once the pool is shut down, UP
 * otherwise. Details: live agents, agents by state, queued and running tasks, and the open
 * circuits with the failures that opened them.
 *
 * <p>Circuits are known only from a {@link TrinityPoolCircuits} that is a listener of this pool
 * (the auto-configured pool has the {@code TrinityPoolCircuits} bean); without one the indicator
 * reports agents, tasks and shutdown only.
 */
public final class TrinityPoolHealthIndicator implements HealthIndicator {

    private final AgentPool pool;
    private final TrinityPoolCircuits circuits;

    /**
     * The health of {@code pool}, DOWN while one of {@code circuits} is open.
     *
     * @param pool the pool
     * @param circuits a listener of that pool
     */
    public TrinityPoolHealthIndicator(AgentPool pool, TrinityPoolCircuits circuits) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.circuits = Objects.requireNonNull(circuits, "circuits");
    }

    /**
     * The health of {@code pool} without its circuits: OUT_OF_SERVICE once shut down, UP otherwise.
     *
     * @param pool the pool
     */
    public TrinityPoolHealthIndicator(AgentPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.circuits = null;
    }

    @Override
    public Health health() {
        PoolSnapshot s = pool.snapshot();
        Map<AgentState, Long> byState = new EnumMap<>(AgentState.class);
        s.agents().forEach(a -> byState.merge(a.state(), 1L, Long::sum));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("agents", s.agents().size());
        details.put("states", byState);
        details.put("queue", s.queued());
        details.put("running", s.running());
        Map<String, Integer> open = circuits == null ? Map.of() : circuits.open();
        Health.Builder h;
        if (pool.isShutdown()) {
            h = Health.outOfService();
        } else if (!open.isEmpty()) {
            h = Health.down();
            details.put("openCircuits", open);
        } else {
            h = Health.up();
        }
        return h.withDetails(details).build();
    }
}
