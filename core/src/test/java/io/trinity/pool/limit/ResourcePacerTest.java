package io.trinity.pool.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.limit.ResourcePacer.Hold;
import io.trinity.pool.limit.ResourcePacer.Reason;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcePacerTest {

    static final long S = 1_000_000_000L;

    @Test
    void aRequestCountsForExactlySixtySeconds() {
        ResourcePacer p = new ResourcePacer(Map.of("m", ResourceLimit.of("m").withRequestsPerMinute(2)));
        p.acquire("m", 0, 0);
        p.acquire("m", 0, 10 * S);
        Hold h = p.check("m", 0, 30 * S);
        assertThat(h.reason()).isEqualTo(Reason.REQUESTS_PER_MINUTE);
        assertThat(h.until()).isEqualTo(60 * S);
        assertThat(p.check("m", 0, 60 * S - 1)).isNotNull();
        assertThat(p.check("m", 0, 60 * S)).isNull();
    }

    @Test
    void restoredRequestsHoldTheWindowUntilTheyLeaveIt() {
        ResourcePacer p = new ResourcePacer(Map.of("m", ResourceLimit.of("m").withRequestsPerMinute(5)
                .withTokensPerMinute(1000)));
        long now = 100 * S;
        p.restore("m", now - 70 * S, 5, 900, now); // older than the window: ignored
        p.restore("m", now - 50 * S, 3, 600, now);
        p.restore("m", now - 55 * S, 0, 300, now); // out of order, tokens only
        p.restore("m", now - 20 * S, 1, 0, now);
        assertThat(p.requestsInWindow("m", now)).isEqualTo(4);
        assertThat(p.tokensInWindow("m", now)).isEqualTo(900);
        assertThat(p.check("m", 100, now)).isNull();
        p.acquire("m", 100, now);
        Hold h = p.check("m", 0, now);
        assertThat(h.reason()).isEqualTo(Reason.REQUESTS_PER_MINUTE);
        assertThat(h.until()).as("the three restored together leave together").isEqualTo(now + 10 * S);
        assertThat(p.tokensInWindow("m", now + 5 * S)).as("the tokens-only record left first").isEqualTo(700);
        assertThat(p.requestsInWindow("m", now + 10 * S)).isEqualTo(2);
        assertThat(p.check("m", 0, now + 10 * S)).isNull();
        assertThat(p.pacesPerMinute("m")).isTrue();
        assertThat(p.pacesPerMinute("other")).isFalse();
    }

    @Test
    void tokensAreCorrectedByActualUseAndTheWaitIsExact() {
        ResourcePacer p = new ResourcePacer(Map.of("m", ResourceLimit.of("m").withTokensPerMinute(1000)));
        ResourcePacer.Grant a = p.acquire("m", 600, 0);
        p.acquire("m", 300, 5 * S);
        Hold h = p.check("m", 200, 6 * S);
        assertThat(h.reason()).isEqualTo(Reason.TOKENS_PER_MINUTE);
        assertThat(h.until()).isEqualTo(60 * S); // the 600 must leave the window
        p.release(a, 400); // it used less than estimated: 200 refunded
        assertThat(p.tokensInWindow("m", 6 * S)).isEqualTo(700);
        assertThat(p.check("m", 200, 6 * S)).isNull();
        p.release(a, 900); // a second release is ignored
        assertThat(p.tokensInWindow("m", 6 * S)).isEqualTo(700);
        assertThat(p.tokensInWindow("m", 61 * S)).isEqualTo(300);
    }

    @Test
    void aLateCorrectionOfAGrantOutOfTheWindowChangesNothing() {
        ResourcePacer p = new ResourcePacer(Map.of("m", ResourceLimit.of("m").withTokensPerMinute(1000)));
        ResourcePacer.Grant a = p.acquire("m", 500, 0);
        assertThat(p.tokensInWindow("m", 90 * S)).isZero();
        p.release(a, 5000);
        assertThat(p.tokensInWindow("m", 90 * S)).isZero();
    }

    @Test
    void pausesAreCappedAndAMissingHintUsesTheDefault() {
        ResourcePacer p = new ResourcePacer(Map.of("m", ResourceLimit.of("m").withMaxPause(Duration.ofSeconds(30))));
        assertThat(p.pause("m", Duration.ofHours(114), 0)).isEqualTo(30 * S);
        assertThat(p.check("m", 0, 29 * S).reason()).isEqualTo(Reason.PAUSED);
        assertThat(p.check("m", 0, 30 * S)).isNull();
        assertThat(p.pause("m", null, 40 * S)).isEqualTo(ResourceLimit.DEFAULT_PAUSE.toNanos());
        assertThat(p.pause("unknown", Duration.ofSeconds(5), 0)).isEqualTo(5 * S);
        assertThat(p.pausedUntil("unknown")).isEqualTo(5 * S);
    }

    @Test
    void concurrencyFreesOnRelease() {
        ResourcePacer p = new ResourcePacer(Map.of("m", ResourceLimit.of("m").withMaxConcurrent(1)));
        ResourcePacer.Grant g = p.acquire("m", 1, 0);
        assertThat(p.check("m", 1, 0)).isEqualTo(new Hold("m", Reason.CONCURRENCY, Long.MAX_VALUE));
        p.release(g, -1);
        assertThat(p.check("m", 1, 0)).isNull();
        assertThat(p.inFlight("m")).isZero();
    }

    @Test
    void limitsRejectBadValuesByName() {
        assertThatThrownBy(() -> ResourceLimit.of("m").withRequestsPerMinute(-1))
                .hasMessage("requestsPerMinute of 'm' must be >= 0, 0 for no limit (got -1)");
        assertThatThrownBy(() -> ResourceLimit.of("m").withDefaultPause(Duration.ofMinutes(5)))
                .hasMessageContaining("defaultPause of 'm' must be <= maxPause");
        assertThatThrownBy(() -> ResourceLimit.of("")).hasMessageContaining("resource key");
    }
}
