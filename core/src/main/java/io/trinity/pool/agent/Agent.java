package io.trinity.pool.agent;

import io.trinity.pool.Payload;
import java.util.Optional;

/**
 * A worker of one type. The pool creates agents through an {@link AgentFactory}, calls
 * {@link #init()} once (the cold start), then {@link #execute} for each task, at most
 * {@link #capacity()} at a time, and {@link #close()} when it destroys the agent.
 *
 * <p>Contract for {@code execute}:
 * <ul>
 *   <li>runs on the pool's agent executor (a virtual thread by default), never on the control
 *       loop, so it may block;</li>
 *   <li>reports progress through {@link TaskContext#progress}: that is the heartbeat the health
 *       monitor watches, so long work must call it regularly;</li>
 *   <li>honours cancellation: checks {@link TaskContext#isCancelled()} and reacts to
 *       interrupts;</li>
 *   <li>throws {@link NonRetryableException} for bad input (fails at once),
 *       {@link AgentBrokenException} when the agent itself is broken (it is replaced), and any
 *       other exception for a task failure that may be retried.</li>
 * </ul>
 */
public interface Agent {

    /** The work itself. Returns the result; see the class contract for failures. */
    Payload execute(TaskContext context) throws Exception;

    /** One-time initialisation (the cold start); throwing makes the agent FAILED. */
    default void init() throws Exception {
    }

    /** Tasks this agent may run at once. */
    default int capacity() {
        return 1;
    }

    /** State worth keeping when the agent is cloned or destroyed; empty if it has none. */
    default Optional<AgentSnapshot> snapshot() {
        return Optional.empty();
    }

    /**
     * Turns this agent, while IDLE, into an agent of {@code newType} and returns true; returns
     * false (the default) if it cannot, and the pool destroys and spawns instead.
     */
    default boolean respecialize(String newType) {
        return false;
    }

    /** Polled by the health monitor between tasks; false marks the agent FAILED. */
    default boolean alive() {
        return true;
    }

    /** Releases resources. Called once, while the agent is DESTROYING. */
    default void close() throws Exception {
    }
}
