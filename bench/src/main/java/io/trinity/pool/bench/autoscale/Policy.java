package io.trinity.pool.bench.autoscale;

/**
 * A baseline auto-scaler as the {@link ClusterSim} runs it: asked for a desired agent count on
 * a fixed period ({@link #periodNanos()}) or, for message-driven resizers, on arrivals.
 */
interface Policy {

    String name();

    /** Agents at the start (spawned at time 0, paying the cold start like any other). */
    int initial(int maxAgents);

    /** How often {@link #onTick} runs; 0 for never. */
    long periodNanos();

    /** Desired agent count now, or -1 to leave it. */
    default int onTick(long now, ClusterSim.View view) {
        return -1;
    }

    /** Desired agent count after an arrival, or -1 to leave it. */
    default int onArrival(long now, ClusterSim.View view) {
        return -1;
    }

    /** Whether tasks are routed round-robin into per-agent mailboxes (a Pekko router) instead of one queue. */
    default boolean mailboxes() {
        return false;
    }
}
