package io.trinity.pool.server;

import io.trinity.pool.time.PoolClock;
import java.time.Instant;

/**
 * Turns the pool clock's nanoseconds into wall-clock instants for the API: the wall time at
 * start plus the pool time elapsed since. On the system clock that is the real time; on a
 * virtual clock it is the virtual time counted from the start.
 */
final class PoolTime {

    private final PoolClock clock;
    private final long startNanos;
    private final Instant startWall;

    PoolTime(PoolClock clock, Instant startWall) {
        this.clock = clock;
        this.startNanos = clock.nanoTime();
        this.startWall = startWall;
    }

    /** The wall time at start: with {@link #uptimeMillis()}, what tells one run of the server from another. */
    Instant startedAt() {
        return startWall;
    }

    long startNanos() {
        return startNanos;
    }

    long nanos() {
        return clock.nanoTime();
    }

    Instant now() {
        return at(clock.nanoTime());
    }

    Instant at(long nanos) {
        return startWall.plusNanos(nanos - startNanos);
    }

    long uptimeMillis() {
        return (clock.nanoTime() - startNanos) / 1_000_000;
    }
}
