package io.trinity.pool.spawn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The built-in spawning strategies by name, so front ends can offer them without a switch. */
public final class SpawnStrategies {

    private SpawnStrategies() {
    }

    /**
     * {@return the built-in strategies by name, in a stable order (on-demand, warm-pool, predictive, clone);
     * a new mutable map each call, each supplier making a fresh instance}
     */
    public static Map<String, Supplier<SpawnStrategy>> builtIn() {
        Map<String, Supplier<SpawnStrategy>> m = new LinkedHashMap<>();
        m.put(OnDemandSpawning.NAME, OnDemandSpawning::new);
        m.put(WarmPoolSpawning.NAME, WarmPoolSpawning::new);
        m.put(PredictiveSpawning.NAME, PredictiveSpawning::new);
        m.put(CloneSpawning.NAME, CloneSpawning::new);
        return m;
    }

    /**
     * A new instance of a built-in strategy, with its default settings.
     *
     * @param name the strategy's name, such as {@code on-demand}
     * @return the new strategy
     * @throws IllegalArgumentException listing the names, if the name is unknown
     */
    public static SpawnStrategy create(String name) {
        Supplier<SpawnStrategy> s = builtIn().get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown spawning strategy '" + name + "'; choose one of "
                    + builtIn().keySet());
        }
        return s.get();
    }
}
