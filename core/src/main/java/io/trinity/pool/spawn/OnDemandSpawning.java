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
 * (within the spawn rate), each next agent to the waiting type whose need is least met.
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
        Map<String, Integer> deficits = null; // built only when a type lacks agents: this runs after every dispatch
        for (String type : p.types()) {
            int pending = p.pending(type);
            if (pending == 0) {
                continue;
            }
            int deficit = pending - p.freeSlots(type) - p.spawning(type) - p.coveredBeforeASpawn(type);
            if (p.alive(type) == 0) {
                deficit = Math.max(deficit, 1);
            }
            if (deficit > 0) {
                if (deficits == null) {
                    deficits = new LinkedHashMap<>();
                }
                deficits.put(type, deficit);
            }
        }
        if (deficits == null) {
            return;
        }
        // One agent at a time, each to the waiting type whose need is least met (agents it has
        // over agents plus its deficit): a type with none goes first, since it makes no progress
        // at all, and at the cap no type takes every free place or spawn permit while another
        // waits, yet a longer backlog still gets more agents. A type that cannot grow now leaves
        // the round.
        while (!deficits.isEmpty()) {
            String next = null;
            for (String type : deficits.keySet()) {
                if (next == null || lessMet(p, type, deficits.get(type), next, deficits.get(next))) {
                    next = type;
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

    /** alive(a) / (alive(a) + deficit a) < the same of b, in integers; ties go to the larger deficit. */
    private static boolean lessMet(SpawnPlanner p, String a, int deficitA, String b, int deficitB) {
        long aliveA = p.alive(a);
        long aliveB = p.alive(b);
        long left = aliveA * (aliveB + deficitB);
        long right = aliveB * (aliveA + deficitA);
        return left < right || (left == right && deficitA > deficitB);
    }

    /** One more agent for the type: a spawn, or at the cap an idle agent of another type reclaimed. */
    private static boolean grow(SpawnPlanner p, String type) {
        // the reclaimed slot becomes this type's agent (respecialized or respawned)
        return p.spawn(type, SpawnCause.ON_DEMAND) || (p.alive() >= p.maxAgents() && p.reclaimFor(type));
    }
}
