package io.trinity.pool.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key: {@code perSecond} requests a second on average, bursts of up to
 * {@code burst}. Buckets of keys not seen for ten minutes are dropped (they would be full
 * again by then), so memory is bounded by the keys in use.
 */
final class RateLimiter {

    private final double perNano;
    private final int burst;
    private final LongSupplier nanos;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

    /** @param perSecond 0 turns the limit off */
    RateLimiter(double perSecond, int burst, LongSupplier nanos) {
        if (perSecond < 0 || Double.isNaN(perSecond) || burst < 1) {
            throw new IllegalArgumentException("rate limit must be >= 0 per second with a burst >= 1 (got "
                    + perSecond + "/s, burst " + burst + ")");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanos = nanos;
    }

    boolean enabled() {
        return perNano > 0;
    }

    /** Takes a token for {@code keyId}: 0 when the request may go ahead, else nanoseconds until one is free. */
    long acquire(String keyId) {
        if (!enabled()) {
            return 0;
        }
        Bucket b = buckets.get(keyId, k -> new Bucket(burst, nanos.getAsLong()));
        synchronized (b) {
            long now = nanos.getAsLong();
            b.tokens = Math.min(burst, b.tokens + (now - b.last) * perNano);
            b.last = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - b.tokens) / perNano);
        }
    }

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }
    }
}
