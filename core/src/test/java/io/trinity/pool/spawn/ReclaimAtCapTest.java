package io.trinity.pool.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.DestroyReason;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Room at the cap for types that wait, on virtual time: idle agents of types with nothing
 * queued are respecialized at once and shared out between the waiting types, and a type with
 * no agent gets one even when every other type has a backlog.
 */
class ReclaimAtCapTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    AgentPool pool(int maxAgents, int spawnRate, String... types) {
        PoolConfig config = PoolConfig.custom().maxAgents(maxAgents).spawnRate(spawnRate).warmPool(0).warmPoolMin(0).warmPoolMax(Math.min(4, maxAgents))
                .queueCapacity(1_000).seed(3).build();
        var b = AgentPool.builder().config(config).deterministic(clock).listener(events::add);
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofSeconds(1))).withSpawnDelay(Duration.ofMillis(100));
        for (String t : types) {
            b.register(t, SimulatedAgent.factory(clock, profile, 3));
        }
        return b.build();
    }

    static Task task(String type, long ms) {
        return Task.builder(type).input(Map.of(SimulatedAgent.DURATION_MS, ms)).build();
    }

    @Test
    void freedAgentsGoToEveryWaitingTypeInTurn() {
        // the demo's case: the pool at its cap of 8 agents of one type while 21 tasks of three
        // types that have no agent wait; then the 8 agents' work ends
        AgentPool pool = pool(8, 4, "old", "v1", "v2", "v3");
        for (int i = 0; i < 8; i++) {
            pool.submit(task("old", 4_000));
        }
        clock.advance(Duration.ofSeconds(2));
        assertThat(pool.snapshot().agents()).hasSize(8).allMatch(a -> a.type().equals("old") && a.inFlight() == 1);
        for (String t : List.of("v1", "v2", "v3")) {
            for (int i = 0; i < 7; i++) {
                pool.submit(task(t, 5_000));
            }
        }
        clock.advance(Duration.ofSeconds(6)); // the old tasks end at 4.1 s and 5.1 s, the first new ones at 9.1 s
        long firstFree = events.stream().filter(e -> e instanceof PoolEvent.AgentStateChanged c
                && c.type().equals("old") && c.from() == AgentState.BUSY).mapToLong(PoolEvent::nanos).min().orElseThrow();
        Set<String> atOnce = new HashSet<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.AgentSpawned s && s.nanos() == firstFree) {
                atOnce.add(s.type());
            }
        }
        assertThat(atOnce).as("types given an agent the moment the first agents are free")
                .containsExactlyInAnyOrder("v1", "v2", "v3");
        long respecialized = events.stream().filter(e -> e instanceof PoolEvent.AgentDestroyed d
                && d.reason() == DestroyReason.RESPECIALIZE).count();
        assertThat(respecialized).as("every agent but the last of 'old' (work is still expected for it)").isEqualTo(7);
        Map<String, Integer> byType = new TreeMap<>();
        pool.snapshot().agents().forEach(a -> byType.merge(a.type(), 1, Integer::sum));
        assertThat(byType).containsEntry("old", 1);
        assertThat(List.of(byType.get("v1"), byType.get("v2"), byType.get("v3"))).as("shared in turn: " + byType)
                .allMatch(n -> n >= 2 && n <= 3);
        long lastRespecialize = events.stream().filter(e -> e instanceof PoolEvent.AgentDestroyed d
                && d.reason() == DestroyReason.RESPECIALIZE).mapToLong(PoolEvent::nanos).max().orElseThrow();
        assertThat(lastRespecialize - firstFree).as("7 hand-overs at 4 spawns/s: within two rate windows")
                .isLessThanOrEqualTo(2_000_000_000L);
        assertSpawnRate(4);
    }

    @Test
    void aTypeWithNoAgentGetsOneFromABackloggedTypeWithinOneTask() {
        AgentPool pool = pool(4, 10, "hog", "quiet");
        for (int i = 0; i < 200; i++) {
            pool.submit(task("hog", 1_000)); // 50 s of backlog on 4 agents
        }
        clock.advance(Duration.ofSeconds(10));
        assertThat(pool.snapshot().agents()).hasSize(4).allMatch(a -> a.type().equals("hog"));
        pool.submit(task("quiet", 200));
        clock.advance(Duration.ofSeconds(5));
        pool.submit(task("quiet", 200)); // the type keeps its agent while its work keeps coming
        clock.advance(Duration.ofSeconds(5));
        List<Double> waits = waitsMs("quiet");
        System.out.printf("reclaim at cap: quiet type beside a 50 s backlog of another type waited %s ms%n", waits);
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).as("first quiet task: one hog task to finish, then a hand-over").isLessThanOrEqualTo(1_100);
        assertThat(waits.get(1)).as("second quiet task: the agent was kept").isEqualTo(0);
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.AgentDestroyed d
                && d.reason() == DestroyReason.RESPECIALIZE).hasSize(1);
    }

    private List<Double> waitsMs(String type) {
        Map<Long, Long> submitted = new HashMap<>();
        List<Double> waits = new ArrayList<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskSubmitted s && s.type().equals(type)) {
                submitted.put(s.task(), s.nanos());
            } else if (e instanceof PoolEvent.TaskDispatched d && submitted.containsKey(d.task())) {
                waits.add((d.nanos() - submitted.remove(d.task())) / 1e6);
            }
        }
        return waits;
    }

    private void assertSpawnRate(int rate) {
        List<Long> spawns = events.stream().filter(e -> e instanceof PoolEvent.AgentSpawned).map(PoolEvent::nanos).toList();
        for (long t : spawns) {
            assertThat(spawns.stream().filter(o -> o > t - 1_000_000_000L && o <= t).count()).isLessThanOrEqualTo(rate);
        }
    }
}
