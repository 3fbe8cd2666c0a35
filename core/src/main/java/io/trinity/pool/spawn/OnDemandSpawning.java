package io.trinity.pool.spawn;

import io.trinity.pool.event.PoolEvent.SpawnCause;

/**
 * Spawns when tasks wait and no agent of their type has room: one agent per waiting task not
 * already covered by a free slot or a spawn in progress. At the cap it reclaims an IDLE agent of
 * another type to make room.
 */
public final class OnDemandSpawning implements SpawnStrategy {

    public static final String NAME = "on-demand";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void plan(SpawnPlanner p) {
        for (String type : p.types()) {
            int deficit = p.pending(type) - p.freeSlots(type) - p.spawning(type);
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
