package io.trinity.pool.agent;

/**
 * Thrown by an agent that is itself broken (its process died, its model unloaded): the agent
 * goes FAILED and is replaced, and the task is retried on another agent.
 */
public class AgentBrokenException extends RuntimeException {
    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the task's failure reasons
     */
    public AgentBrokenException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, for the task's failure reasons
     * @param cause the underlying exception, or null
     */
    public AgentBrokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
