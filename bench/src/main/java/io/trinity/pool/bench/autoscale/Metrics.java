package io.trinity.pool.bench.autoscale;

import io.trinity.pool.bench.report.Stats;
import java.util.Arrays;

/**
 * What a run of one auto-scaler on one workload cost and delivered, computed the same way for
 * our pool (from its events) and for the simulated baselines.
 *
 * @param agentSeconds  sum over agents of (removed or end of run) minus spawn start
 * @param p95WaitMillis 95th percentile of queue wait (start of first attempt minus submit)
 * @param p99WaitMillis 99th percentile of the same
 * @param coldStarts    agents spawned, the initial ones included
 * @param flips         reversals of the direction of agent-count changes
 * @param fastFlips     reversals less than {@link #FLIP_WINDOW_NANOS} after the last change the other way
 * @param peakAgents    the most agents alive at once
 */
record Metrics(double agentSeconds, double p95WaitMillis, double p99WaitMillis, long coldStarts, long flips,
               long fastFlips, int peakAgents) {

    /** 60 s: our pool's scale-down window and idle timeout, the shortest window of any scaler here. */
    static final long FLIP_WINDOW_NANOS = 60_000_000_000L;

    /** Accumulates a run. Feed agent-count changes in time order. */
    static final class Builder {
        private final long[] waits;
        private int waitCount;
        private double agentNanos;
        private long coldStarts;
        private int alive;
        private int peak;
        private int lastDirection;
        private long lastUpAt = Long.MIN_VALUE / 2;
        private long lastDownAt = Long.MIN_VALUE / 2;
        private long flips;
        private long fastFlips;

        private final long horizon;

        /** Agent time is billed up to {@code horizon} (the workload's end), not past it. */
        Builder(int tasks, long horizon) {
            this.waits = new long[tasks];
            this.horizon = horizon;
        }

        void spawned(long now) {
            coldStarts++;
            change(now, +1);
        }

        void removed(long now, long spawnedAt) {
            agentNanos += Math.min(now, horizon) - Math.min(spawnedAt, horizon);
            change(now, -1);
        }

        /** Bills an agent still alive when the run ends. */
        void stillAlive(long spawnedAt) {
            agentNanos += Math.max(0, horizon - spawnedAt);
        }

        void waited(long nanos) {
            waits[waitCount++] = nanos;
        }

        int waitCount() {
            return waitCount;
        }

        private void change(long now, int direction) {
            alive += direction;
            peak = Math.max(peak, alive);
            if (lastDirection != 0 && direction != lastDirection) {
                flips++;
                long lastOpposite = direction > 0 ? lastDownAt : lastUpAt;
                if (now - lastOpposite < FLIP_WINDOW_NANOS) {
                    fastFlips++;
                }
            }
            lastDirection = direction;
            if (direction > 0) {
                lastUpAt = now;
            } else {
                lastDownAt = now;
            }
        }

        Metrics build() {
            long[] w = Arrays.copyOf(waits, waitCount);
            Arrays.sort(w);
            return new Metrics(agentNanos / 1e9, Stats.percentileSorted(w, 95) / 1e6, Stats.percentileSorted(w, 99) / 1e6,
                    coldStarts, flips, fastFlips, peak);
        }
    }
}
