package io.trinity.pool.cli;

import io.trinity.pool.spawn.OnDemandSpawning;
import io.trinity.pool.spawn.SpawnStrategy;
import io.trinity.pool.spawn.WarmPoolSpawning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The spawning strategies by name, from the core's registry
 * ({@link io.trinity.pool.spawn.SpawnStrategies#builtIn()}): a strategy added there shows up in
 * {@code --spawn-strategy} and in the bench matrix without a change here.
 */
final class SpawnStrategies {

    /** What the pool runs when no strategy is named: on-demand spawning plus the warm pool. */
    static final List<String> POOL_DEFAULT = List.of(OnDemandSpawning.NAME, WarmPoolSpawning.NAME);

    private SpawnStrategies() {
    }

    /** Strategy factories by name, in the core's order. */
    static Map<String, Supplier<SpawnStrategy>> available() {
        return io.trinity.pool.spawn.SpawnStrategies.builtIn();
    }

    /** New instances of the named strategies; an unknown name is a {@link UserError}. */
    static List<SpawnStrategy> create(List<String> names) {
        Map<String, Supplier<SpawnStrategy>> known = available();
        List<SpawnStrategy> out = new ArrayList<>();
        for (String n : names) {
            Supplier<SpawnStrategy> s = known.get(n.trim());
            if (s == null) {
                throw new UserError("unknown spawn strategy '" + n + "'; choose from "
                        + String.join(", ", known.keySet()) + " (comma-separated for several)");
            }
            out.add(s.get());
        }
        return out;
    }
}
