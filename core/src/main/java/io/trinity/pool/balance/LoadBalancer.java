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

    /** The name tasks and config use to pick this balancer, such as {@code least-loaded}. */
    String name();

    /**
     * Picks one of {@code candidates} (never empty; every one has spare capacity), or returns
     * null to leave the task queued for now (an affinity balancer waiting for its agent).
     */
    AgentView select(TaskRequest task, List<? extends AgentView> candidates);

    /** An agent of some type became live (READY for the first time). */
    default void agentAdded(AgentView agent) {
    }

    /** An agent left the pool (destroyed or failed). */
    default void agentRemoved(AgentView agent) {
    }

    /** A task this balancer placed has ended its attempt. */
    default void taskEnded(AgentView agent, TaskRequest task, Outcome outcome) {
    }

    /** Creates a balancer for one pool. */
    @FunctionalInterface
    interface Factory {
        LoadBalancer create(BalancerContext context);
    }
}
