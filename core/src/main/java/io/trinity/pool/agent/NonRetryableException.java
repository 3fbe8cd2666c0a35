package io.trinity.pool.agent;

/** Thrown by an agent for a failure that another attempt cannot fix (bad input): the task fails at once. */
public class NonRetryableException extends RuntimeException {
    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
