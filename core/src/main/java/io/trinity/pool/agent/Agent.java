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

    /**
     * The work itself; see the class contract for threads, progress, cancellation and failures.
     *
     * @param context the task and the channel back to the pool
     * @return the result, plain data (never null; {@link Payload#EMPTY} for none)
     * @throws Exception a retryable task failure, or one of the exceptions the class contract lists
     */
    Payload execute(TaskContext context) throws Exception;

    /**
     * One-time initialisation (the cold start), before the first task; the default does nothing.
     *
     * @throws Exception if the agent cannot start; it goes FAILED and counts toward its type's circuit
     */
    default void init() throws Exception {
    }

    /**
     * {@return tasks this agent may run at once, {@code >= 1}; read once after {@link #init()}; the default
     * is 1}
     */
    default int capacity() {
        return 1;
    }

    /**
     * {@return the node (machine) this agent runs on, or null (the default) when the pool is not clustered}
     * Read once, on the control loop, after {@link #init()}, like {@link #capacity()}: it must be quick and
     * must not change. A clustered pool prefers, for a task, an agent on the node where the task was
     * submitted ({@link io.trinity.pool.Task#origin()}).
     */
    default String node() {
        return null;
    }

    /**
     * {@return state worth keeping when the agent is cloned or destroyed, as plain data; empty (the default)
     * if it has none} Called on the control loop when the agent is cloned, possibly while it runs tasks, so
     * it must be quick and thread-safe; a runtime exception is logged and counts as empty.
     */
    default Optional<AgentSnapshot> snapshot() {
        return Optional.empty();
    }

    /**
     * Turns this agent, while IDLE, into an agent of another type, so the pool at its cap need not destroy
     * one agent and spawn another.
     *
     * @param newType the type it should become
     * @return true if it did; false (the default) if it cannot, and the pool destroys and spawns instead
     */
    default boolean respecialize(String newType) {
        return false;
    }

    /**
     * {@return false when the agent knows it is broken; polled by the health monitor between tasks, false
     * marks it FAILED; the default is true}
     */
    default boolean alive() {
        return true;
    }

    /**
     * Releases resources. Called once, while the agent is DESTROYING or after it FAILED; the default does
     * nothing.
     *
     * @throws Exception if releasing fails; logged, the agent is removed anyway
     */
    default void close() throws Exception {
    }
}
