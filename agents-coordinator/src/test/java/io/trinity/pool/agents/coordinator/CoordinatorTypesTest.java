package io.trinity.pool.agents.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.common.Inputs;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A subtask's type must be one the pool runs as that type, compared as the pool compares names. */
class CoordinatorTypesTest {

    private static final Agent ECHO = ctx -> Payload.of(Map.of("text", Inputs.requireString(ctx, "text")));
    private static final List<String> REGISTERED = List.of("coordinator", "data", "generic");

    private static CoordinatorAgent coordinator(CoordinatorAgent.Factory factory, String type) throws Exception {
        return (CoordinatorAgent) factory.create(new AgentInit(type + "-1", type, Optional.empty()));
    }

    private static FakeTaskContext task(String type, TestPool pool, Object... nodes) {
        FakeTaskContext ctx = FakeTaskContext.of(type, Map.of("graph", List.of(nodes)));
        ctx.submitter = pool::submit;
        return ctx;
    }

    @Test
    void aGraphNamingATypeThePoolHasNotRegisteredIsRefusedBeforeAnythingRuns() throws Exception {
        // Before: accepted; "nope" ran on the generic fallback and failed with generic's input.op error.
        TestPool pool = new TestPool(Map.of("data", ECHO, "generic", ECHO));
        FakeTaskContext ctx = task("coordinator", pool,
                Map.of("id", "a", "type", "data", "input", Map.of("text", "x")),
                Map.of("id", "b", "type", "nope", "after", List.of("a")));

        assertThatThrownBy(() -> coordinator(new CoordinatorAgent.Factory(REGISTERED), "coordinator").execute(ctx))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.graph[1].type: no agent type of this name is registered in the pool (it has"
                        + " coordinator, data, generic); type names are case-sensitive (got 'nope')");
        assertThat(pool.submitted).isEmpty();
    }

    @Test
    void aCoordinatorInAnotherCaseIsRefusedWithOrWithoutTheRegisteredTypes() throws Exception {
        // Before: "Coordinator" passed the coordinator rule and ran on the generic fallback.
        TestPool pool = new TestPool(Map.of("generic", ECHO));
        Map<String, Object> capitalised = Map.of("id", "a", "type", "Coordinator", "input", Map.of("graph", List.of()));

        assertThatThrownBy(() -> coordinator(new CoordinatorAgent.Factory(REGISTERED), "coordinator")
                .execute(task("coordinator", pool, capitalised)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.graph[0].type: no agent type of this name is registered in the pool (it has"
                        + " coordinator, data, generic); type names are case-sensitive: did you mean 'coordinator'?"
                        + " (got 'Coordinator')");
        assertThatThrownBy(() -> coordinator(new CoordinatorAgent.Factory(), "coordinator")
                .execute(task("coordinator", pool, capitalised)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.graph[0].type: type names are case-sensitive, and this is not the built-in type"
                        + " 'coordinator': the pool would not run it as one (got 'Coordinator')");
        assertThat(pool.submitted).isEmpty();
    }

    @Test
    void aCoordinatorRegisteredUnderAnotherNameRefusesSubtasksOfItsOwnType() throws Exception {
        TestPool pool = new TestPool(Map.of("generic", ECHO));
        FakeTaskContext ctx = task("planner", pool, Map.of("id", "a", "type", "planner"));
        assertThatThrownBy(() -> coordinator(new CoordinatorAgent.Factory(), "planner").execute(ctx))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.graph[0].type: a coordinator cannot submit coordinator subtasks; flatten the graph"
                        + " (got 'planner')");
    }

    @Test
    void theRegisteredTypesAreReadAtEachTask() throws Exception {
        List<String> types = new java.util.concurrent.CopyOnWriteArrayList<>(List.of("coordinator"));
        CoordinatorAgent agent = coordinator(new CoordinatorAgent.Factory(() -> types), "coordinator");
        TestPool pool = new TestPool(Map.of("echo", ECHO));
        Map<String, Object> echo = Map.of("id", "a", "type", "echo", "input", Map.of("text", "hi"));
        assertThatThrownBy(() -> agent.execute(task("coordinator", pool, echo)))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("(got 'echo')");

        types.add("echo");
        Payload out = agent.execute(task("coordinator", pool, echo));
        assertThat(out.data()).containsEntry("succeeded", 1L);
    }

    @Test
    void inARealPoolTheUnknownTypeNeverReachesTheGenericFallback() throws Exception {
        AtomicInteger genericRuns = new AtomicInteger();
        Agent generic = ctx -> {
            genericRuns.incrementAndGet();
            return Payload.of(Map.of("ran", ctx.task().type()));
        };
        List<String> types = List.of("coordinator", "generic");
        AgentPool pool = AgentPool.builder().config(PoolConfig.custom().warmPool(0).warmPoolMin(0).build())
                .register("coordinator", new CoordinatorAgent.Factory(types))
                .register("generic", init -> generic)
                .build();
        try {
            TaskHandle h = pool.submit(Task.of("coordinator", Map.of("graph", List.of(
                    Map.of("id", "a", "type", "nope", "input", Map.of("op", "count"))))));
            assertThatThrownBy(() -> h.result().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("input.graph[0].type: no agent type of this name is registered in the pool");
            assertThat(h.state()).isEqualTo(TaskState.FAILED);
            assertThat(h.attempts()).isEqualTo(1); // non-retryable
            assertThat(genericRuns).hasValue(0);
            // the pool itself does run an unknown type on its fallback: what the coordinator now prevents
            assertThat(pool.submit(Task.of("nope", Map.of())).result().get(30, TimeUnit.SECONDS).data())
                    .isEqualTo(Map.of("ran", "nope"));
        } finally {
            pool.shutdown(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
        }
    }
}
