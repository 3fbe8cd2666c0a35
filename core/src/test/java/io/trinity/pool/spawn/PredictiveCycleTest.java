package io.trinity.pool.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
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
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Predictive spawning with its defaults learns the cycle of a load it was not told about (issue
 * 16): within two periods of a smooth sin² cycle, and it then earns its place next to on-demand
 * spawning and the warm pool.
 */
class PredictiveCycleTest {

    static final Duration BUCKET = Duration.ofMinutes(1);

    /** The cyclic trace: 0.2 to 4.2 tasks/s as sin² over the period. */
    static DoubleUnaryOperator sinSquared(Duration period, double min, double max) {
        double p = period.toSeconds();
        return t -> min + (max - min) * Math.pow(Math.sin(Math.PI * (t % p) / p), 2);
    }

    /** Feeds Poisson arrivals of the rate to the strategy, one plan a second, for the given time. */
    static void feed(PredictiveSpawning p, PredictiveVsOnDemandTest.FakePlanner planner, DoubleUnaryOperator rate,
                     long fromSecond, long toSecond, SplittableRandom random) {
        for (long s = fromSecond; s < toSecond; s++) {
            planner.now = s * 1_000_000_000L;
            planner.arrivals += poisson(rate.applyAsDouble(s), random);
            p.plan(planner);
        }
    }

    static int poisson(double mean, SplittableRandom random) {
        int k = 0;
        double l = Math.exp(-mean);
        double prod = random.nextDouble();
        while (prod > l) {
            k++;
            prod *= random.nextDouble();
        }
        return k;
    }

