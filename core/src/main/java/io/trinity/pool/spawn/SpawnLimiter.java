package io.trinity.pool.spawn;

/**
 * At most {@code rate} spawns in any sliding one-second window: a ring of the last
 * {@code rate} spawn times; a new spawn is allowed when the oldest of them is a second old.
 * Exact (not a token-bucket approximation), O(1), and owned by the control loop.
 */
public final class SpawnLimiter {

    private static final long WINDOW = 1_000_000_000L;
    private final long[] times;
    private int count;
    private int oldest;

    public SpawnLimiter(int rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("spawnRate must be >= 1 (got " + rate + ")");
        }
        times = new long[rate];
    }

    /** Records a spawn at {@code now} and returns true if the window has room. */
    public boolean tryAcquire(long now) {
        if (count < times.length) {
            times[(oldest + count) % times.length] = now;
            count++;
            return true;
        }
        if (now - times[oldest] >= WINDOW) {
            times[oldest] = now;
            oldest = (oldest + 1) % times.length;
            return true;
        }
        return false;
    }

    /** The earliest time a spawn will be allowed (now or later). */
    public long nextPermitNanos(long now) {
        return count < times.length ? now : Math.max(now, times[oldest] + WINDOW);
    }
}
