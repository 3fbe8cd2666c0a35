package io.trinity.pool.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.RunMetrics;
import io.trinity.pool.Task;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A periodic workload (a 2-minute burst every 10 minutes, quiet in between) with 5-second cold
 * starts: predictive spawning learns the period and pre-spawns before each burst.
 */
class PredictiveVsOnDemandTest {

    static final Duration PERIOD = Duration.ofMinutes(10);
    static final int PERIODS = 12;
    static final boolean DEBUG = false;

    RunMetrics run(boolean predictive) {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        PoolConfig config = PoolConfig.custom().maxAgents(16).warmPool(1).warmPoolMin(1).warmPoolMax(1)
                .idleTimeout(Duration.ofSeconds(60)).seed(5).build();
        SimProfile profile = SimProfile.of(Distribution.exponential(Duration.ofSeconds(2)))
                .withSpawnDelay(Duration.ofSeconds(5));
        PoolBuilder b = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("vision", SimulatedAgent.factory(clock, profile, 5));
        b.spawnStrategy(new OnDemandSpawning()).spawnStrategy(new WarmPoolSpawning());
        if (predictive) {
            b.spawnStrategy(new PredictiveSpawning(Duration.ofSeconds(30), PERIOD, 0.5, 1.0));
        }
        AgentPool pool = b.build();
        SplittableRandom random = new SplittableRandom(5);
        long end = PERIOD.multipliedBy(PERIODS).toNanos();
        double t = 0;
        while (t * 1e9 < end) {
            double inPeriod = (t % PERIOD.toSeconds());
            double rate = inPeriod < 120 ? 3.0 : 0.02; // burst of ~3 tasks/s, then near silence
            t += -Math.log(1 - random.nextDouble()) / rate;
            long at = (long) (t * 1e9);
            if (at >= end) {
                break;
            }
            long before = clock.nanoTime();
            clock.advanceTo(at);
            if (DEBUG && before / 60_000_000_000L != at / 60_000_000_000L) {
                System.out.println("t=" + at / 60_000_000_000L + "min agents=" + pool.snapshot().agents().size()
                        + " " + pool.snapshot().agents().stream().map(a -> a.state().name().charAt(0) + (a.warm() ? "w" : "")).toList());
            }
            pool.submit(Task.of("vision", Map.of()));
        }
        clock.advanceTo(end);
        return RunMetrics.of(events, end, Duration.ofMillis(2500).toNanos()); // half the 5 s cold start
    }

    @Test
    void predictiveHasFewerColdStartsAtNoMoreThanTenPercentExtraAgentSeconds() {
        RunMetrics onDemand = run(false);
        RunMetrics predictive = run(true);
        System.out.printf("periodic workload, %d periods of %s: on-demand cold starts=%d agent-s=%.0f;"
                        + " predictive cold starts=%d agent-s=%.0f (%+.1f%%)%n",
                PERIODS, PERIOD, onDemand.coldStarts(), onDemand.agentSeconds(), predictive.coldStarts(),
                predictive.agentSeconds(), 100 * (predictive.agentSeconds() / onDemand.agentSeconds() - 1));
        assertThat(predictive.coldStarts()).isLessThan(onDemand.coldStarts());
        assertThat(predictive.agentSeconds()).isLessThanOrEqualTo(onDemand.agentSeconds() * 1.10);
    }

    @Test
    void theProfileForecastsTheBurstBucket() {
        PredictiveSpawning p = new PredictiveSpawning(Duration.ofSeconds(30), PERIOD, 0.5, 1.0);
        FakePlanner planner = new FakePlanner();
        // two periods: 60 arrivals in the first bucket of each period, none elsewhere
        for (long s = 0; s < 2 * PERIOD.toSeconds(); s++) {
            planner.now = s * 1_000_000_000L;
            if (s % PERIOD.toSeconds() < 30) {
                planner.arrivals += 2;
            }
            p.plan(planner);
        }
        long burstBucket = 2 * PERIOD.toSeconds() / 30; // first bucket of the third period
        assertThat(p.forecast("vision", burstBucket)).isBetween(55.0, 62.0);
        assertThat(p.forecast("vision", burstBucket + 5)).isLessThan(1.0);
    }

    @Test
    void aSavedModelForecastsTheSameOnAShiftedClockAndIsSavedOnlyWhenABucketCloses() {
        PredictiveSpawning p = new PredictiveSpawning(Duration.ofSeconds(30), PERIOD, 0.5, 1.0);
        FakePlanner planner = new FakePlanner();
        for (long s = 0; s < 2 * PERIOD.toSeconds() + 40; s++) {
            planner.now = s * 1_000_000_000L;
            if (s % PERIOD.toSeconds() < 30) {
                planner.arrivals += 2;
            }
            p.plan(planner);
        }
        java.util.Map<String, Object> saved = p.changedState();
        assertThat(saved).isNotNull();
        assertThat(p.changedState()).as("nothing closed since").isNull();
        planner.now += 1_000_000_000L;
        p.plan(planner);
        assertThat(p.changedState()).as("same bucket").isNull();

        // the same moment is 95 s earlier on the new clock: rounds to 3 buckets of 30 s
        long shift = -95_000_000_000L;
        PredictiveSpawning restored = new PredictiveSpawning(Duration.ofSeconds(30), PERIOD, 0.5, 1.0);
        restored.restoreState(saved, shift);
        long nowBucket = (2 * PERIOD.toSeconds() + 40) / 30;
        for (long b = nowBucket; b < nowBucket + 40; b++) {
            assertThat(restored.forecast("vision", b - 3)).as("bucket " + b).isEqualTo(p.forecast("vision", b));
        }
        // another grid's model does not fit: ignored
        PredictiveSpawning other = new PredictiveSpawning(Duration.ofSeconds(60), PERIOD, 0.5, 1.0);
        other.restoreState(saved, shift);
        assertThat(other.forecast("vision", nowBucket)).isZero();
    }

    /** Just enough of a planner to feed arrivals to the model. */
    static class FakePlanner implements SpawnPlanner {
        long now;
        long arrivals;

        @Override public long nanoTime() { return now; }
        @Override public java.util.Collection<String> types() { return List.of("vision"); }
        @Override public int pending(String type) { return 0; }
        @Override public int freeSlots(String type) { return 0; }
        @Override public int spawning(String type) { return 0; }
        @Override public int alive(String type) { return 100; }
        @Override public int alive() { return 100; }
        @Override public int maxAgents() { return 100; }
        @Override public int readyNow(String type) { return 0; }
        @Override public int warmTarget(String type) { return 0; }
        @Override public long arrivals(String type) { return arrivals; }
        @Override public int inFlight(String type) { return 0; }
        @Override public double serviceSeconds(String type) { return 1; }
        @Override public double spawnSeconds(String type) { return 5; }
        @Override public double arrivalRate(String type) { return 0; }
        @Override public boolean spawn(String type, PoolEvent.SpawnCause cause) { return false; }
        @Override public boolean cloneBusiest(String type, String affinityKey) { return false; }
        @Override public String pendingAffinityKey(String type) { return null; }
        @Override public boolean reclaimFor(String type) { return false; }
    }
}
