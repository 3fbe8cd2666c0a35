package io.trinity.pool.balance;

import java.util.LinkedHashMap;
import java.util.Map;

/** Names and factories of the four built-in balancers. */
public final class Balancers {
    public static final String ROUND_ROBIN = "round-robin";
    public static final String LEAST_LOADED = "least-loaded";
    public static final String SKILL_AWARE = "skill-aware";
    public static final String AFFINITY = "affinity";

    private Balancers() {
    }

    /** The built-in factories by name, in a stable order. */
    public static Map<String, LoadBalancer.Factory> builtIn() {
        Map<String, LoadBalancer.Factory> m = new LinkedHashMap<>();
        m.put(ROUND_ROBIN, RoundRobinBalancer::new);
        m.put(LEAST_LOADED, LeastLoadedBalancer::new);
        m.put(SKILL_AWARE, SkillAwareBalancer::new);
        m.put(AFFINITY, AffinityBalancer::new);
        return m;
    }
}
