package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
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

/** The scaler on a steady Poisson flow: it settles at the Erlang-C size and never reverses inside its window. */
class ErlangSizingTest {

    @Test
    void aSteadyFlowSettlesAtTheErlangSizeWithoutReversingInsideTheWindow() {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        Duration window = Duration.ofSeconds(60);
        PoolConfig config = PoolConfig.custom().maxAgents(64).queueCapacity(100_000).scaleDownWindow(window)
                .targetWait(Duration.ofMillis(250)).warmPool(1).warmPoolMin(1).warmPoolMax(1).build();
        SimProfile profile = SimProfile.of(Distribution.exponential(Duration.ofSeconds(1)))
                .withSpawnDelay(Duration.ofSeconds(2));
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("data", SimulatedAgent.factory(clock, profile, 5)).build();
        // 8 tasks/s of 1 s tasks: a = 8, and Erlang C at a 0.25 s p99 target asks for this many slots
        int erlang = ErlangC.slotsFor(8, 1, 0.25, 0.01, 64);
        double meanAgents = meanAgents(pool, clock, new SplittableRandom(5), 8, Duration.ofMinutes(10),
                Duration.ofMinutes(30));
        assertThat(erlang).isBetween(12, 16);
        // the size follows the flow's Erlang-C size (plus at most its 5% hysteresis), not the busy count (8)
        assertThat(meanAgents).isBetween(erlang - 0.5, erlang + 1.5);

        // reversals of the agent count's direction within a window of the last change the other way,
        // counted from spawns and removals of every cause, the way the auto-scaling bench counts them
        int direction = 0;
        long lastUp = Long.MIN_VALUE / 2;
        long lastDown = Long.MIN_VALUE / 2;
        int fastFlips = 0;
        int changes = 0;
        for (PoolEvent e : events) {
            int d = e instanceof PoolEvent.AgentSpawned ? 1 : e instanceof PoolEvent.AgentDestroyed ? -1 : 0;
            if (d == 0) {
                continue;
            }
            changes++;
            if (direction != 0 && d != direction && e.nanos() - (d > 0 ? lastDown : lastUp) < window.toNanos()) {
                fastFlips++;
            }
            direction = d;
            if (d > 0) {
                lastUp = e.nanos();
            } else {
                lastDown = e.nanos();
            }
        }
        assertThat(changes).as("the pool did scale").isGreaterThan(erlang);
        assertThat(fastFlips).isZero();
    }

