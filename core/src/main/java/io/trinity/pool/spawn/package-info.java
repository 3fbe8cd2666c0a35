/**
 * Spawning strategies: when to add agents.
 *
 * <p>A {@link io.trinity.pool.spawn.SpawnStrategy} looks at the pool through a
 * {@link io.trinity.pool.spawn.SpawnPlanner} and asks it for spawns; the planner enforces the
 * pool cap, each type's cap, the spawn rate limit ({@link io.trinity.pool.spawn.SpawnLimiter})
 * and restart backoff, so a strategy cannot overrun them. Strategies run on the control loop,
 * after dispatch rounds (reactive ones) and on the scale tick.
 *
 * <p>Built in ({@link io.trinity.pool.spawn.SpawnStrategies}): on-demand, warm-pool,
 * predictive (a seasonal forecast of arrivals) and clone (new agents start from a busy agent's
 * snapshot). With none chosen a pool uses on-demand plus the warm pool. Destroying is not a
 * strategy's job: the idle timeout and the auto-scaler do it.
 */
package io.trinity.pool.spawn;
