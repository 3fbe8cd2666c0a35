package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.limit.ResourceLimit;
import io.trinity.pool.limit.ResourcePacer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PacedSizingCapTest {

    final ResourcePacer pacer = new ResourcePacer(Map.of(
            "rpm", ResourceLimit.of("rpm").withRequestsPerMinute(60).withMaxConcurrent(4),
            "tpm", ResourceLimit.of("tpm").withTokensPerMinute(30_000),
            "conc", ResourceLimit.of("conc").withMaxConcurrent(3)));

    @Test
    void usefulAgentsAreAdmittedCallsPerSecondTimesServiceTimeCappedByConcurrency() {
        assertThat(PacedSizing.cap(Map.of("rpm", 100L), pacer, 1.2, 1)).isEqualTo(2); // 1/s x 1.2 s
        assertThat(PacedSizing.cap(Map.of("rpm", 100L), pacer, 10, 1)).isEqualTo(4); // 10 useful, 4 concurrent
        assertThat(PacedSizing.cap(Map.of("tpm", 1_000L), pacer, 6, 1)).isEqualTo(3); // 0.5 calls/s x 6 s
        assertThat(PacedSizing.cap(Map.of("rpm", 100L, "tpm", 1_000L), pacer, 6, 1)).isEqualTo(3); // tighter wins
        assertThat(PacedSizing.cap(Map.of("rpm", 100L), pacer, 5, 2)).isEqualTo(2); // 4 slots on 2-slot agents
        assertThat(PacedSizing.cap(Map.of("rpm", 100L), pacer, 0.01, 1)).isEqualTo(1); // at least one
    }

    @Test
    void withoutAServiceTimeOnlyConcurrencyBoundsAndUnlimitedResourcesBoundNothing() {
        assertThat(PacedSizing.cap(Map.of("rpm", 100L), pacer, 0, 1)).isEqualTo(4);
        assertThat(PacedSizing.cap(Map.of("tpm", 100L), pacer, 0, 1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(PacedSizing.cap(Map.of("conc", 100L), pacer, 0, 1)).isEqualTo(3);
        assertThat(PacedSizing.cap(Map.of("unregistered", 100L), pacer, 2, 1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(PacedSizing.cap(Map.of(), pacer, 2, 1)).isEqualTo(Integer.MAX_VALUE);
    }
}
