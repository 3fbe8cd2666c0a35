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
    SPAWNING, READY, BUSY, IDLE, DESTROYING, FAILED;

    private Set<AgentState> next;

    static {
        SPAWNING.next = EnumSet.of(READY, FAILED);
        READY.next = EnumSet.of(BUSY, IDLE, DESTROYING, FAILED);
        BUSY.next = EnumSet.of(READY, IDLE, FAILED);
        IDLE.next = EnumSet.of(BUSY, DESTROYING);
        DESTROYING.next = EnumSet.noneOf(AgentState.class);
        FAILED.next = EnumSet.noneOf(AgentState.class);
    }

    public boolean canMoveTo(AgentState to) {
        return next.contains(to);
    }

    /** The states this one may move to. */
    public Set<AgentState> successors() {
        return EnumSet.copyOf(next.isEmpty() ? EnumSet.noneOf(AgentState.class) : next);
    }

    /** Throws {@link IllegalTransitionException} unless {@code from -> to} is legal. */
    public static void checkTransition(String agentId, AgentState from, AgentState to) {
        if (!from.canMoveTo(to)) {
            throw new IllegalTransitionException(agentId, from, to);
        }
    }

    /** True while the agent can take a task. */
    public boolean isAvailable() {
        return this == READY || this == IDLE || this == BUSY;
    }

    /** True once the agent is on its way out. */
    public boolean isTerminal() {
        return this == DESTROYING || this == FAILED;
    }
}
