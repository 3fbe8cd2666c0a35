/**
 * Everything observable about a pool, as events.
 *
 * <p>Every state change is a {@link io.trinity.pool.event.PoolEvent}: a sealed interface of
 * immutable records, each with the pool clock's time, a stable event-log name and its fields.
 * A {@link io.trinity.pool.event.PoolListener} receives them in order on the control loop and
 * must be quick; nothing is built when nobody listens. The log tells the whole truth: every
 * final state of every task is in it, in non-decreasing time.
 *
 * <p>{@link io.trinity.pool.event.EventLogWriter} writes them as JSON Lines (one object a
 * line, UTF-8, {@code t} and {@code ev} first); the names and fields are a contract, listed in
 * docs/events.md.
 */
package io.trinity.pool.event;
