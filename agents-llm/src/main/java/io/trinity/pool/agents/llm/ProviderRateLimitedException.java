package io.trinity.pool.agents.llm;

import io.trinity.pool.agent.RateLimitedException;
import java.time.Duration;
import java.util.Objects;

/**
 * The model provider answered HTTP 429: the resource is rate-limited right now. It is the
 * core's {@link RateLimitedException}, so the pool pauses {@link #resourceKey()} for
 * {@link #retryAfter()} (capped by the resource's maxPause) and requeues the task without
 * spending an attempt.
 */
public final class ProviderRateLimitedException extends RateLimitedException {

    public ProviderRateLimitedException(String resourceKey, Duration retryAfter, String message, Throwable cause) {
        super(Objects.requireNonNull(resourceKey, "resourceKey"), retryAfter, message, cause);
    }

    /** The limited resource, {@code provider:model}, as in {@code TaskContext.reportUsage}. */
    public String resourceKey() {
        return resource();
    }
}
