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

    /**
     * State this strategy learned that a restarted pool should take back (with a journal that
     * {@linkplain io.trinity.pool.journal.Journal#keepsPoolState() keeps pool state}). Called on
     * the control loop after each scale tick's {@link #plan}, so it must be quick; the pool
     * writes what it returns under {@link #name()}, so return it only when it changed
     * materially since the last call.
     *
     * @return the state as plain data (maps, lists, strings, numbers, booleans, null), or null
     *     when nothing worth saving changed; the default keeps nothing
     */
    default java.util.Map<String, Object> changedState() {
        return null;
    }

    /**
     * Takes back state a previous run saved through {@link #changedState()}. Called once, on
     * the thread that builds the pool, before the first {@link #plan}.
     *
     * @param state what {@link #changedState()} returned before the restart, as read back from
     *     the journal (numbers may come back as other {@link Number} types)
     * @param clockShiftNanos add this to a time of the previous run's pool clock to get the
     *     same moment on this run's clock (the two clocks have different origins)
     */
    default void restoreState(java.util.Map<String, Object> state, long clockShiftNanos) {
    }
}
