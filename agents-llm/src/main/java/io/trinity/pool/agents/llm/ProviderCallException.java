package io.trinity.pool.agents.llm;

import java.util.OptionalInt;

/**
 * A call to the model provider failed in a way another attempt may fix: a 5xx or 408 answer,
 * a timeout, or a connection that could not be made. The pool retries the task.
 */
public final class ProviderCallException extends RuntimeException {

    private final int statusCode;

    /** @param statusCode the HTTP status, or -1 when no answer arrived */
    public ProviderCallException(int statusCode, String message, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
    }

    /** The HTTP status, or empty when no answer arrived (timeout, connection refused). */
    public OptionalInt statusCode() {
        return statusCode < 0 ? OptionalInt.empty() : OptionalInt.of(statusCode);
    }
}
