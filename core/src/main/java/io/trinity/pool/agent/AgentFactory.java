package io.trinity.pool.agent;

/**
 * Creates agents of one type. Called on the agent executor; construction should be cheap and
 * the slow part go into {@link Agent#init()}.
 */
@FunctionalInterface
public interface AgentFactory {
    Agent create(AgentInit init) throws Exception;
}
