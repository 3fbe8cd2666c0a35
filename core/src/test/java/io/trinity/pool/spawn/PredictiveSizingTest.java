package io.trinity.pool.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.event.PoolEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How many agents predictive spawning gets ready for a forecast burst, and when: as many as the
 * pool's sizing rule gives for the forecast rate ({@link SpawnPlanner#agentsFor}), spawned once an
 * agent started then would be ready by the burst, and held from a bucket before that.
 */
class PredictiveSizingTest {

    static final Duration BUCKET = Duration.ofSeconds(30);
    static final Duration PERIOD = Duration.ofMinutes(10);
    static final long SECOND = 1_000_000_000L;
    /** The first second of the third period's burst bucket. */
    static final long BURST = 2 * PERIOD.toSeconds();

    /** A planner whose sizing rule keeps four spare agents over the mean concurrency, as Erlang C would. */
    static final class Planner extends PredictiveVsOnDemandTest.FakePlanner {
        int alive;
        int kept;
        final List<Double> ratesAsked = new ArrayList<>();

        @Override public int alive(String type) { return alive; }
        @Override public int alive() { return alive; }

        @Override
        public boolean spawn(String type, PoolEvent.SpawnCause cause) {
            assertThat(cause).isEqualTo(PoolEvent.SpawnCause.PREDICTIVE);
            alive++;
            return true;
        }

        @Override
        public void keepAtLeast(String type, int agents) {
            kept = agents;
        }

        @Override
        public int agentsFor(String type, double ratePerSecond) {
            if (ratePerSecond > 0.5) {
                ratesAsked.add(ratePerSecond);
            }
            return ratePerSecond > 0 ? (int) Math.ceil(ratePerSecond * serviceSeconds(type) - 1e-9) + 4 : 0;
        }
    }

    /** Two periods with 2 tasks/s in the first bucket of each and none elsewhere, planned every second up to {@code toSecond}. */
    static Planner learnTwoBurstsThenPlanUntil(PredictiveSpawning p, long toSecond) {
        Planner planner = new Planner();
        for (long s = 0; s < toSecond; s++) {
            planner.now = s * SECOND;
            if (s < BURST && s % PERIOD.toSeconds() < BUCKET.toSeconds()) {
                planner.arrivals += 2;
            }
            p.plan(planner);
        }
        return planner;
    }

    @Test
    void readiesWhatThePoolsSizingRuleGivesForTheForecastRateNotTheMeanConcurrency() {
        PredictiveSpawning p = new PredictiveSpawning(BUCKET, PERIOD, 0.5, 1.0);
        Planner planner = learnTwoBurstsThenPlanUntil(p, BURST - 60);
        planner.alive = 0; // the earlier bursts' agents were reclaimed
        for (long s = BURST - 60; s <= BURST; s++) {
            planner.now = s * SECOND;
            p.plan(planner);
        }
        // 60 arrivals per 30 s bucket: 2 tasks/s of 1 s work, a mean of 2 busy; the rule adds 4
        assertThat(planner.alive).isEqualTo(6);
        assertThat(planner.ratesAsked).isNotEmpty().allSatisfy(r -> assertThat(r).isBetween(1.8, 2.1));
    }

    @Test
    void spawnsWhenAnAgentStartedNowIsReadyForTheBurstAndHoldsFromABucketBefore() {
        PredictiveSpawning p = new PredictiveSpawning(BUCKET, PERIOD, 0.5, 1.0);
        Planner planner = learnTwoBurstsThenPlanUntil(p, BURST - 60);
        planner.alive = 0;
        long firstSpawn = -1;
        long firstHold = -1;
        for (long s = BURST - 60; s <= BURST; s++) {
            planner.now = s * SECOND;
            p.plan(planner);
            if (firstHold < 0 && planner.kept >= 6) {
                firstHold = s;
            }
            if (firstSpawn < 0 && planner.alive > 0) {
                firstSpawn = s;
            }
        }
        // plans a second apart, 5 s cold starts: an agent spawned 6 s before the burst is ready for it
        assertThat(BURST - firstSpawn).as("seconds before the burst of the first spawn").isEqualTo(6);
        // held from a bucket before that, so that no removal right before the burst blocks the spawn
        assertThat(BURST - firstHold).as("seconds before the burst of the first hold").isEqualTo(6 + BUCKET.toSeconds());
    }
}
