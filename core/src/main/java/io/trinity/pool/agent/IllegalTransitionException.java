package io.trinity.pool.agent;

/** An agent was asked to make a lifecycle move that {@link AgentState} does not allow: a bug. */
public final class IllegalTransitionException extends IllegalStateException {
    /** The agent's state. */
    private final AgentState from;
    /** The state it was asked to enter. */
    private final AgentState to;

    /**
     * Creates the exception; its message lists the moves allowed from {@code from}.
     *
     * @param agentId the agent
     * @param from its state
     * @param to the state it was asked to enter
     */
    public IllegalTransitionException(String agentId, AgentState from, AgentState to) {
        super("agent " + agentId + ": illegal lifecycle transition " + from + " -> " + to
                + " (allowed from " + from + ": " + from.successors() + ")");
        this.from = from;
        this.to = to;
    }

    /** {@return the agent's state at the refused move} */
    public AgentState from() {
        return from;
    }

    /** {@return the state it was asked to enter} */
    public AgentState to() {
        return to;
    }
}
