package io.trinity.pool.agent;

import java.util.List;

/** The seven built-in agent type names. Users may register any other name beside them. */
public final class AgentTypes {
    public static final String COORDINATOR = "coordinator";
    public static final String CODE = "code";
    public static final String VISION = "vision";
    public static final String VOICE = "voice";
    public static final String DATA = "data";
    public static final String SYSTEM = "system";
    /** The fallback for tasks whose type has no factory. */
    public static final String GENERIC = "generic";

    public static final List<String> BUILT_IN = List.of(COORDINATOR, CODE, VISION, VOICE, DATA, SYSTEM, GENERIC);

    private AgentTypes() {
    }
}
