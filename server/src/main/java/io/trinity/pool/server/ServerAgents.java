package io.trinity.pool.server;

import io.trinity.pool.AgentType;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.agents.BuiltInAgents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The one place the server touches the agent modules: {@code tri serve} runs the built-in
 * agents, from {@code trinity-pool-agents-all}.
 */
public final class ServerAgents {

    private ServerAgents() {
    }

    /** Registers the seven built-in agent types on {@code builder} and returns their names. */
    public static List<String> registerBuiltIns(PoolBuilder builder) {
        return registerBuiltIns(builder, UnaryOperator.identity());
    }

    /**
     * Registers the built-in types, each as {@code adjust} changes it (resources it uses, a
     * stuck threshold...), and returns their names. The coordinator is not preemptible:
     * preempting it would cancel the subtasks it waits for.
     */
    public static List<String> registerBuiltIns(PoolBuilder builder, UnaryOperator<AgentType> adjust) {
        List<String> names = new ArrayList<>();
        for (AgentType type : builtIns(adjust)) {
            builder.register(type);
            names.add(type.name());
        }
        return List.copyOf(names);
    }

    /**
     * The built-in types, each as {@code adjust} changes it, without registering them: a cluster
     * node hosts them and its scheduler registers them with a placing factory.
     */
    public static List<AgentType> builtIns(UnaryOperator<AgentType> adjust) {
        List<AgentType> types = new ArrayList<>();
        Map<String, AgentFactory> factories = BuiltInAgents.factories();
        // The server registers exactly these types: its coordinator refuses a graph naming any
        // other (the pool would run an unknown type on generic, and a 400 refuses it at POST).
        factories.put(AgentTypes.COORDINATOR,
                new io.trinity.pool.agents.coordinator.CoordinatorAgent.Factory(List.copyOf(factories.keySet())));
        factories.forEach((name, factory) -> types.add(
                adjust.apply(AgentType.of(name, factory).withPreemptible(!name.equals(AgentTypes.COORDINATOR)))));
        return List.copyOf(types);
    }
}
