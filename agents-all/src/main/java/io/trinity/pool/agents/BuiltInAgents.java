package io.trinity.pool.agents;

import io.trinity.pool.AgentType;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.agents.code.CodeAgent;
import io.trinity.pool.agents.coordinator.CoordinatorAgent;
import io.trinity.pool.agents.data.DataAgent;
import io.trinity.pool.agents.generic.GenericAgent;
import io.trinity.pool.agents.system.SystemAgent;
import io.trinity.pool.agents.vision.VisionAgent;
import io.trinity.pool.agents.voice.VoiceAgent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seven built-in agent types in one place.
 *
 * <pre>{@code
 * AgentPool pool = BuiltInAgents.registerAll(AgentPool.builder()).build();
 * }</pre>
 */
public final class BuiltInAgents {

    private BuiltInAgents() {
    }

    /** The factories by type name, in the order of {@link AgentTypes#BUILT_IN}. */
    public static Map<String, AgentFactory> factories() {
        Map<String, AgentFactory> m = new LinkedHashMap<>();
        m.put(AgentTypes.COORDINATOR, new CoordinatorAgent.Factory());
        m.put(AgentTypes.CODE, CodeAgent::new);
        m.put(AgentTypes.VISION, VisionAgent::new);
        m.put(AgentTypes.VOICE, VoiceAgent::new);
        m.put(AgentTypes.DATA, DataAgent::new);
        m.put(AgentTypes.SYSTEM, SystemAgent::new);
        m.put(AgentTypes.GENERIC, GenericAgent::new);
        return m;
    }

    /** The factory of one built-in type; the message lists the types when the name is unknown. */
    public static AgentFactory factory(String type) {
        AgentFactory f = factories().get(type);
        if (f == null) {
            throw new IllegalArgumentException("'" + type + "' is not a built-in agent type; choose one of "
                    + AgentTypes.BUILT_IN);
        }
        return f;
    }

    /**
     * Registers all seven types. The coordinator is not preemptible: preempting it would cancel
     * the subtasks it waits for.
     */
    public static PoolBuilder registerAll(PoolBuilder builder) {
        factories().forEach((type, factory) -> {
            AgentType t = AgentType.of(type, factory);
            if (type.equals(AgentTypes.COORDINATOR)) {
                t = t.withPreemptible(false);
            }
            builder.register(t);
        });
        return builder;
    }
}
