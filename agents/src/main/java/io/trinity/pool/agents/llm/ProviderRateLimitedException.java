package io.trinity.pool.agents.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The model provider answered HTTP 429: the resource is rate-limited right now. The task may be
 * retried (this is not a {@code NonRetryableException}); the pool can pace further calls to
 * {@link #resourceKey()} by {@link #retryAfter()} when the provider said how long to wait.
 */
public final class ProviderRateLimitedException extends RuntimeException {

    private final String resourceKey;
    private final transient Duration retryAfter;

    public ProviderRateLimitedException(String resourceKey, Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.resourceKey = Objects.requireNonNull(resourceKey, "resourceKey");
        this.retryAfter = retryAfter;
    }

    /** The limited resource, {@code provider:model}, as in {@code TaskContext.reportUsage}. */
    public String resourceKey() {
        return resourceKey;
    }

    /** How long the provider asked callers to wait (its Retry-After header); empty if it did not say. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
