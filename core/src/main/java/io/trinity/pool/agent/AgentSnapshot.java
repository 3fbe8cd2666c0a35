package io.trinity.pool.agent;

import io.trinity.pool.PlainData;
import java.util.Map;

/**
 * An agent's state as plain data, so it can seed a clone, be offered to a listener when the
 * agent is destroyed, and later be stored or shipped.
 */
public record AgentSnapshot(String agentId, String type, Map<String, Object> state) {
    public AgentSnapshot {
        state = PlainData.copyOf(state, "snapshot");
    }
}
