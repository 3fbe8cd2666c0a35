package io.trinity.pool.spawn;

import io.trinity.pool.event.PoolEvent.SpawnCause;

/**
 * Spawns when tasks wait and no agent of their type has room: one agent per waiting task not
 * already covered by a free slot, a spawn in progress, or running work that will finish before
 * a new agent could start (when cold starts are slower than tasks, spawning one agent per
 * waiting task only builds agents that arrive after the queue is gone). A type with no agent at
 * all always gets one. At the cap it reclaims an IDLE agent of another type to make room.
 */
public final class OnDemandSpawning implements SpawnStrategy {

    /** The strategy's name, {@value}, as {@link SpawnStrategies#create(String)} and the CLI take it. */
    public static final String NAME = "on-demand";

    /** Creates the strategy; it keeps no state between plans. */
    public OnDemandSpawning() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void plan(SpawnPlanner p) {
        for (String type : p.types()) {
            int pending = p.pending(type);
            int deficit = pending - p.freeSlots(type) - p.spawning(type) - p.coveredBeforeASpawn(type);
            if (pending > 0 && p.alive(type) == 0) {
                deficit = Math.max(deficit, 1);
            }
            while (deficit > 0) {
                if (p.spawn(type, SpawnCause.ON_DEMAND)) {
                    deficit--;
                } else if (p.alive() >= p.maxAgents() && p.reclaimFor(type)) {
                    deficit--; // the reclaimed slot becomes this type's agent (respecialized or respawned)
                } else {
                    break;
                }
            }
        }
    }
}
