package io.trinity.pool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on a fake clock. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBurstThenOneRequestPerIntervalPerKey() {
        RateLimiter limiter = new RateLimiter(2, 3, now::get);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("k")).isZero();
        }
        assertThat(limiter.acquire("k")).isEqualTo(500_000_000L);
        assertThat(limiter.acquire("other")).as("each key has its own bucket").isZero();
        now.addAndGet(250_000_000L);
        assertThat(limiter.acquire("k")).isEqualTo(250_000_000L);
        now.addAndGet(250_000_000L);
        assertThat(limiter.acquire("k")).isZero();
        assertThat(limiter.acquire("k")).isPositive();
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("k")).as("refills to the burst, no further").isZero();
        }
        assertThat(limiter.acquire("k")).isPositive();
    }

    @Test
    void zeroTurnsItOffAndBadSettingsAreRefused() {
        RateLimiter off = new RateLimiter(0, 1, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(off.acquire("k")).isZero();
        }
        assertThatThrownBy(() -> new RateLimiter(-1, 1, now::get)).hasMessageContaining("rate limit must be >= 0");
        assertThatThrownBy(() -> new RateLimiter(1, 0, now::get)).hasMessageContaining("burst >= 1");
    }
}
