package io.trinity.pool;

/** Thrown by submit once shutdown has begun: the task was not accepted. */
public final class PoolShutdownException extends PoolException {
    public PoolShutdownException(String message) {
        super(message);
    }
}
