package io.trinity.pool.agent;

import java.util.Optional;

/**
 * What a factory knows about the agent it creates.
 *
 * @param agentId  pool-unique id, such as {@code code-3}
 * @param type     the agent type
 * @param snapshot the parent's state when the agent is a clone; empty otherwise
 */
public record AgentInit(String agentId, String type, Optional<AgentSnapshot> snapshot) {
    /**
     * Turns a null snapshot into empty.
     *
     * @param agentId pool-unique id, such as {@code code-3}
     * @param type the agent type
     * @param snapshot the parent's state when the agent is a clone; empty or null otherwise
     */
    public AgentInit {
        snapshot = snapshot == null ? Optional.empty() : snapshot;
    }
}
