package io.trinity.pool.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class LimitsProperties {

    /** Fixed seed so CI replays the same cases; change it locally to explore. */
    @Property(tries = 60, seed = "856294318268889431")
    void maxAgentsAndSpawnRateHoldUnderARandomWorkload(@ForAll @IntRange(min = 1, max = 12) int maxAgents,
                                                       @ForAll @IntRange(min = 1, max = 6) int spawnRate,
                                                       @ForAll @IntRange(min = 1, max = 4) int types,
                                                       @ForAll long seed) {
        check(maxAgents, spawnRate, types, seed);
    }

    /** Found by the property: at a cap of one, the warm agent of one type starved another type forever. */
    @Example
    void aWarmAgentIsReclaimedForAnotherTypeAtTheCap() {
        check(1, 1, 2, -1);
        check(1, 3, 3, -136);
    }

    private void check(int maxAgents, int spawnRate, int types, long seed) {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        int warm = Math.min(maxAgents, 2);
        PoolConfig config = PoolConfig.custom().maxAgents(maxAgents).warmPool(warm).warmPoolMin(Math.min(1, warm))
                .warmPoolMax(warm).spawnRate(spawnRate).idleTimeout(Duration.ofSeconds(5)).seed(seed).build();
        SimProfile profile = SimProfile.of(Distribution.exponential(Duration.ofMillis(700)))
                .withSpawnDelay(Duration.ofMillis(300)).withFaults(0.05, 0, 0.02);
        var builder = AgentPool.builder().config(config).deterministic(clock).listener(events::add);
        for (int t = 0; t < types; t++) {
            builder.register("t" + t, SimulatedAgent.factory(clock, profile, seed));
        }
        AgentPool pool = builder.build();
        SplittableRandom random = new SplittableRandom(seed);
        List<TaskHandle> handles = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            int burst = random.nextInt(10) == 0 ? random.nextInt(30) : random.nextInt(3);
            for (int i = 0; i < burst; i++) {
                try {
                    handles.add(pool.submit(Task.of("t" + random.nextInt(types), Map.of())));
                } catch (QueueFullException full) {
                    break;
                }
            }
            clock.advance(Duration.ofMillis(50 + random.nextInt(200)));
        }
        clock.advance(Duration.ofMinutes(10));

        int alive = 0;
        ArrayDeque<Long> lastSecond = new ArrayDeque<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.AgentSpawned) {
                alive++;
                assertThat(alive).as("alive agents, counting SPAWNING and DESTROYING").isLessThanOrEqualTo(maxAgents);
                lastSecond.addLast(e.nanos());
                while (lastSecond.peekFirst() <= e.nanos() - 1_000_000_000L) {
                    lastSecond.pollFirst();
                }
                assertThat(lastSecond.size()).as("spawns in a sliding second").isLessThanOrEqualTo(spawnRate);
            } else if (e instanceof PoolEvent.AgentDestroyed) {
                alive--;
            }
        }
        assertThat(handles).allMatch(h -> h.state().isFinal());
    }
}
