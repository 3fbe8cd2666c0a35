package io.trinity.pool.server;

import io.trinity.pool.PoolBuilder;
import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.agents.BuiltInAgents;
import java.util.List;

/**
 * The one place the server touches the agent modules: {@code tri serve} runs the built-in
 * agents. (When the agents split into per-family modules this depends on {@code agents-all}.)
 */
public final class ServerAgents {

    private ServerAgents() {
    }

    /** Registers the seven built-in agent types on {@code builder} and returns their names. */
    public static List<String> registerBuiltIns(PoolBuilder builder) {
        BuiltInAgents.registerAll(builder);
        return AgentTypes.BUILT_IN;
    }
}
