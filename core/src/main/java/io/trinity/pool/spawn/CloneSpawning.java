package io.trinity.pool.spawn;

/**
 * Fans out a burst by cloning: when tasks of a type wait and no agent has room, it clones the
 * busiest live agent of that type (the one bound to the waiting tasks' affinity key when there
 * is one) instead of spawning a fresh agent, so the new agent starts warm from the parent's
 * state snapshot (caches, loaded context, session). Types with no live agent to clone are left
 * to on-demand spawning.
 */
public final class CloneSpawning implements SpawnStrategy {

    /** The strategy's name, {@value}, as {@link SpawnStrategies#create(String)} and the CLI take it. */
    public static final String NAME = "clone";

    /** Creates the strategy; it keeps no state between plans. */
    public CloneSpawning() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void plan(SpawnPlanner p) {
        for (String type : p.types()) {
            int deficit = p.pending(type) - p.freeSlots(type) - p.spawning(type);
            if (deficit <= 0 || p.alive(type) - p.spawning(type) <= 0) {
                continue;
            }
            String key = p.pendingAffinityKey(type);
            while (deficit-- > 0 && p.cloneBusiest(type, key)) {
                // each clone takes one waiting task; refused at the cap or the rate limit
            }
        }
    }
}
