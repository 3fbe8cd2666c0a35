package io.trinity.pool.limit;

import java.time.Duration;

/**
 * Limits on one rate-limited resource shared by the whole pool, such as a provider's model
 * {@code openai:gpt-4o}. Register with {@code PoolConfig.Builder.resourceLimit}. A resource
 * tasks use without a registered limit is not paced, but still pauses on a provider's 429.
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
 */
public record ResourceLimit(String resource, int requestsPerMinute, long tokensPerMinute, int maxConcurrent,
                            Duration maxPause, Duration defaultPause) {

    public static final Duration DEFAULT_MAX_PAUSE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);

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

    /** No limits; pauses on rejection with the default pause and cap. */
    public static ResourceLimit of(String resource) {
        return new ResourceLimit(resource, 0, 0, 0, DEFAULT_MAX_PAUSE, DEFAULT_PAUSE);
    }

    public ResourceLimit withRequestsPerMinute(int n) {
        return new ResourceLimit(resource, n, tokensPerMinute, maxConcurrent, maxPause, defaultPause);
    }

    public ResourceLimit withTokensPerMinute(long n) {
        return new ResourceLimit(resource, requestsPerMinute, n, maxConcurrent, maxPause, defaultPause);
    }

    public ResourceLimit withMaxConcurrent(int n) {
        return new ResourceLimit(resource, requestsPerMinute, tokensPerMinute, n, maxPause, defaultPause);
    }

    public ResourceLimit withMaxPause(Duration d) {
        return new ResourceLimit(resource, requestsPerMinute, tokensPerMinute, maxConcurrent, d,
                defaultPause != null && d != null && defaultPause.compareTo(d) > 0 ? d : defaultPause);
    }

    public ResourceLimit withDefaultPause(Duration d) {
        return new ResourceLimit(resource, requestsPerMinute, tokensPerMinute, maxConcurrent, maxPause, d);
    }
}
