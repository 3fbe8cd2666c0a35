package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.internal.Engine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolDispatchTest {

    @Test
    void unknownTypesFallBackToGeneric() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.ofDefaults(), SimPools.fixed(100), AgentTypes.GENERIC, AgentTypes.CODE);
        TaskHandle h = pool.submit(Task.of("translate", Map.of()));
        sim.runUntil(() -> h.state().isFinal(), Duration.ofSeconds(10));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.result().join().data().get("agent").toString()).startsWith("generic-");
    }

    @Test
    void unknownTypeWithoutGenericIsRejectedClearly() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.ofDefaults(), SimPools.fixed(100), AgentTypes.CODE);
        assertThatThrownBy(() -> pool.submit(Task.of("translate", Map.of())))
                .isInstanceOf(TaskRejectedException.class)
                .hasMessageContaining("task type 'translate' has no registered agent type");
        assertThat(sim.of(PoolEvent.TaskRejected.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(PoolEvent.RejectReason.INVALID));
    }

    @Test
    void aFullQueueThrowsWithDepthAndCapacityAndNeverBlocks() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.custom().queueCapacity(5).build(), SimPools.fixed(1000), "code");
        for (int i = 0; i < 5; i++) {
            pool.submit(Task.of("code", Map.of()));
        }
        assertThatThrownBy(() -> pool.submit(Task.of("code", Map.of())))
                .isInstanceOfSatisfying(QueueFullException.class, e -> {
                    assertThat(e.depth()).isEqualTo(5);
                    assertThat(e.capacity()).isEqualTo(5);
                })
                .hasMessageContaining("task queue is full (depth=5, capacity=5)");
        assertThat(sim.of(PoolEvent.TaskRejected.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(PoolEvent.RejectReason.QUEUE_FULL));
        // Once agents take tasks out of the queue, there is room again.
        sim.advance(500);
        assertThat(pool.submit(Task.of("code", Map.of())).state()).isEqualTo(TaskState.QUEUED);
    }

    @Test
    void dispatchesByPriorityThenFifoOnOneAgent() {
        SimPools sim = new SimPools();
        PoolConfig config = PoolConfig.custom().maxAgents(1).warmPool(0).warmPoolMin(0).warmPoolMax(0).build();
        AgentPool pool = sim.pool(config, SimPools.fixed(100), "code");
        List<TaskHandle> handles = new ArrayList<>();
        int[] priorities = {0, 5, 1, 5, 3};
        for (int p : priorities) {
            handles.add(pool.submit(Task.builder("code").priority(p).build()));
        }
        sim.runUntil(() -> handles.stream().allMatch(h -> h.state().isFinal()), Duration.ofSeconds(10));
        List<Long> order = sim.of(PoolEvent.TaskDispatched.class).stream().map(PoolEvent.TaskDispatched::task).toList();
        long first = handles.get(0).id();
        assertThat(order).containsExactly(first + 1, first + 3, first + 4, first + 2, first);
    }

    @Test
    void aTaskCanOverrideThePoolBalancer() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.ofDefaults(), SimPools.fixed(100), "code");
        TaskHandle h = pool.submit(Task.builder("code").balancer(Balancers.ROUND_ROBIN).build());
        sim.runUntil(() -> h.state().isFinal(), Duration.ofSeconds(10));
        assertThat(sim.of(PoolEvent.TaskDispatched.class)).singleElement()
                .satisfies(d -> assertThat(d.balancer()).isEqualTo(Balancers.ROUND_ROBIN));
        assertThatThrownBy(() -> pool.submit(Task.builder("code").balancer("fastest").build()))
                .isInstanceOf(TaskRejectedException.class).hasMessageContaining("balancer 'fastest'");
    }

    @Test
    void aBalancerLearnsFromEveryOutcomeOnceATaskHasNamedIt() {
        SimPools sim = new SimPools();
        List<Long> heard = new ArrayList<>();
        AgentPool pool = sim.pool(PoolConfig.ofDefaults(), SimPools.fixed(100), b -> b.balancer("counting",
                context -> new io.trinity.pool.balance.LoadBalancer() {
                    @Override
                    public String name() {
                        return "counting";
                    }

                    @Override
                    public io.trinity.pool.agent.AgentView select(io.trinity.pool.balance.TaskRequest task,
                            List<? extends io.trinity.pool.agent.AgentView> candidates) {
                        return candidates.get(0);
                    }

                    @Override
                    public void taskEnded(io.trinity.pool.agent.AgentView agent, io.trinity.pool.balance.TaskRequest task,
                            io.trinity.pool.balance.Outcome outcome) {
                        heard.add(task.id());
                    }
                }), "code");
        TaskHandle before = pool.submit(Task.of("code", Map.of()));
        sim.runUntil(() -> before.state().isFinal(), Duration.ofSeconds(10));
        assertThat(heard).as("no task has named it yet: nothing to learn for").isEmpty();

        TaskHandle named = pool.submit(Task.builder("code").balancer("counting").build());
        sim.runUntil(() -> named.state().isFinal(), Duration.ofSeconds(10));
        TaskHandle after = pool.submit(Task.of("code", Map.of())); // placed by the default balancer
        sim.runUntil(() -> after.state().isFinal(), Duration.ofSeconds(10));
        assertThat(heard).containsExactly(named.id(), after.id());
    }

    @Test
    void theWarmPoolIsFilledAtStartAndTheSpawnRateIsRespected() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.custom().spawnRate(2).build(), SimPools.fixed(100), "code");
        for (int i = 0; i < 10; i++) {
            pool.submit(Task.of("code", Map.of()));
        }
        sim.advance(5_000);
        List<PoolEvent.AgentSpawned> spawns = sim.of(PoolEvent.AgentSpawned.class);
        assertThat(spawns).isNotEmpty();
        for (PoolEvent.AgentSpawned s : spawns) {
            long inWindow = spawns.stream().filter(o -> o.nanos() > s.nanos() - 1_000_000_000L && o.nanos() <= s.nanos()).count();
            assertThat(inWindow).isLessThanOrEqualTo(2);
        }
        assertThat(((Engine) pool).loopFailures()).isZero();
    }

    @Test
    void agentsRunAtMostTheirCapacity() {
        SimPools sim = new SimPools();
        AgentPool pool = sim.pool(PoolConfig.custom().maxAgents(3).warmPool(0).warmPoolMin(0).warmPoolMax(0).build(),
                SimPools.fixed(300), "code");
        for (int i = 0; i < 12; i++) {
            pool.submit(Task.of("code", Map.of()));
        }
        for (int t = 0; t < 100; t++) {
            sim.advance(50);
            PoolSnapshot snap = pool.snapshot();
            assertThat(snap.agents()).hasSizeLessThanOrEqualTo(3);
            assertThat(snap.agents()).allSatisfy(a -> assertThat(a.inFlight()).isLessThanOrEqualTo(a.capacity()));
        }
        assertThat(pool.snapshot().tasks(TaskState.SUCCEEDED)).isEqualTo(12);
    }
}
