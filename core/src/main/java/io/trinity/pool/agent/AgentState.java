package io.trinity.pool.agent;

import java.util.EnumSet;
import java.util.Set;

/**
 * The agent lifecycle. Every legal transition is listed here; anything else is a bug and
 * {@link #checkTransition} throws.
 *
 * <pre>
 * SPAWNING   -> READY, FAILED
 * READY      -> BUSY, IDLE, DESTROYING (shutdown, re-specialize), FAILED
 * BUSY       -> READY, IDLE, FAILED
 * IDLE       -> BUSY, DESTROYING
 * DESTROYING -> (removed)
 * FAILED     -> (removed and replaced)
 * </pre>
 */
public enum AgentState {
    /** Initialising: the factory and {@link Agent#init()} run (the cold start). */
    SPAWNING,
    /** Available, recently active or held warm. */
    READY,
    /** Running one or more tasks, up to its capacity. */
    BUSY,
    /** Available, no work for a while; destroyed after the idle timeout unless needed. */
    IDLE,
    /** Saving state and releasing resources; removed afterwards. */
    DESTROYING,
    /** Crashed, hung or degraded; removed and replaced. */
    FAILED;

    private Set<AgentState> next;

    static {
        SPAWNING.next = EnumSet.of(READY, FAILED);
        READY.next = EnumSet.of(BUSY, IDLE, DESTROYING, FAILED);
        BUSY.next = EnumSet.of(READY, IDLE, FAILED);
        IDLE.next = EnumSet.of(BUSY, DESTROYING);
        DESTROYING.next = EnumSet.noneOf(AgentState.class);
        FAILED.next = EnumSet.noneOf(AgentState.class);
    }

    /**
     * Whether the lifecycle allows moving from this state to another.
     *
     * @param to the next state
     * @return true if the move is legal
     */
    public boolean canMoveTo(AgentState to) {
        return next.contains(to);
    }

    /** {@return the states this one may move to, as a new mutable set; empty for the terminal states} */
    public Set<AgentState> successors() {
        return EnumSet.copyOf(next.isEmpty() ? EnumSet.noneOf(AgentState.class) : next);
    }

    /**
     * Checks a move before it is made.
     *
     * @param agentId the agent, for the message
     * @param from its current state
     * @param to the state it is asked to enter
     * @throws IllegalTransitionException unless {@code from -> to} is legal
     */
    public static void checkTransition(String agentId, AgentState from, AgentState to) {
        if (!from.canMoveTo(to)) {
            throw new IllegalTransitionException(agentId, from, to);
        }
    }

    /** {@return whether an agent in this state can take a task (READY, IDLE, or BUSY under capacity)} */
    public boolean isAvailable() {
        return this == READY || this == IDLE || this == BUSY;
    }

    /** {@return whether an agent in this state is on its way out (DESTROYING or FAILED)} */
    public boolean isTerminal() {
        return this == DESTROYING || this == FAILED;
    }
}
