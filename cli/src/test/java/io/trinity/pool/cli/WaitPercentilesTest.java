package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WaitPercentilesTest {

    @Test
    void exactNearestRankUpToTheLimit() {
        WaitPercentiles w = new WaitPercentiles();
        assertThat(w.percentileMs(50)).isZero();
        for (long ms : new long[] {5, 1, 4, 2, 3}) {
            w.record(ms * 1_000_000 + 250_000);
        }
        assertThat(w.percentileMs(50)).isEqualTo(3.25);
        assertThat(w.percentileMs(95)).isEqualTo(5.25);
        assertThat(w.percentileMs(0)).isEqualTo(1.25);
        assertThat(w.count()).isEqualTo(5);
    }

    @Test
    void pastTheLimitAHistogramWithinATenthOfAPercent() {
        WaitPercentiles w = new WaitPercentiles();
        SplittableRandom r = new SplittableRandom(3);
        int n = WaitPercentiles.EXACT_LIMIT * 3;
        long[] all = new long[n];
        for (int i = 0; i < n; i++) {
            all[i] = (long) (-Math.log(1 - r.nextDouble()) * 2e9); // exponential, mean 2 s
            w.record(all[i]);
        }
        Arrays.sort(all);
        assertThat(w.count()).isEqualTo(n);
        for (double p : new double[] {50, 95, 99}) {
            double exact = all[(int) Math.ceil(p / 100 * n) - 1] / 1e6;
            assertThat(w.percentileMs(p)).as("p%s", p).isCloseTo(exact, within(exact * 0.001 + 0.001));
        }
    }
}
