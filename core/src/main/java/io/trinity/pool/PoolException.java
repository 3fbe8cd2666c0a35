package io.trinity.pool;

/**
 * Base of every exception the pool throws on purpose. Unchecked: each subclass says what was refused and what
 * to do in its message.
 */
public class PoolException extends RuntimeException {
    /**
     * Creates the exception.
     *
     * @param message what went wrong, with the value and what to do
     */
    public PoolException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, with the value and what to do
     * @param cause the underlying exception, or null
     */
    public PoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
