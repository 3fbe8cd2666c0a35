package io.trinity.pool.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.EventLogWriter;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Network-aware dispatch through the whole pool on virtual time: four agents, two on node "a"
 * (work-1, work-3) and two on node "b" (work-2, work-4). A task prefers its origin node whatever
 * the balancer, spills to the least-loaded agent elsewhere, and says where it ran.
 */
class NodeRoutingTest {

    static final String MS = "ms";

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    /** Finishes after its input's ms on the pool clock; runs on the node its id's number gives. */
    record NodeAgent(VirtualClock clock, String node, int capacity) implements AsyncAgent {
        @Override
        public CompletionStage<Payload> executeAsync(TaskContext ctx) {
            CompletableFuture<Payload> done = new CompletableFuture<>();
            clock.schedule(Duration.ofMillis(((Number) ctx.data().get(MS)).longValue()),
                    () -> done.complete(Payload.EMPTY));
            return done;
        }

        @Override
        public String node() {
            return node;
        }
    }

    static String nodeOf(String agentId) {
        return Integer.parseInt(agentId.substring(agentId.lastIndexOf('-') + 1)) % 2 == 1 ? "a" : "b";
    }

    AgentPool pool(String balancer, int capacity) {
        PoolConfig config = PoolConfig.custom().maxAgents(4).warmPool(4).warmPoolMin(4).warmPoolMax(4).spawnRate(4)
                .queueCapacity(1_000).balancer(balancer).idleTimeout(Duration.ofDays(1)).stuckAfter(Duration.ofDays(1))
                .healthInterval(Duration.ofHours(1)).statsInterval(Duration.ofHours(1)).maxAttempts(1).seed(5).build();
        AgentPool pool = AgentPool.builder().deterministic(clock).config(config).listener(events::add)
                .register("work", init -> new NodeAgent(clock, nodeOf(init.agentId()), capacity)).build();
        clock.advance(Duration.ofSeconds(5));
        assertThat(pool.snapshot().agents()).extracting(PoolSnapshot.AgentInfo::node)
                .containsExactlyInAnyOrder("a", "b", "a", "b");
        return pool;
    }

    static Task task(String origin, long ms) {
        return Task.builder("work").origin(origin).input(Map.of(MS, ms)).build();
    }

    TaskHandle submit(AgentPool pool, Task task) {
        TaskHandle h = pool.submit(task);
        clock.advance(Duration.ofMillis(1)); // lets the loop dispatch it before the next one arrives
        return h;
    }

    PoolEvent.TaskDispatched dispatchOf(TaskHandle h) {
        return events.stream().filter(e -> e instanceof PoolEvent.TaskDispatched d && d.task() == h.id())
                .map(e -> (PoolEvent.TaskDispatched) e).reduce((first, second) -> second).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {Balancers.LEAST_LOADED, Balancers.ROUND_ROBIN, Balancers.SKILL_AWARE, Balancers.AFFINITY})
    void everyBalancerPlacesATaskOnItsOriginNodeWhileThatNodeHasRoom(String balancer) {
        AgentPool pool = pool(balancer, 2);
        List<TaskHandle> fromA = new ArrayList<>();
        List<TaskHandle> fromB = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fromA.add(submit(pool, task("a", 60_000)));
        }
        for (int i = 0; i < 4; i++) {
            fromB.add(submit(pool, task("b", 60_000)));
        }
        for (TaskHandle h : fromA) {
            assertThat(dispatchOf(h)).satisfies(d -> {
                assertThat(nodeOf(d.agent())).isEqualTo("a");
                assertThat(d.node()).isEqualTo("a");
                assertThat(d.remote()).isFalse();
            });
        }
        for (TaskHandle h : fromB) {
            assertThat(dispatchOf(h).node()).isEqualTo("b");
        }
        assertThat(pool.snapshot().localDispatches()).isEqualTo(8);
        assertThat(pool.snapshot().remoteDispatches()).isZero();
    }

    @Test
    void whenTheOriginNodeIsFullATaskSpillsToTheLeastLoadedAgentElsewhere() {
        AgentPool pool = pool(Balancers.LEAST_LOADED, 2);
        String busyB = dispatchOf(submit(pool, task("b", 60_000))).agent();
        for (int i = 0; i < 4; i++) {
            assertThat(dispatchOf(submit(pool, task("a", 60_000))).node()).isEqualTo("a");
        }
        // both "a" agents are full now: the next one goes to the idle "b" agent, not to busyB
        PoolEvent.TaskDispatched spill = dispatchOf(submit(pool, task("a", 60_000)));
        assertThat(spill.node()).isEqualTo("b");
        assertThat(spill.agent()).isNotEqualTo(busyB);
        assertThat(spill.remote()).isTrue();
        assertThat(pool.snapshot().localDispatches()).isEqualTo(5);
        assertThat(pool.snapshot().remoteDispatches()).isEqualTo(1);
        assertThat(EventLogWriter.toLine(spill, 0)).contains("\"node\":\"b\",\"remote\":true");
        // once an "a" agent frees, "a" tasks are local again
        clock.advance(Duration.ofSeconds(61));
        assertThat(dispatchOf(submit(pool, task("a", 1_000))).node()).isEqualTo("a");
    }

    @Test
    void aTaskWithoutOriginIsPlacedAsBeforeAndCountsNeitherWay() {
        AgentPool pool = pool(Balancers.LEAST_LOADED, 1);
        PoolEvent.TaskDispatched d = dispatchOf(submit(pool, Task.builder("work").input(Map.of(MS, 10L)).build()));
        assertThat(d.node()).isEqualTo(nodeOf(d.agent()));
        assertThat(d.remote()).isFalse();
        assertThat(pool.snapshot().localDispatches()).isZero();
        assertThat(pool.snapshot().remoteDispatches()).isZero();
    }

    @Test
    void aKeyedTaskUnderTheAffinityBalancerStaysWithItsHomeAgentOnAnotherNode() {
        AgentPool pool = pool(Balancers.AFFINITY, 2);
        Task keyed = Task.builder("work").affinity("session-7").input(Map.of(MS, 10L)).build();
        String home = dispatchOf(submit(pool, keyed)).agent();
        clock.advance(Duration.ofSeconds(1));
        String elsewhere = nodeOf(home).equals("a") ? "b" : "a";
        // agents on the origin node have room, yet the key's home agent wins
        PoolEvent.TaskDispatched d = dispatchOf(submit(pool, keyed.toBuilder().origin(elsewhere).build()));
        assertThat(d.agent()).isEqualTo(home);
        assertThat(d.remote()).isTrue();
        // a task of the same balancer without a key still prefers its origin
        assertThat(dispatchOf(submit(pool, task(elsewhere, 10))).node()).isEqualTo(elsewhere);
    }

    @Test
    void agentsWithoutANodeLeaveTheLogAndSnapshotAsBefore() {
        PoolConfig config = PoolConfig.custom().maxAgents(2).warmPool(2).warmPoolMin(2).warmPoolMax(2).build();
        AgentPool pool = AgentPool.builder().deterministic(clock).config(config).listener(events::add)
                .register("work", init -> new NodeAgent(clock, null, 1)).build();
        clock.advance(Duration.ofSeconds(5));
        PoolEvent.TaskDispatched d = dispatchOf(submit(pool, task("a", 10)));
        assertThat(d.node()).isNull();
        assertThat(EventLogWriter.toLine(d, 0)).doesNotContain("node").doesNotContain("remote");
        assertThat(pool.snapshot().localDispatches() + pool.snapshot().remoteDispatches()).isZero();
    }
}
