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

    /** {@return monotonic nanoseconds; only differences are meaningful} */
    long nanoTime();

    /**
     * {@return wall-clock time, epoch milliseconds} The pool reads it once at start to map its
     * clock to the time base of journal records, which must mean the same after a restart.
     * Defaults to {@link System#currentTimeMillis()}; a {@link VirtualClock} given a wall-clock
     * origin derives it from virtual time, so restarts on virtual time are exact too.
     */
    default long epochMillis() {
        return System.currentTimeMillis();
    }

    /**
     * Runs an action once, no earlier than a delay from now.
     *
     * @param delay the delay; zero or negative means as soon as possible
     * @param action the action, short and not blocking
     * @return the timer, to cancel it
     */
    Timer schedule(Duration delay, Runnable action);

    /** A scheduled action that can be cancelled before it fires. */
    interface Timer {
        /**
         * {@return true if the action had not yet fired and now never will; false if it fired or was
         * cancelled before}
         */
        boolean cancel();
    }

    /**
     * {@return the real clock, backed by {@link System#nanoTime()} and one daemon scheduler thread; shared}
     */
    static PoolClock system() {
        return SystemClock.INSTANCE;
    }
}
