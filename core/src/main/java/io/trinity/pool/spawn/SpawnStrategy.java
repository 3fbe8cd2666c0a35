package io.trinity.pool.spawn;

/**
 * Decides when to add agents. Strategies are consulted by the control loop on every scale tick
 * and, if {@link #reactive()}, after every dispatch round; several may be active and each only asks the
 * {@link SpawnPlanner} for spawns, which enforces the pool cap and the spawn rate limit.
 * Adding a strategy means adding a class, not editing the engine.
 */
public interface SpawnStrategy {

    /** {@return the name used on the command line and in docs, such as {@code on-demand}} */
    String name();

    /**
     * Looks at the pool and asks for spawns. Called only on the control loop, so it must be quick and must
     * not block; the planner is valid only during the call.
     *
     * @param planner the pool as strategies see it, and the way to spawn
     */
    void plan(SpawnPlanner planner);

    /**
     * {@return true (the default) to be consulted after every dispatch round, for strategies that react to
     * waiting tasks; false to be consulted only on the scale tick} The latter keeps per-task cost independent
     * of the pool size for strategies that look at trends.
     */
    default boolean reactive() {
        return true;
    }
}
