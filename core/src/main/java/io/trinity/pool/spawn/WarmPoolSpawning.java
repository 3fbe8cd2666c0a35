package io.trinity.pool.spawn;

import io.trinity.pool.event.PoolEvent.SpawnCause;

/**
 * Keeps the warm pool filled: for each type, spawns while the READY agents (plus those still
 * spawning) are below the type's share of the warm pool and the type's agents are below that
 * share on top of its smoothed busy count — so a momentary peak of busy agents does not buy
 * agents that the scaler removes a minute later. The engine decides the shares from recent
 * demand and adapts the total to the demand forecast for the next spawn-time window.
 */
public final class WarmPoolSpawning implements SpawnStrategy {

    /** The strategy's name, {@value}, as {@link SpawnStrategies#create(String)} and the CLI take it. */
    public static final String NAME = "warm-pool";

    /** Creates the strategy; it keeps no state between plans. */
    public WarmPoolSpawning() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Trends, not single tasks: the scale tick is soon enough. */
    @Override
    public boolean reactive() {
        return false;
    }

    @Override
    public void plan(SpawnPlanner p) {
        for (String type : p.types()) {
            int deficit = Math.min(p.warmFloor(type) - p.alive(type),
                    p.warmTarget(type) - p.readyNow(type) - p.spawning(type));
            while (deficit-- > 0 && p.spawn(type, SpawnCause.WARM_POOL)) {
                // spawn() refuses at the cap or the rate limit; the next plan continues
            }
        }
    }
}
