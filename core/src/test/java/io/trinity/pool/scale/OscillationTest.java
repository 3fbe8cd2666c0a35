package io.trinity.pool.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
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
import org.junit.jupiter.api.Test;

class OscillationTest {

    @Test
    void aWorkloadHeldAtTheThresholdForTenWindowsYieldsNoFlips() {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        Duration window = Duration.ofSeconds(60);
        PoolConfig config = PoolConfig.custom().scaleDownWindow(window).targetUtilization(0.75)
                .warmPool(1).warmPoolMin(1).warmPoolMax(1).build();
        SimProfile profile = SimProfile.of(Distribution.exponential(Duration.ofSeconds(1)))
                .withSpawnDelay(Duration.ofMillis(500));
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("data", SimulatedAgent.factory(clock, profile, 11)).build();
        // Poisson arrivals at 3/s of 1 s tasks: forecast concurrency 3 over target 0.75 = exactly 4 agents,
        // so every random wobble of the queue or the rate crosses the threshold.
        SplittableRandom random = new SplittableRandom(11);
        long end = clock.nanoTime() + window.multipliedBy(10).toNanos();
        while (clock.nanoTime() < end) {
            pool.submit(Task.of("data", Map.of()));
            double gap = -Math.log(1 - random.nextDouble()) / 3.0;
            clock.advance(Duration.ofNanos((long) (gap * 1e9)));
        }
        RunMetrics m = RunMetrics.of(events, clock.nanoTime(), 1_000_000_000L, window.toNanos());
        List<PoolEvent.ScaleDecision> decisions = events.stream().filter(e -> e instanceof PoolEvent.ScaleDecision)
                .map(PoolEvent.ScaleDecision.class::cast).toList();
        System.out.printf("oscillation: %d scale decisions, %d flips, %d spawns over %d s%n",
                decisions.size(), m.flips(), m.spawns(), window.multipliedBy(10).toSeconds());
        System.out.println("spawn causes: " + events.stream().filter(e -> e instanceof PoolEvent.AgentSpawned)
                .collect(java.util.stream.Collectors.groupingBy(e -> ((PoolEvent.AgentSpawned) e).cause(), java.util.stream.Collectors.counting())));
        System.out.println("destroy reasons: " + events.stream().filter(e -> e instanceof PoolEvent.AgentDestroyed)
                .collect(java.util.stream.Collectors.groupingBy(e -> ((PoolEvent.AgentDestroyed) e).reason(), java.util.stream.Collectors.counting())));
        assertThat(decisions).as("the scaler did act").isNotEmpty();
        // no up-then-down (or down-then-up) pair of decisions within one stabilization window
        for (int i = 1; i < decisions.size(); i++) {
            PoolEvent.ScaleDecision a = decisions.get(i - 1);
            PoolEvent.ScaleDecision b = decisions.get(i);
            boolean flip = Integer.signum(a.to() - a.from()) != Integer.signum(b.to() - b.from());
            if (flip) {
                assertThat(b.nanos() - a.nanos()).as("flip %s then %s", a, b).isGreaterThanOrEqualTo(window.toNanos());
            }
        }
        assertThat(m.flips()).isZero();
    }
}
