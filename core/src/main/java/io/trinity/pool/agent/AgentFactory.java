package io.trinity.pool.agent;

/**
 * Creates agents of one type. Called on the agent executor; construction should be cheap and
 * the slow part go into {@link Agent#init()}.
 */
@FunctionalInterface
public interface AgentFactory {
    /**
     * Creates one agent; the pool then calls its {@code init}.
     *
     * @param init the new agent's id, type and, for a clone, the parent's snapshot
     * @return the agent, not null
     * @throws Exception if it cannot be created; the agent counts as FAILED
     */
    Agent create(AgentInit init) throws Exception;
}
