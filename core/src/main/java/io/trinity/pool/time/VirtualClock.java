package io.trinity.pool.time;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * Simulated time for tests and the simulator. Time stands still until {@link #advance} moves
 * it; due timers then fire in order of due time (ties in order of scheduling), each with the
 * clock set to its own due time, so a replay is exact.
 *
 * <p>Not thread-safe by design: a virtual-time run is driven by one thread.
 */
public final class VirtualClock implements PoolClock {

    private final PriorityQueue<Entry> timers = new PriorityQueue<>();
    private long now;
    private long sequence;
    /** Wall-clock ms at virtual time {@code wallAtNanos}, or {@link Long#MIN_VALUE} to read the real wall clock. */
    private final long wallMillis;
    private final long wallAtNanos;

    /** A clock at time 0 with no timers. */
    public VirtualClock() {
        this(0);
    }

    /**
     * A clock at a given time with no timers.
     *
     * @param startNanos the starting time, in nanoseconds
     */
    public VirtualClock(long startNanos) {
        this.now = startNanos;
        this.wallMillis = Long.MIN_VALUE;
        this.wallAtNanos = startNanos;
    }

    /**
     * A clock at a given time whose wall-clock time moves with virtual time: {@link #epochMillis()}
     * is {@code epochMillisAtStart} plus the virtual time passed since {@code startNanos}. Two pools
     * run one after the other on the same journal see one consistent timeline this way (a restart
     * after a simulated downtime is a second clock whose wall-clock start is later).
     *
     * @param startNanos the starting time, in nanoseconds
     * @param epochMillisAtStart the wall-clock time at {@code startNanos}, epoch milliseconds
     */
    public VirtualClock(long startNanos, long epochMillisAtStart) {
        this.now = startNanos;
        this.wallMillis = epochMillisAtStart;
        this.wallAtNanos = startNanos;
    }

    /**
     * {@return the wall-clock origin plus the virtual time passed, when the clock was given one;
     * else the real wall clock}
     */
    @Override
    public long epochMillis() {
        return wallMillis == Long.MIN_VALUE ? System.currentTimeMillis()
                : wallMillis + Math.floorDiv(now - wallAtNanos, 1_000_000L);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Timer schedule(Duration delay, Runnable action) {
        long nanos = Math.max(0, io.trinity.pool.Durations.saturatedNanos(delay));
        Entry entry = new Entry(saturatedAdd(now, nanos), sequence++, action);
        timers.add(entry);
        return entry;
    }

    /**
     * Moves time forward, firing every timer that falls due on the way, in order, each with the clock at its
     * due time; timers scheduled by those that fire run too if they fall due within the span.
     *
     * @param duration how far, {@code >= 0}; saturates at {@link Long#MAX_VALUE} nanoseconds
     * @throws IllegalArgumentException if the duration is negative
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("advance: duration must be >= 0 (got " + duration + ")");
        }
        advanceTo(saturatedAdd(now, io.trinity.pool.Durations.saturatedNanos(duration)));
    }

    /**
     * Moves time to an absolute reading, firing due timers in order.
     *
     * @param targetNanos the target, in nanoseconds, not before now
     * @throws IllegalArgumentException if the target is before now
     */
    public void advanceTo(long targetNanos) {
        if (targetNanos < now) {
            throw new IllegalArgumentException("advanceTo: cannot move time backwards (now=" + now
                    + "ns, target=" + targetNanos + "ns)");
        }
        Entry next;
        while ((next = timers.peek()) != null && next.due <= targetNanos) {
            timers.poll();
            if (next.cancelled) {
                continue;
            }
            now = Math.max(now, next.due);
            next.fired = true;
            next.action.run();
        }
        now = targetNanos;
    }

    /** Fires every timer that is due now, without moving time. */
    public void runDue() {
        advanceTo(now);
    }

    /** {@return the due time of the next live timer, in nanoseconds, or -1 when none is scheduled} */
    public long nextDueNanos() {
        while (!timers.isEmpty() && timers.peek().cancelled) {
            timers.poll();
        }
        return timers.isEmpty() ? -1 : timers.peek().due;
    }

    /** {@return the number of live timers; a quiescent simulation has only periodic ones left} */
    public int pendingTimers() {
        int n = 0;
        for (Entry e : timers) {
            if (!e.cancelled) {
                n++;
            }
        }
        return n;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    @Override
    public String toString() {
        return "VirtualClock[now=" + Duration.ofNanos(now) + ", timers=" + timers.size() + "]";
    }

    private static final class Entry implements Comparable<Entry>, Timer {
        final long due;
        final long seq;
        final Runnable action;
        boolean cancelled;
        boolean fired;

        Entry(long due, long seq, Runnable action) {
            this.due = due;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public boolean cancel() {
            if (fired || cancelled) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
