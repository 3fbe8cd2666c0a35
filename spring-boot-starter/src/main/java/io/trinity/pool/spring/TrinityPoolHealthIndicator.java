package io.trinity.pool.spring;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.agent.AgentState;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The pool's health for actuator: DOWN while any agent type's circuit is open (its agents keep
 * failing to start, so its tasks fail or wait), OUT_OF_SERVICE once the pool is shut down, UP
 * otherwise. Details: live agents, agents by state, queued and running tasks, and the open
 * circuits with the failures that opened them.
 */
public final class TrinityPoolHealthIndicator implements HealthIndicator {

    private final AgentPool pool;
    private final TrinityPoolCircuits circuits;

    public TrinityPoolHealthIndicator(AgentPool pool, TrinityPoolCircuits circuits) {
        this.pool = pool;
        this.circuits = circuits;
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
        Map<String, Integer> open = circuits.open();
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
