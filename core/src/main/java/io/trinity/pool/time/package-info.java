/**
 * The pool's only source of time.
 *
 * <p>Every timeout, backoff, tick, heartbeat and TTL goes through a
 * {@link io.trinity.pool.time.PoolClock}: {@link io.trinity.pool.time.PoolClock#system()} for
 * real use, {@link io.trinity.pool.time.VirtualClock} for tests and simulation, where time
 * stands still until {@code advance} moves it and fires due timers in order. Times are
 * nanoseconds on the clock's own scale; only differences are meaningful.
 */
package io.trinity.pool.time;
