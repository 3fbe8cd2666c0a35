package io.trinity.pool.balance;

import io.trinity.pool.agent.AgentView;
import java.util.List;

/**
 * Chooses which agent runs a task. One instance per pool, called only from the control loop,
 * so implementations keep plain (unsynchronised) state.
 *
 * <p>The pool calls {@link #select} with the agents of the task's type that have spare
 * capacity; the list is random-access and must not be kept. Lifecycle callbacks let a
 * balancer keep its own indexes (a hash ring, skill profiles) without scanning every agent.
 */
public interface LoadBalancer {

    /** {@return the name tasks and config use to pick this balancer, such as {@code least-loaded}} */
    String name();

    /**
     * Picks the agent that runs a task.
     *
     * @param task the task and its attempt
     * @param candidates the agents of the task's type with spare capacity; never empty, random-access, valid
     *     only during the call
     * @return one of the candidates, or null to leave the task queued for now (an affinity balancer waiting
     *     for its agent, see {@link #hold})
     */
    AgentView select(TaskRequest task, List<? extends AgentView> candidates);

    /**
     * Asked right after {@link #select} returned null for the same request: whether the task waits
     * for one particular agent, and for how long at most. With a hold the pool skips the task and
     * goes on with the tasks behind it (no head-of-line blocking), and asks {@link #select} about it
     * again when that agent has room, leaves, or the hold ends; {@link TaskRequest#heldNanos()}
     * then says how long it has waited, and a balancer should place it once that reaches its
     * delay. Without a hold (the default) the pool stops dispatching the task's type until the
     * next change, as it always did for a null choice.
     *
     * @param task the request select just returned null for
     * @return the agent the task waits for and the longest further wait, or null
     */
    default Hold hold(TaskRequest task) {
        return null;
    }

    /**
     * An agent of some type became live (READY for the first time); the default ignores it.
     *
     * @param agent the agent
     */
    default void agentAdded(AgentView agent) {
    }

    /**
     * An agent left the pool (destroyed or failed); the default ignores it.
     *
     * @param agent the agent, for the last time
     */
    default void agentRemoved(AgentView agent) {
    }

    /**
     * An attempt succeeded, failed or timed out, whichever balancer placed it, so learned profiles stay
     * complete; the default ignores it. A balancer hears of outcomes from the first time a task
     * names it (or from the first dispatch, for the pool's default balancer) on: one no task
     * uses does not learn.
     *
     * @param agent the agent that ran it
     * @param task the task and its attempt
     * @param outcome how it ended
     */
    default void taskEnded(AgentView agent, TaskRequest task, Outcome outcome) {
    }

    /** Creates a balancer for one pool. */
    @FunctionalInterface
    interface Factory {
        /**
         * Creates the balancer of one pool.
         *
         * @param context the pool's clock, seeded randomness and balancer settings
         * @return a new balancer, used only by that pool
         */
        LoadBalancer create(BalancerContext context);
    }
}
