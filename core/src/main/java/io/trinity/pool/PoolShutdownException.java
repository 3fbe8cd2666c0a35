package io.trinity.pool;

/** Thrown by submit once shutdown has begun: the task was not accepted. */
public final class PoolShutdownException extends PoolException {
    /**
     * Creates the exception.
     *
     * @param message which task was refused
     */
    public PoolShutdownException(String message) {
        super(message);
    }
}
