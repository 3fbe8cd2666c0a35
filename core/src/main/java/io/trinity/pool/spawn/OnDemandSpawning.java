package io.trinity.pool.spawn;

import io.trinity.pool.event.PoolEvent.SpawnCause;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spawns when tasks wait and no agent of their type has room: one agent per waiting task not
 * already covered by a free slot, a spawn in progress, or running work that will finish before
 * a new agent could start (when cold starts are slower than tasks, spawning one agent per
 * waiting task only builds agents that arrive after the queue is gone). A type with no agent at
 * all always gets one, and gets it first. At the cap it reclaims a READY or IDLE agent of a
 * type with nothing queued to make room, as many as the waiting types need in one round
 * (within the spawn rate), each next agent to the waiting type with the fewest.
 */
public final class OnDemandSpawning implements SpawnStrategy {

    public static final String NAME = "on-demand";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void plan(SpawnPlanner p) {
        Map<String, Integer> deficits = new LinkedHashMap<>();
        for (String type : p.types()) {
            int pending = p.pending(type);
            int deficit = pending - p.freeSlots(type) - p.spawning(type) - p.coveredBeforeASpawn(type);
            if (pending > 0 && p.alive(type) == 0) {
                deficit = Math.max(deficit, 1);
            }
            if (deficit > 0) {
                deficits.put(type, deficit);
            }
        }
        // One agent at a time, each to the waiting type that has the fewest: a type with none
        // goes first (it makes no progress at all), and no type takes every free place or spawn
        // permit while another waits. A type that cannot grow now leaves the round.
        while (!deficits.isEmpty()) {
            String next = null;
            for (Map.Entry<String, Integer> e : deficits.entrySet()) {
                if (next == null || p.alive(e.getKey()) < p.alive(next)
                        || (p.alive(e.getKey()) == p.alive(next) && e.getValue() > deficits.get(next))) {
                    next = e.getKey();
                }
            }
            int left = deficits.get(next);
            if (grow(p, next) && left > 1) {
                deficits.put(next, left - 1);
            } else {
                deficits.remove(next);
            }
        }
    }

    /** One more agent for the type: a spawn, or at the cap an idle agent of another type reclaimed. */
    private static boolean grow(SpawnPlanner p, String type) {
        // the reclaimed slot becomes this type's agent (respecialized or respawned)
        return p.spawn(type, SpawnCause.ON_DEMAND) || (p.alive() >= p.maxAgents() && p.reclaimFor(type));
    }
}
