package io.trinity.pool.health;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Restart discipline for one agent type, after Erlang/OTP supervisors: each failure in a row
 * doubles the delay before the next replacement (from {@code base} up to {@code cap}), with one
 * spawn at a time until one succeeds; and when
 * {@code intensity} failures fall within {@code window}, the type's circuit opens. While open,
 * only one probe spawn at a time is allowed; its success closes the circuit and resets the
 * backoff. Owned by the control loop.
 */
public final class RestartPolicy {

    private final long baseNanos;
    private final long capNanos;
    private final int intensity;
    private final long windowNanos;
    private final ArrayDeque<Long> failures = new ArrayDeque<>();
    private int consecutive;
    private long nextSpawnNanos = Long.MIN_VALUE;
    private boolean open;
    private boolean probing;

    public RestartPolicy(Duration base, Duration cap, int intensity, Duration window) {
        this.baseNanos = base.toNanos();
        this.capNanos = Math.max(baseNanos, cap.toNanos());
        this.intensity = intensity;
        this.windowNanos = window.toNanos();
    }

    /**
     * Records a failure at {@code now}; returns the backoff before the replacement may spawn.
     * Check {@link #isOpen()} afterwards: this failure may have opened the circuit.
     */
    public long recordFailure(long now) {
        failures.addLast(now);
        while (!failures.isEmpty() && now - failures.peekFirst() > windowNanos) {
            failures.pollFirst();
        }
        consecutive++;
        probing = false;
        long backoff = consecutive <= 1 ? baseNanos
                : Math.min(capNanos, baseNanos << Math.min(consecutive - 1, 30));
        nextSpawnNanos = now + backoff;
        if (failures.size() >= intensity) {
            open = true;
        }
        return backoff;
    }

    /** Records a successful spawn; returns true if that closed an open circuit. */
    public boolean recordSuccess() {
        consecutive = 0;
        probing = false;
        nextSpawnNanos = Long.MIN_VALUE;
        if (open) {
            open = false;
            failures.clear();
            return true;
        }
        return false;
    }

    /** Whether a spawn of this type may start now (backoff over; while open, one probe at a time). */
    public boolean maySpawn(long now) {
        if (now < nextSpawnNanos) {
            return false;
        }
        // While the type is failing, one spawn at a time: no herd of doomed replacements.
        return !(failing() && probing);
    }

    /** Notes that a spawn started; while the type is failing it is the probe. */
    public void spawnStarted() {
        if (failing()) {
            probing = true;
        }
    }

    private boolean failing() {
        return open || consecutive > 0;
    }

    public boolean isOpen() {
        return open;
    }

    /** When the backoff ends, on the pool clock. */
    public long nextSpawnNanos() {
        return nextSpawnNanos;
    }

    public int failuresInWindow() {
        return failures.size();
    }

    public int consecutiveFailures() {
        return consecutive;
    }
}