    @Test
    void aSizedFlowsSpareSlotsAreItsWarmPoolNotAWarmPoolOnTop() {
        VirtualClock clock = new VirtualClock();
        // defaults: warm pool 1..6, target wait 700 ms; 1 task/s of 2.4 s tasks, cold start 10 s, so
        // the warm pool's forecast (1 task/s x 10 s) asks for its maximum, 6
        PoolConfig config = PoolConfig.custom().maxAgents(64).queueCapacity(100_000).build();
        SimProfile profile = SimProfile.of(Distribution.exponential(Duration.ofMillis(2400)))
                .withSpawnDelay(Duration.ofSeconds(10));
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock)
                .register("data", SimulatedAgent.factory(clock, profile, 7)).build();
        int erlang = ErlangC.slotsFor(2.4, 2.4, 0.7, 0.01, 64);
        double meanAgents = meanAgents(pool, clock, new SplittableRandom(7), 1, Duration.ofMinutes(10),
                Duration.ofMinutes(40));
        assertThat(erlang).isEqualTo(7);
        // Erlang C's 7 already hold 4.6 idle on average; busy (2.4) + 6 warm would be about 9
        assertThat(meanAgents).isBetween(erlang - 0.5, erlang + 1.0);
        pool.shutdown(Duration.ZERO);
    }

    @Test
    void aHighUtilizationTargetShrinksThePoolBelowTheBusiestMomentOfItsWindow() {
        VirtualClock clock = new VirtualClock();
        // 10 tasks/s of 1 s tasks (a = 10) at targetUtilization 0.95 and a 60 s target wait, no warm pool:
        // the utilization cap asks for ceil(10 / 0.95) = 11 agents, Erlang C at 60 s for fewer
        PoolConfig config = PoolConfig.custom().maxAgents(64).queueCapacity(100_000).targetUtilization(0.95)
                .targetWait(Duration.ofSeconds(60)).warmPool(0).warmPoolMin(0).warmPoolMax(0).build();
        SimProfile profile = SimProfile.of(Distribution.exponential(Duration.ofSeconds(1)))
                .withSpawnDelay(Duration.ofSeconds(10));
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock)
                .register("data", SimulatedAgent.factory(clock, profile, 9)).build();
        int byUtilization = (int) Math.ceil(10 / 0.95);
        assertThat(ErlangC.slotsFor(10, 1, 60, 0.01, 64)).isLessThanOrEqualTo(byUtilization);
        double meanAgents = meanAgents(pool, clock, new SplittableRandom(9), 10, Duration.ofMinutes(10),
                Duration.ofMinutes(40));
        // at most one agent over the size asked for (the scale-down's hysteresis band); when the window
        // kept its busiest tick, every agent was busy at some tick of each minute and the pool never shrank
        assertThat(meanAgents).as("mean agents for a = 10 at targetUtilization 0.95")
                .isBetween(byUtilization - 0.5, byUtilization + 1.0);
        pool.shutdown(Duration.ZERO);
    }

    @Test
    void aQueueThatRunningWorkStartsWithinTheTargetWaitSpawnsNoAgentOnDemand() {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        // a 30 s target wait, 1 s tasks, 2 s cold starts, no warm pool
        PoolConfig config = PoolConfig.custom().maxAgents(16).targetWait(Duration.ofSeconds(30)).warmPool(0)
                .warmPoolMin(0).warmPoolMax(0).build();
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofSeconds(1)))
                .withSpawnDelay(Duration.ofSeconds(2));
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("data", SimulatedAgent.factory(clock, profile, 3)).build();
        // two tasks bring up two agents and teach the pool the service and the cold-start times
        pool.submit(Task.of("data", Map.of()));
        pool.submit(Task.of("data", Map.of()));
        clock.advance(Duration.ofSeconds(5));
        assertThat(pool.snapshot().agents()).hasSize(2);
        long before = clock.nanoTime();
        // 20 more at once: the two agents start the last of them after 9 s, within the 30 s asked for;
        // counting only a cold start's worth of completions (2 x 2 s / 1 s = 4) asked for 14 agents
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            handles.add(pool.submit(Task.of("data", Map.of())));
        }
        clock.advance(Duration.ofSeconds(15));
        assertThat(handles).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        assertThat(events).filteredOn(e -> e.nanos() >= before && e instanceof PoolEvent.AgentSpawned s
                && s.cause() == PoolEvent.SpawnCause.ON_DEMAND).as("on-demand spawns for a queue within the target wait")
                .isEmpty();
        pool.shutdown(Duration.ZERO);
    }

    /**
     * Submits Poisson arrivals of {@code perSecond} until {@code end} and returns the pool's mean
     * agent count from {@code settled} on (time-weighted, read after each arrival).
     */
    private static double meanAgents(AgentPool pool, VirtualClock clock, SplittableRandom random, double perSecond,
                                     Duration settled, Duration end) {
        long from = settled.toNanos();
        double agentNanos = 0;
        long last = 0;
        while (clock.nanoTime() < end.toNanos()) {
            pool.submit(Task.of("data", Map.of()));
            clock.advance(Duration.ofNanos((long) (-Math.log(1 - random.nextDouble()) / perSecond * 1e9)));
            if (clock.nanoTime() >= from) {
                agentNanos += pool.snapshot().agents().size() * (double) (clock.nanoTime() - Math.max(last, from));
            }
            last = clock.nanoTime();
        }
        return agentNanos / (clock.nanoTime() - from);
    }
}
