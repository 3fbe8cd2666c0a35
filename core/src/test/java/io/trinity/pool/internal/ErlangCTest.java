package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ErlangCTest {

    @Test
    void matchesTheClosedFormForSmallPools() {
        // c = 1: P(wait) = ρ; c = 2, a = 1: P(wait) = a^2/2 · 1/(1-ρ) / (1 + a + a^2/2 · 1/(1-ρ)) = 1/3
        assertThat(ErlangC.waitProbability(1, 0.4)).isCloseTo(0.4, within(1e-12));
        assertThat(ErlangC.waitProbability(2, 1.0)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(ErlangC.waitProbability(3, 3.0)).isEqualTo(1.0);
        assertThat(ErlangC.waitProbability(5, 0)).isZero();
    }

    @Test
    void theSteadyBenchWorkloadNeeds22AgentsForAlmostNoWaitAnd19ForHalfASecond() {
        double a = 5 * 2.39;
        // 22 is the first size at which at most 1% of tasks wait at all (issue 16's figure)
        assertThat(ErlangC.slotsFor(a, 2.39, 0, 0.01, 64)).isEqualTo(22);
        assertThat(ErlangC.waitProbability(21, a)).isGreaterThan(0.01);
        assertThat(ErlangC.waitProbability(22, a)).isLessThanOrEqualTo(0.01);
        // a 0.5 s p99 target: C(19, a)·exp(-(19 - a)·0.5/2.39) ≈ 0.0097
        assertThat(ErlangC.slotsFor(a, 2.39, 0.5, 0.01, 64)).isEqualTo(19);
        assertThat(ErlangC.waitTail(18, a, 2.39, 0.5)).isGreaterThan(0.01);
    }

    @Test
    void aLongerTargetWaitNeverNeedsMoreSlotsAndTheLimitCaps() {
        double a = 30;
        int last = Integer.MAX_VALUE;
        for (double wait = 0; wait <= 10; wait += 0.25) {
            int c = ErlangC.slotsFor(a, 2, wait, 0.01, 1000);
            assertThat(c).isGreaterThan(30).isLessThanOrEqualTo(last);
            last = c;
        }
        assertThat(ErlangC.slotsFor(a, 2, 0, 0.01, 20)).isEqualTo(20);
        assertThat(ErlangC.slotsFor(0, 2, 0, 0.01, 20)).isZero();
    }
}
