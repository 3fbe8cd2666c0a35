package io.trinity.pool.agent;

import io.trinity.pool.PlainData;
import java.util.Map;

/**
 * An agent's state as plain data, so it can seed a clone, be offered to a listener when the agent is
 * destroyed, and later be stored or shipped.
 *
 * @param agentId the agent that made it
 * @param type its agent type
 * @param state its state: maps, lists, strings, numbers, booleans and null, copied (see {@link
 *     io.trinity.pool.PlainData})
 */
public record AgentSnapshot(String agentId, String type, Map<String, Object> state) {
    /**
     * Copies the state, so the snapshot is immutable.
     *
     * @param agentId the agent that made it
     * @param type its agent type
     * @param state its state as plain data
     * @throws IllegalArgumentException if the state holds anything but plain data
     */
    public AgentSnapshot {
        state = PlainData.copyOf(state, "snapshot");
    }
}
