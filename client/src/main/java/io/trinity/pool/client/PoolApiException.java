package io.trinity.pool.client;

import io.trinity.pool.PoolException;

/**
 * An answer of the server that no library exception stands for: 401 (no or unknown key), 403
 * (an admin route with a tenant key), 404 (no such task for this key), 409 (already final),
 * 413, 429 for the key's request rate, or anything unexpected.
 */
public final class PoolApiException extends PoolException {

    private final int status;
    private final String field;
    private final String reason;
    private final long retryAfterSeconds;

    public PoolApiException(int status, String message, String field, String reason, long retryAfterSeconds) {
        super("HTTP " + status + ": " + message);
        this.status = status;
        this.field = field;
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    /** The field, parameter or header at fault, if the server named one. */
    public String field() {
        return field;
    }

    /** The server's reason code ({@code rate_limit}, ...), if any. */
    public String reason() {
        return reason;
    }

    /** Seconds to wait before trying again (from {@code Retry-After}), or 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
