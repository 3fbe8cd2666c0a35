package io.trinity.pool.agent;

/** An agent was asked to make a lifecycle move that {@link AgentState} does not allow: a bug. */
public final class IllegalTransitionException extends IllegalStateException {
    private final AgentState from;
    private final AgentState to;

    public IllegalTransitionException(String agentId, AgentState from, AgentState to) {
        super("agent " + agentId + ": illegal lifecycle transition " + from + " -> " + to
                + " (allowed from " + from + ": " + from.successors() + ")");
        this.from = from;
        this.to = to;
    }

    public AgentState from() {
        return from;
    }

    public AgentState to() {
        return to;
    }
}
