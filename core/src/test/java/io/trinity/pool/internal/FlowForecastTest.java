package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentType;
import io.trinity.pool.health.RestartPolicy;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The flow forecast: it keeps up with a ramp the plain slow average trails, and stays quiet on a flat flow. */
class FlowForecastTest {

    private static TypeState type() {
        return new TypeState(AgentType.of("t", init -> {
            throw new UnsupportedOperationException("never spawned");
        }), new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60), 5, Duration.ofSeconds(60)));
    }

    private static void tick(TypeState ts, double arrivals) {
        ts.arrivalRate = ts.arrivalRate * 0.8 + arrivals * 0.2; // as the housekeeper does
        FlowForecast.observe(ts, arrivals, 1, 60);
    }

    @Test
    void aRisingFlowIsForecastWhereItWillBeNotWhereItWas() {
        TypeState ts = type();
        // 1 -> 9 tasks/s over 30 minutes, exact counts so only the lag is measured
        double slope = 8.0 / 1800;
        int t = 0;
        for (; t < 1200; t++) {
            tick(ts, 1 + slope * t);
        }
        double ahead = 10;
        double truth = 1 + slope * (t - 1 + ahead);
        double slowAverage = ts.flowRateSum / ts.flowWeight;
        assertThat(truth - slowAverage).as("the slow average trails by about its memory x the slope")
                .isGreaterThan(0.8 * FlowForecast.MEMORY_SECONDS * slope);
        assertThat(FlowForecast.rate(ts, ahead)).isCloseTo(truth, org.assertj.core.data.Offset.offset(0.05 * truth));
    }

    @Test
    void aFlatFlowsForecastIsAboutAsQuietAsTheSlowAverageAndKnowsItsNoise() {
        TypeState ts = type();
        SplittableRandom random = new SplittableRandom(3);
        double lambda = 2;
        double sum = 0;
        double sumSq = 0;
        double avgSq = 0;
        double fullSq = 0;
        double noise = 0;
        int n = 0;
        for (int t = 0; t < 6 * 3600; t++) {
            tick(ts, poisson(random, lambda));
            if (t >= 1800) {
                double f = FlowForecast.rate(ts, 10);
                double avg = ts.flowRateSum / ts.flowWeight;
                sum += f;
                sumSq += (f - lambda) * (f - lambda);
                avgSq += (avg - lambda) * (avg - lambda);
                // the trend at face value, unshrunk
                double full = avg + (avg - ts.flowRateTrendSum / ts.flowWeight) * (1 + 10 / FlowForecast.MEMORY_SECONDS);
                fullSq += (full - lambda) * (full - lambda);
                noise += ts.loadNoise;
                n++;
            }
        }
        double sdForecast = Math.sqrt(sumSq / n);
        double sdAverage = Math.sqrt(avgSq / n);
        assertThat(sum / n).isCloseTo(lambda, org.assertj.core.data.Offset.offset(0.03 * lambda));
        // the trend adds noise, the shrunk one less than the trend at face value (which adds 58%)
        assertThat(sdForecast).isLessThan(1.5 * sdAverage).isLessThan(0.95 * Math.sqrt(fullSq / n));
        // the relative standard error it reports is the one it has, within a third
        assertThat(noise / n).isBetween(0.67 * sdForecast / lambda, 1.5 * sdForecast / lambda);
    }

    private static int poisson(SplittableRandom random, double mean) {
        int k = 0;
        double p = Math.exp(-mean);
        double u = random.nextDouble();
        double cumulative = p;
        while (u > cumulative) {
            k++;
            p *= mean / k;
            cumulative += p;
        }
        return k;
    }
}
