package io.trinity.pool.agent;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by an agent when a provider refused a call because of its rate limit (HTTP 429). The
 * pool pauses {@link #resource()} for {@link #retryAfter()} (capped by the resource's
 * {@code maxPause}; its {@code defaultPause} when there is no hint), puts the task back in the
 * queue in its place <em>without</em> spending an attempt, and keeps other resources flowing.
 */
public class RateLimitedException extends RuntimeException {

    /** The limited resource, or null for the task's first declared one. */
    private final String resource;
    private final transient Duration retryAfter;

    /**
     * Creates the exception with its own message.
     *
     * @param resource the limited resource, such as {@code openai:gpt-4o}; null means the task's first
     *     declared resource
     * @param retryAfter the provider's hint, or null when it gave none
     * @param message what the provider said
     * @param cause the client's exception, or null
     */
    public RateLimitedException(String resource, Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.resource = resource;
        this.retryAfter = retryAfter;
    }

    /**
     * Creates the exception with a message naming the resource and the hint.
     *
     * @param resource the limited resource; null means the task's first declared resource
     * @param retryAfter the provider's hint, or null when it gave none
     */
    public RateLimitedException(String resource, Duration retryAfter) {
        this(resource, retryAfter, "rate limited on " + Objects.requireNonNullElse(resource, "its resource")
                + (retryAfter == null ? "" : ", retry after " + retryAfter.toMillis() + " ms"), null);
    }

    /** {@return the limited resource, or null for the task's first declared one} */
    public String resource() {
        return resource;
    }

    /** {@return how long the provider asked callers to wait; empty if it did not say} */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
