package io.trinity.pool.spawn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The built-in spawning strategies by name, so front ends can offer them without a switch. */
public final class SpawnStrategies {

    private SpawnStrategies() {
    }

    public static Map<String, Supplier<SpawnStrategy>> builtIn() {
        Map<String, Supplier<SpawnStrategy>> m = new LinkedHashMap<>();
        m.put(OnDemandSpawning.NAME, OnDemandSpawning::new);
        m.put(WarmPoolSpawning.NAME, WarmPoolSpawning::new);
        m.put(PredictiveSpawning.NAME, PredictiveSpawning::new);
        m.put(CloneSpawning.NAME, CloneSpawning::new);
        return m;
    }

    /** A new instance of the named strategy; the message lists the names when it is unknown. */
    public static SpawnStrategy create(String name) {
        Supplier<SpawnStrategy> s = builtIn().get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown spawning strategy '" + name + "'; choose one of "
                    + builtIn().keySet());
        }
        return s.get();
    }
}
