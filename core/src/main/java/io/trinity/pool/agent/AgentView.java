package io.trinity.pool.agent;

/**
 * A read-only view of a live agent, as balancers and listeners see it. Values are read on the
 * control loop and are current only there.
 */
public interface AgentView {

    /** {@return the agent's id, unique within the pool, such as {@code code-3}} */
    String id();

    /** {@return its agent type} */
    String type();

    /** {@return its lifecycle state} */
    AgentState state();

    /** {@return tasks it may run at once, {@code >= 1}} */
    int capacity();

    /** {@return the tasks running on it now} */
    int inFlight();

    /** {@return its exponentially weighted recent task latency, in nanoseconds; 0 before its first task} */
    long recentLatencyNanos();

    /** {@return the tasks it has completed, whatever their outcome} */
    long completed();

    /**
     * {@return the node (machine) it runs on, as its agent reported it ({@link Agent#node()}); null when the
     * pool is not clustered, and before the agent started (the default)}
     */
    default String node() {
        return null;
    }

    /** {@return whether it can take one more task: {@code inFlight() < capacity()}} */
    default boolean hasSpareCapacity() {
        return inFlight() < capacity();
    }

    /** {@return {@code inFlight / capacity}, from 0 (free) to 1 (full)} */
    default double load() {
        return (double) inFlight() / capacity();
    }
}
