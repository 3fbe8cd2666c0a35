package io.trinity.pool.spawn;

import io.trinity.pool.event.PoolEvent.SpawnCause;

/**
 * Keeps the warm pool filled: for each type, spawns until the READY agents (plus those still
 * spawning) reach the type's share of the warm pool. The engine decides the shares from recent
 * demand and adapts the total to the demand forecast for the next spawn-time window.
 */
public final class WarmPoolSpawning implements SpawnStrategy {

    public static final String NAME = "warm-pool";

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
            int deficit = p.warmTarget(type) - p.readyNow(type) - p.spawning(type);
            while (deficit-- > 0 && p.spawn(type, SpawnCause.WARM_POOL)) {
                // spawn() refuses at the cap or the rate limit; the next plan continues
            }
        }
    }
}
