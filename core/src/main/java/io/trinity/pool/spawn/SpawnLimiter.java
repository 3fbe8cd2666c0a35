package io.trinity.pool.spawn;

/**
 * At most {@code rate} spawns in any sliding one-second window: a ring of the last {@code rate} spawn times;
 * a new spawn is allowed when the oldest of them is a second old. Exact (not a token-bucket approximation),
 * O(1). Not thread-safe: the control loop owns it.
 */
public final class SpawnLimiter {

    private static final long WINDOW = 1_000_000_000L;
    private final long[] times;
    private int count;
    private int oldest;

    /**
     * A limiter with room for {@code rate} spawns in any second.
     *
     * @param rate spawns per sliding second, {@code >= 1}
     * @throws IllegalArgumentException if {@code rate < 1}
     */
    public SpawnLimiter(int rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("spawnRate must be >= 1 (got " + rate + ")");
        }
        times = new long[rate];
    }

    /**
     * Records a spawn at {@code now} if the window has room.
     *
     * @param now the pool clock's time, in nanoseconds, never earlier than a previous call's
     * @return true if the spawn is allowed (and recorded), false if the window is full
     */
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

    /**
     * The earliest time a spawn will be allowed.
     *
     * @param now the pool clock's time, in nanoseconds
     * @return {@code now} if a spawn is allowed now, else the time the oldest recorded spawn leaves the
     *     window
     */
    public long nextPermitNanos(long now) {
        return count < times.length ? now : Math.max(now, times[oldest] + WINDOW);
    }
}
