package io.trinity.pool.agent;

/**
 * Thrown by an agent that is itself broken (its process died, its model unloaded): the agent
 * goes FAILED and is replaced, and the task is retried on another agent.
 */
public class AgentBrokenException extends RuntimeException {
    public AgentBrokenException(String message) {
        super(message);
    }

    public AgentBrokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