    @Test
    void learnsAThirtyMinuteCycleWithinTwoPeriodsAndForecastsTheThird() {
        Duration period = Duration.ofMinutes(30);
        DoubleUnaryOperator rate = sinSquared(period, 0.2, 4.2);
        PredictiveSpawning p = new PredictiveSpawning(); // told nothing about the cycle
        PredictiveVsOnDemandTest.FakePlanner planner = new PredictiveVsOnDemandTest.FakePlanner();
        SplittableRandom random = new SplittableRandom(11);
        long seconds = period.toSeconds();

        feed(p, planner, rate, 0, seconds * 3 / 2, random);
        assertThat(p.period()).as("one and a half cycles are not two").isEqualTo(Duration.ZERO);

        feed(p, planner, rate, seconds * 3 / 2, 2 * seconds + 1, random);
        assertThat(p.period()).as("learned after two periods").isBetween(period.minus(BUCKET), period.plus(BUCKET));

        long firstBucketOfThird = 2 * seconds / BUCKET.toSeconds();
        for (long b = firstBucketOfThird; b < firstBucketOfThird + period.dividedBy(BUCKET); b++) {
            double expected = 0;
            for (long s = b * 60; s < (b + 1) * 60; s++) {
                expected += rate.applyAsDouble(s);
            }
            // two noisy cycles averaged: within a quarter of the truth, or 4 Poisson deviations at the trough
            assertThat(p.forecast("vision", b)).as("bucket " + b + " of the third period")
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(Math.max(0.25 * expected, 4 * Math.sqrt(expected))));
        }
    }

    @Test
    void learnsAnotherPeriodAndFindsNoCycleInAFlatLoad() {
        Duration period = Duration.ofMinutes(11);
        PredictiveSpawning p = new PredictiveSpawning();
        PredictiveVsOnDemandTest.FakePlanner planner = new PredictiveVsOnDemandTest.FakePlanner();
        SplittableRandom random = new SplittableRandom(3);
        feed(p, planner, sinSquared(period, 0.5, 6), 0, 2 * period.toSeconds() + 1, random);
        assertThat(p.period()).isBetween(period.minus(BUCKET), period.plus(BUCKET));

        PredictiveSpawning flat = new PredictiveSpawning();
        PredictiveVsOnDemandTest.FakePlanner flatPlanner = new PredictiveVsOnDemandTest.FakePlanner();
        feed(flat, flatPlanner, t -> 3.0, 0, 3 * 3600, random);
        assertThat(flat.period()).as("noise around a constant rate is no cycle").isEqualTo(Duration.ZERO);
        assertThat(flat.forecast("vision", 3 * 60 + 5)).as("the short-term rate per bucket").isBetween(150.0, 210.0);
    }

    @Test
    void withManyCyclesInTheHistoryTheCycleIsFoundNotAMultipleOfIt() {
        SplittableRandom random = new SplittableRandom(9);
        double[] x = new double[8 * 12]; // eight cycles of 12 steps
        for (int i = 0; i < x.length; i++) {
            x[i] = poisson(20 + 100 * Math.pow(Math.sin(Math.PI * i / 12.0), 2), random);
        }
        assertThat(CycleFinder.period(x, 3, 48, 0.5)).isEqualTo(12);
        x[30] = Double.NaN; // a bucket lost to a downtime does not hide the cycle
        x[31] = Double.NaN;
        assertThat(CycleFinder.period(x, 3, 48, 0.5)).isEqualTo(12);
        assertThat(CycleFinder.period(x, 3, 10, 0.5)).as("longer than the longest looked for").isNotEqualTo(12);
    }

    @Test
    void theLearnedCycleSurvivesARestartWithTheModel() {
        Duration period = Duration.ofMinutes(30);
        PredictiveSpawning p = new PredictiveSpawning();
        PredictiveVsOnDemandTest.FakePlanner planner = new PredictiveVsOnDemandTest.FakePlanner();
        feed(p, planner, sinSquared(period, 0.2, 4.2), 0, 2 * period.toSeconds() + 90, new SplittableRandom(5));
        Map<String, Object> saved = p.changedState();
        assertThat(saved).isNotNull();

        PredictiveSpawning restored = new PredictiveSpawning();
        restored.restoreState(saved, -600_000_000_000L); // the same moment is 10 minutes earlier on the new clock
        assertThat(restored.period()).isEqualTo(p.period());
        long now = (2 * period.toSeconds() + 90) / 60;
        for (long b = now; b < now + 30; b++) {
            assertThat(restored.forecast("vision", b - 10)).as("bucket " + b).isEqualTo(p.forecast("vision", b));
        }
    }

    @Test
    void aModelRestoredForATypeThePoolNoLongerHasIsDroppedAndDoesNotHideTheCycle() {
        // saved by a run that also had a type "retired", which this run's pool no longer registers
        PredictiveSpawning before = new PredictiveSpawning();
        feed(before, new PredictiveVsOnDemandTest.FakePlanner(), t -> 2.0, 0, 600, new SplittableRandom(3));
        Map<String, Object> saved = new java.util.LinkedHashMap<>(before.changedState());
        Map<String, Object> types = new java.util.TreeMap<>((Map<String, Object>) saved.get("types"));
        types.put("retired", types.get("vision"));
        saved.put("types", types);

        Duration period = Duration.ofMinutes(30);
        PredictiveSpawning p = new PredictiveSpawning();
        p.restoreState(saved, 0);
        feed(p, new PredictiveVsOnDemandTest.FakePlanner(), sinSquared(period, 0.2, 4.2), 600,
                600 + 2 * period.toSeconds() + 90, new SplittableRandom(5));
        assertThat(p.period()).as("the retired type's frozen model must not blank the history")
                .isBetween(period.minus(BUCKET), period.plus(BUCKET));
        assertThat((Map<String, Object>) p.changedState().get("types")).containsOnlyKeys("vision");
    }

    /** What a run cost and how long its tasks waited for an agent (submit to first dispatch). */
    record Outcome(RunMetrics metrics, double p95WaitMs, double p99WaitMs) {
    }

    static Outcome outcome(List<PoolEvent> events, long end, long coldWaitNanos) {
        Map<Long, Long> submitted = new java.util.HashMap<>();
        List<Long> waits = new ArrayList<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskSubmitted t) {
                submitted.put(t.task(), t.nanos());
            } else if (e instanceof PoolEvent.TaskDispatched d && submitted.containsKey(d.task())) {
                waits.add(d.nanos() - submitted.remove(d.task()));
            }
        }
        waits.sort(null);
        return new Outcome(RunMetrics.of(events, end, coldWaitNanos), percentileMs(waits, 0.95), percentileMs(waits, 0.99));
    }

    static double percentileMs(List<Long> sorted, double q) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }

    /**
     * Submits a Poisson process of {@code rate} (tasks/s at t seconds, never above {@code peak})
     * until {@code endNanos}, by thinning, advancing the clock to each arrival; {@code type} draws
     * each task's type.
     */
    static void replay(AgentPool pool, VirtualClock clock, DoubleUnaryOperator rate, double peak, long endNanos,
                       SplittableRandom random, java.util.function.Function<SplittableRandom, String> type) {
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / peak;
            long at = (long) (t * 1e9);
            if (at >= endNanos) {
                return;
            }
            if (random.nextDouble() * peak > rate.applyAsDouble(t)) {
                continue;
            }
            clock.advanceTo(at);
            pool.submit(Task.of(type.apply(random), Map.of()));
        }
    }

    /** A pool on virtual time replaying a cyclic load with the given strategies; its event log's figures. */
    static Outcome run(boolean predictive, Duration period, int periods, long seed) {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        PoolConfig config = PoolConfig.custom().seed(seed).build(); // the seed defaults
        Duration coldStart = Duration.ofSeconds(5);
        SimProfile profile = SimProfile.of(Distribution.lognormal(Duration.ofSeconds(2), 0.5)).withSpawnDelay(coldStart);
        PoolBuilder b = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("vision", SimulatedAgent.factory(clock, profile, seed));
        b.spawnStrategy(new OnDemandSpawning()).spawnStrategy(new WarmPoolSpawning());
        if (predictive) {
            b.spawnStrategy(new PredictiveSpawning());
        }
        AgentPool pool = b.build();
        // a cycle with a steep front: near silence, then three minutes of 3 tasks/s
        DoubleUnaryOperator rate = t -> t % period.toSeconds() < 180 ? 3.0 : 0.02;
        long end = period.multipliedBy(periods).toNanos();
        replay(pool, clock, rate, 3.0, end, new SplittableRandom(seed), r -> "vision");
        clock.advanceTo(end);
        return outcome(events, end, coldStart.toNanos() / 2);
    }

    @Test
    void theDefaultSetWithPredictiveHalvesColdStartsOnACycleAtAtMostTenPercentMoreAgentSeconds() {
        for (long seed : new long[] {1, 2}) {
            Duration period = seed == 1 ? Duration.ofMinutes(10) : Duration.ofMinutes(17);
            Outcome onDemand = run(false, period, 12, seed);
            Outcome withPredictive = run(true, period, 12, seed);
            RunMetrics a = onDemand.metrics();
            RunMetrics b = withPredictive.metrics();
            System.out.printf(java.util.Locale.ROOT, "cycle %s x12, seed %d: on-demand+warm-pool cold starts=%d agent-s=%.0f"
                            + " wait p95/p99=%.0f/%.0f ms; +predictive cold starts=%d agent-s=%.0f (%+.1f%%) wait p95/p99=%.0f/%.0f ms%n",
                    period, seed, a.coldStarts(), a.agentSeconds(), onDemand.p95WaitMs(), onDemand.p99WaitMs(),
                    b.coldStarts(), b.agentSeconds(), 100 * (b.agentSeconds() / a.agentSeconds() - 1),
                    withPredictive.p95WaitMs(), withPredictive.p99WaitMs());
            assertThat(a.coldStarts()).as("the load must make on-demand wait").isGreaterThan(20);
            assertThat(b.coldStarts()).isLessThanOrEqualTo(a.coldStarts() / 2);
            assertThat(b.agentSeconds()).isLessThanOrEqualTo(a.agentSeconds() * 1.10);
            assertThat(withPredictive.p95WaitMs()).isLessThanOrEqualTo(onDemand.p95WaitMs());
            assertThat(withPredictive.p99WaitMs()).isLessThanOrEqualTo(onDemand.p99WaitMs());
        }
    }

    /** Tasks submitted at or after {@code fromNanos} whose first dispatch waited at least {@code coldWaitNanos}. */
    static int coldStartsFrom(List<PoolEvent> events, long fromNanos, long coldWaitNanos) {
        Map<Long, Long> submitted = new java.util.HashMap<>();
        int cold = 0;
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskSubmitted t && t.nanos() >= fromNanos) {
                submitted.put(t.task(), t.nanos());
            } else if (e instanceof PoolEvent.TaskDispatched d && submitted.containsKey(d.task())
                    && d.nanos() - submitted.remove(d.task()) >= coldWaitNanos) {
                cold++;
            }
        }
        return cold;
    }

    static final List<String> FOUR_TYPES = List.of("code", "data", "vision", "voice");

    /**
     * Four types sharing a square wave: 4 tasks/s for the first seven minutes of each 20-minute
     * period, 0.2 tasks/s after; lognormal work (3 s median), 5 s cold starts, a cap of 64 agents
     * that the load never reaches. Returns the outcome and the cold starts after the first two
     * periods (what a forecast learned by then can remove).
     */
    static Outcome runSquare(boolean predictive, int[] coldAfterLearning) {
        Duration period = Duration.ofMinutes(20);
        int periods = 8;
        long seed = 3;
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        PoolConfig config = PoolConfig.custom().maxAgents(64).seed(seed).build();
        Duration coldStart = Duration.ofSeconds(5);
        SimProfile profile = SimProfile.of(Distribution.lognormal(Duration.ofSeconds(3), 0.8)).withSpawnDelay(coldStart);
        PoolBuilder b = AgentPool.builder().config(config).deterministic(clock).listener(events::add);
        for (String type : FOUR_TYPES) {
            b.register(type, SimulatedAgent.factory(clock, profile, seed));
        }
        b.spawnStrategy(new OnDemandSpawning()).spawnStrategy(new WarmPoolSpawning());
        if (predictive) {
            b.spawnStrategy(new PredictiveSpawning());
        }
        AgentPool pool = b.build();
        double high = 4.0;
        DoubleUnaryOperator rate = t -> t % period.toSeconds() < 7 * 60 ? high : 0.2;
        long end = period.multipliedBy(periods).toNanos();
        replay(pool, clock, rate, high, end, new SplittableRandom(seed), r -> FOUR_TYPES.get(r.nextInt(FOUR_TYPES.size())));
        clock.advanceTo(end);
        coldAfterLearning[0] = coldStartsFrom(events, period.multipliedBy(2).toNanos(), coldStart.toNanos() / 2);
        return outcome(events, end, coldStart.toNanos() / 2);
    }

    /**
     * A steep front that the scaler cannot see coming: the agents ready at the front must cover the
     * flow's Poisson peaks, not only its mean concurrency, or the front's first tasks wait for cold
     * starts in every period however well the cycle is known. Sized by the pool's own rule (what
     * the scaler keeps for that flow), the learned forecast removes most of them.
     */
    @Test
    void onASquareWaveOverFourTypesTheLearnedFrontNeedsFewColdStarts() {
        int[] coldOnDemand = new int[1];
        int[] coldPredictive = new int[1];
        Outcome onDemand = runSquare(false, coldOnDemand);
        Outcome withPredictive = runSquare(true, coldPredictive);
        RunMetrics a = onDemand.metrics();
        RunMetrics b = withPredictive.metrics();
        System.out.printf(java.util.Locale.ROOT, "square wave, 4 types, 8 x 20 min: on-demand+warm-pool cold starts=%d"
                        + " (%d after two periods) agent-s=%.0f wait p95/p99=%.0f/%.0f ms; +predictive cold starts=%d (%d)"
                        + " agent-s=%.0f (%+.1f%%) wait p95/p99=%.0f/%.0f ms%n",
                a.coldStarts(), coldOnDemand[0], a.agentSeconds(), onDemand.p95WaitMs(), onDemand.p99WaitMs(),
                b.coldStarts(), coldPredictive[0], b.agentSeconds(), 100 * (b.agentSeconds() / a.agentSeconds() - 1),
                withPredictive.p95WaitMs(), withPredictive.p99WaitMs());
        assertThat(coldOnDemand[0]).as("the fronts must make on-demand wait").isGreaterThan(20);
        // once the cycle is known, few tasks at a front wait: 9 of on-demand's 219 here, where
        // readying the mean concurrency a bucket ahead left 76, and a cold start ahead 158
        assertThat(coldPredictive[0]).isLessThanOrEqualTo(coldOnDemand[0] / 4);
        assertThat(b.agentSeconds()).isLessThanOrEqualTo(a.agentSeconds() * 1.10);
        assertThat(withPredictive.p95WaitMs()).isLessThanOrEqualTo(onDemand.p95WaitMs());
        assertThat(withPredictive.p99WaitMs()).isLessThanOrEqualTo(onDemand.p99WaitMs());
    }
}
