package io.trinity.pool.time;

import java.time.Duration;

/**
 * The pool's only source of time. Every timeout, interval and timestamp in the runtime comes
 * through a clock, so a {@link VirtualClock} can replay a day of workload in seconds.
 *
 * <p>Timer callbacks must be short: the pool only uses them to post a command to its control
 * loop.
 */
public interface PoolClock {

    /** Monotonic nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Runs {@code action} once, no earlier than {@code delay} from now. */
    Timer schedule(Duration delay, Runnable action);

    /** A scheduled action that can be cancelled before it fires. */
    interface Timer {
        /** Returns true if the action had not yet fired and now never will. */
        boolean cancel();
    }

    /** The real clock, backed by {@link System#nanoTime()} and one daemon scheduler thread. */
    static PoolClock system() {
        return SystemClock.INSTANCE;
    }
}
