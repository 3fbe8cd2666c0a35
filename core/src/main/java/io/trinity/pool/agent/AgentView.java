package io.trinity.pool.agent;

/**
 * A read-only view of a live agent, as balancers and listeners see it. Values are read on the
 * control loop and are current only there.
 */
public interface AgentView {

    String id();

    String type();

    AgentState state();

    int capacity();

    /** Tasks running on it now. */
    int inFlight();

    /** Exponentially weighted recent task latency in nanoseconds; 0 before its first task. */
    long recentLatencyNanos();

    /** Tasks it has completed (any outcome). */
    long completed();

    default boolean hasSpareCapacity() {
        return inFlight() < capacity();
    }

    /** inFlight / capacity. */
    default double load() {
        return (double) inFlight() / capacity();
    }
}
