package io.trinity.pool.agent;

import java.util.List;

/** The seven built-in agent type names. Users may register any other name beside them. */
public final class AgentTypes {
    /** The meta agent that splits a task into subtasks and gathers their results: {@value}. */
    public static final String COORDINATOR = "coordinator";
    /** Runs, checks and analyses code: {@value}. */
    public static final String CODE = "code";
    /** Works on images: {@value}. */
    public static final String VISION = "vision";
    /** Works on audio and speech: {@value}. */
    public static final String VOICE = "voice";
    /** Queries, transforms and searches data: {@value}. */
    public static final String DATA = "data";
    /** Reads and acts on the host: {@value}. */
    public static final String SYSTEM = "system";
    /** The fallback for tasks whose type has no registered agent type: {@value}. */
    public static final String GENERIC = "generic";

    /** The seven names above, in this order, immutable. */
    public static final List<String> BUILT_IN = List.of(COORDINATOR, CODE, VISION, VOICE, DATA, SYSTEM, GENERIC);

    private AgentTypes() {
    }
}
