package io.trinity.pool.agent;

/** Thrown by an agent for a failure that another attempt cannot fix (bad input): the task fails at once. */
public class NonRetryableException extends RuntimeException {
    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the task's failure reasons
     */
    public NonRetryableException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, for the task's failure reasons
     * @param cause the underlying exception, or null
     */
    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
