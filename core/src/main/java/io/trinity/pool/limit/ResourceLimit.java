package io.trinity.pool.limit;

import java.time.Duration;

/**
 * Limits on one rate-limited resource shared by the whole pool, such as a provider's model
 * {@code openai:gpt-4o}. Register with {@code PoolConfig.Builder.resourceLimit}. A resource
 * tasks use without a registered limit is not paced, but still pauses on a provider's 429.
 * Immutable; start from {@link #of(String)}.
 *
 * <h2>Tuning guide</h2>
 * <ul>
 *   <li><b>requestsPerMinute</b> / <b>tokensPerMinute</b>: set them to the provider's quota.
 *       They hold in every rolling 60-second window (not just per calendar minute), counting
 *       a task's token estimate when it starts and its reported usage once it ends. 0 = no
 *       limit.</li>
 *   <li><b>maxConcurrent</b>: requests in flight at once. 0 = no limit.</li>
 *   <li><b>maxPause</b>: the longest a provider's Retry-After may pause the resource. A
 *       provider sometimes answers with an absurd wait ("114 hours"); the cap keeps that from
 *       freezing the pool.</li>
 *   <li><b>defaultPause</b>: the pause after a rejection that gave no (or no usable) hint.</li>
 * </ul>
 *
 * @param resource          the resource key, such as {@code openai:gpt-4o}
 * @param requestsPerMinute requests in any rolling 60 s; 0 for no limit
 * @param tokensPerMinute   tokens in any rolling 60 s; 0 for no limit
 * @param maxConcurrent     requests in flight at once; 0 for no limit
 * @param maxPause          the longest pause a provider's retry-after may impose
 * @param defaultPause      the pause after a rejection without a usable hint
 */
public record ResourceLimit(String resource, int requestsPerMinute, long tokensPerMinute, int maxConcurrent,
                            Duration maxPause, Duration defaultPause) {

    /** Default of {@code maxPause}: 60 seconds. */
    public static final Duration DEFAULT_MAX_PAUSE = Duration.ofSeconds(60);
    /** Default of {@code defaultPause}: 1 second. */
    public static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);

    /**
     * Checks every component.
     *
     * @param resource the resource key, such as {@code openai:gpt-4o}, not blank
     * @param requestsPerMinute requests in any rolling 60 s, {@code >= 0}; 0 for no limit
     * @param tokensPerMinute tokens in any rolling 60 s, {@code >= 0}; 0 for no limit
     * @param maxConcurrent requests in flight at once, {@code >= 0}; 0 for no limit
     * @param maxPause the longest pause a provider's retry-after may impose, {@code > 0}
     * @param defaultPause the pause after a rejection without a usable hint, {@code > 0} and at most {@code
     *     maxPause}
     * @throws IllegalArgumentException naming the resource, the component and its value, if one is out of
     *     range
     */
    public ResourceLimit {
        if (resource == null || resource.isBlank()) {
            throw new IllegalArgumentException("resource key must be non-blank, such as 'openai:gpt-4o' (got "
                    + (resource == null ? "null" : "'" + resource + "'") + ")");
        }
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException("requestsPerMinute of '" + resource + "' must be >= 0, 0 for no limit (got "
                    + requestsPerMinute + ")");
        }
        if (tokensPerMinute < 0) {
            throw new IllegalArgumentException("tokensPerMinute of '" + resource + "' must be >= 0, 0 for no limit (got "
                    + tokensPerMinute + ")");
        }
        if (maxConcurrent < 0) {
            throw new IllegalArgumentException("maxConcurrent of '" + resource + "' must be >= 0, 0 for no limit (got "
                    + maxConcurrent + ")");
        }
        if (maxPause == null || maxPause.isNegative() || maxPause.isZero()) {
            throw new IllegalArgumentException("maxPause of '" + resource + "' must be > 0 (got " + maxPause + ")");
        }
        if (defaultPause == null || defaultPause.isNegative() || defaultPause.isZero()) {
            throw new IllegalArgumentException("defaultPause of '" + resource + "' must be > 0 (got " + defaultPause + ")");
        }
        if (defaultPause.compareTo(maxPause) > 0) {
            throw new IllegalArgumentException("defaultPause of '" + resource + "' must be <= maxPause (got defaultPause="
                    + defaultPause + ", maxPause=" + maxPause + ")");
        }
    }

    /**
     * A resource without limits that pauses on rejection with the default pause and cap; start here and add
     * limits with the {@code with...} methods.
     *
     * @param resource the resource key, not blank
     * @return the limits
     */
    public static ResourceLimit of(String resource) {
        return new ResourceLimit(resource, 0, 0, 0, DEFAULT_MAX_PAUSE, DEFAULT_PAUSE);
    }

    /**
     * A copy that admits at most {@code n} requests in any rolling 60 s.
     *
     * @param n requests, {@code >= 0}; 0 for no limit
     * @return the changed copy
     */
    public ResourceLimit withRequestsPerMinute(int n) {
        return new ResourceLimit(resource, n, tokensPerMinute, maxConcurrent, maxPause, defaultPause);
    }

    /**
     * A copy that admits at most {@code n} tokens in any rolling 60 s (estimates until reported).
     *
     * @param n tokens, {@code >= 0}; 0 for no limit
     * @return the changed copy
     */
    public ResourceLimit withTokensPerMinute(long n) {
        return new ResourceLimit(resource, requestsPerMinute, n, maxConcurrent, maxPause, defaultPause);
    }

    /**
     * A copy that admits at most {@code n} requests in flight at once.
     *
     * @param n requests, {@code >= 0}; 0 for no limit
     * @return the changed copy
     */
    public ResourceLimit withMaxConcurrent(int n) {
        return new ResourceLimit(resource, requestsPerMinute, tokensPerMinute, n, maxPause, defaultPause);
    }

    /**
     * A copy whose pauses last at most {@code d}; the default pause is lowered to {@code d} if it was longer.
     *
     * @param d the cap, {@code > 0}
     * @return the changed copy
     */
    public ResourceLimit withMaxPause(Duration d) {
        return new ResourceLimit(resource, requestsPerMinute, tokensPerMinute, maxConcurrent, d,
                defaultPause != null && d != null && defaultPause.compareTo(d) > 0 ? d : defaultPause);
    }

    /**
     * A copy that pauses {@code d} after a rejection without a usable hint.
     *
     * @param d the pause, {@code > 0} and at most {@code maxPause}
     * @return the changed copy
     */
    public ResourceLimit withDefaultPause(Duration d) {
        return new ResourceLimit(resource, requestsPerMinute, tokensPerMinute, maxConcurrent, maxPause, d);
    }
}
