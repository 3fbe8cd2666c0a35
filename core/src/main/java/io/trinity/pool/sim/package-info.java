/**
 * Simulated agents, for tests, benchmarks and capacity planning.
 *
 * <p>A {@link io.trinity.pool.sim.SimulatedAgent} does no work but spends time on the pool's
 * clock: durations come from a seeded {@link io.trinity.pool.sim.Distribution} (or the task's
 * {@code duration_ms}), and a {@link io.trinity.pool.sim.SimProfile} sets its cold start,
 * heartbeat, slowdown and fault rates. It holds no thread, so on a
 * {@link io.trinity.pool.time.VirtualClock} a day of workload runs in seconds and replays
 * exactly from its seed.
 */
package io.trinity.pool.sim;
