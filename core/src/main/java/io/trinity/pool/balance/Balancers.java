package io.trinity.pool.balance;

import io.trinity.pool.agent.AgentView;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and factories of the four built-in balancers. */
public final class Balancers {
    /** Takes agents in turn: {@value}. */
    public static final String ROUND_ROBIN = "round-robin";
    /** The agent with the lowest load, sampling two once there are many: {@value}, the default. */
    public static final String LEAST_LOADED = "least-loaded";
    /** The agent with the best decayed record for the task's skill, with some exploration: {@value}. */
    public static final String SKILL_AWARE = "skill-aware";
    /** One agent per affinity key by consistent hashing with bounded load: {@value}. */
    public static final String AFFINITY = "affinity";

    private static final Comparator<AgentView> BY_LOAD = Candidates::compareLoad;

    private Balancers() {
    }

    /**
     * {@return the order the built-in balancers use for "least loaded": lightest first, by in-flight tasks
     * relative to capacity (exactly: 1/3 ties with 2/6), then by lower recent latency} The pool uses it too
     * when a task spills to another node. One shared instance; it allocates nothing.
     */
    public static Comparator<AgentView> byLoad() {
        return BY_LOAD;
    }

    /**
     * {@return the built-in factories by name, in a stable order (round-robin, least-loaded, skill-aware,
     * affinity); a new mutable map each call}
     */
    public static Map<String, LoadBalancer.Factory> builtIn() {
        Map<String, LoadBalancer.Factory> m = new LinkedHashMap<>();
        m.put(ROUND_ROBIN, RoundRobinBalancer::new);
        m.put(LEAST_LOADED, LeastLoadedBalancer::new);
        m.put(SKILL_AWARE, SkillAwareBalancer::new);
        m.put(AFFINITY, AffinityBalancer::new);
        return m;
    }
}
