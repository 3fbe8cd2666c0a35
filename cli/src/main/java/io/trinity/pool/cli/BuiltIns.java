package io.trinity.pool.cli;

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

/** The built-in agent factories by type, the one place the CLI names the agent classes. */
final class BuiltIns {

    private BuiltIns() {
    }

    static Map<String, AgentFactory> factories() {
        Map<String, AgentFactory> m = new LinkedHashMap<>();
        m.put(AgentTypes.COORDINATOR, new CoordinatorAgent.Factory());
        m.put(AgentTypes.CODE, CodeAgent::new);
        m.put(AgentTypes.DATA, DataAgent::new);
        m.put(AgentTypes.VISION, VisionAgent::new);
        m.put(AgentTypes.VOICE, VoiceAgent::new);
        m.put(AgentTypes.SYSTEM, SystemAgent::new);
        m.put(AgentTypes.GENERIC, GenericAgent::new);
        return m;
    }
}
