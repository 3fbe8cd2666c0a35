package io.trinity.pool.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.AgentPool;
import io.trinity.pool.DeadLetter;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class TaskOutcomesTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    AgentPool simPool(PoolConfig config, long taskMs) {
        return AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("data", SimulatedAgent.factory(clock,
                        SimProfile.of(Distribution.fixed(Duration.ofMillis(taskMs))).withSpawnDelay(Duration.ofMillis(100)), 1))
                .build();
    }

    <T extends PoolEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aTimeoutEndsTheAttemptAndTheRetryRulesApply() {
        AgentPool pool = simPool(PoolConfig.ofDefaults(), 5_000);
        TaskHandle h = pool.submit(Task.builder("data").timeout(Duration.ofSeconds(1)).maxAttempts(2).build());
        clock.advance(Duration.ofSeconds(30));
        assertThat(h.state()).isEqualTo(TaskState.TIMED_OUT);
        assertThat(h.attempts()).isEqualTo(2);
        assertThat(h.failureReasons()).hasSize(2).allMatch(r -> r.startsWith("timed out after 1000 ms"));
        assertThat(of(PoolEvent.TaskEnded.class)).extracting(PoolEvent.TaskEnded::outcome)
                .containsExactly(PoolEvent.TaskOutcome.TIMED_OUT, PoolEvent.TaskOutcome.TIMED_OUT);
        assertThat(of(PoolEvent.TaskRetried.class)).hasSize(1);
        assertThatThrownBy(() -> h.result().join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(TaskFailedException.class,
                        e -> assertThat(e.state()).isEqualTo(TaskState.TIMED_OUT));
    }

    @Test
    void cancellingAQueuedTaskRemovesIt() {
        AgentPool pool = simPool(PoolConfig.custom().maxAgents(1).warmPool(0).warmPoolMin(0).warmPoolMax(1).build(), 5_000);
        TaskHandle running = pool.submit(Task.of("data", Map.of()));
        TaskHandle queued = pool.submit(Task.of("data", Map.of()));
        clock.advance(Duration.ofSeconds(1));
        queued.cancel();
        queued.cancel();
        clock.advance(Duration.ofMillis(1));
        assertThat(queued.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(queued.attempts()).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(running.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(of(PoolEvent.TaskDispatched.class)).extracting(PoolEvent.TaskDispatched::task).containsExactly(running.id());
        assertThat(of(PoolEvent.TaskEnded.class)).filteredOn(e -> e.task() == queued.id()).singleElement()
                .satisfies(e -> assertThat(e.agent()).isNull());
        assertThat(pool.snapshot().queued()).isZero();
    }

    @Test
    void cancellingARunningTaskInterruptsItsWorkExactlyOnce() {
        AgentPool pool = simPool(PoolConfig.ofDefaults(), 10_000);
        TaskHandle h = pool.submit(Task.of("data", Map.of()));
        clock.advance(Duration.ofSeconds(2));
        assertThat(h.state()).isEqualTo(TaskState.RUNNING);
        h.cancel();
        h.cancel();
        clock.advance(Duration.ofSeconds(20));
        assertThat(h.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(of(PoolEvent.TaskEnded.class)).singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo(PoolEvent.TaskOutcome.CANCELLED));
        // the agent was freed when its work stopped, not after the full 10 s
        assertThat(of(PoolEvent.AgentStateChanged.class)).anySatisfy(s -> {
            assertThat(s.from().name()).isEqualTo("BUSY");
            assertThat(s.nanos()).isLessThan(Duration.ofSeconds(3).toNanos());
        });
    }

    @Test
    void failedTasksAreRetriedOnAnotherAgentThenDeadLetteredAndCanBeResubmitted() {
        List<String> agentsTried = new ArrayList<>();
        boolean[] healed = {false};
        AgentPool pool = AgentPool.builder().deterministic(clock).listener(events::add)
                .config(PoolConfig.custom().warmPool(3).warmPoolMin(3).build())
                .register("code", init -> ctx -> {
                    agentsTried.add(init.agentId());
                    if (!healed[0]) {
                        throw new IllegalStateException("compiler crashed on attempt " + ctx.attempt());
                    }
                    return Payload.of(Map.of("ok", true));
                }).build();
        clock.advance(Duration.ofSeconds(2));
        TaskHandle h = pool.submit(Task.of("code", Map.of("source", "class A {}")));
        clock.advance(Duration.ofMinutes(1));
        assertThat(h.state()).isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(h.attempts()).isEqualTo(3);
        assertThat(h.failureReasons()).containsExactly(
                "IllegalStateException: compiler crashed on attempt 1",
                "IllegalStateException: compiler crashed on attempt 2",
                "IllegalStateException: compiler crashed on attempt 3");
        assertThat(agentsTried.get(1)).isNotEqualTo(agentsTried.get(0));
        assertThat(agentsTried.get(2)).isNotEqualTo(agentsTried.get(1));
        // backoff between attempts grows
        List<PoolEvent.TaskRetried> retries = of(PoolEvent.TaskRetried.class);
        assertThat(retries).hasSize(2);
        // equal jitter on 200 ms doubling: first in [100, 200], second in [200, 400]
        assertThat(retries.get(0).backoffMs()).isBetween(100L, 200L);
        assertThat(retries.get(1).backoffMs()).isBetween(200L, 400L);

        List<DeadLetter> letters = pool.deadLetters();
        assertThat(letters).singleElement().satisfies(d -> {
            assertThat(d.taskId()).isEqualTo(h.id());
            assertThat(d.reasons()).hasSize(3);
        });
        healed[0] = true;
        TaskHandle again = pool.resubmit(h.id());
        clock.advance(Duration.ofSeconds(5));
        assertThat(again.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(pool.deadLetters()).isEmpty();
        assertThatThrownBy(() -> pool.resubmit(h.id())).hasMessageContaining("no dead letter with task id " + h.id());
    }

    @Test
    void aNonRetryableErrorFailsAtOnce() {
        AgentPool pool = AgentPool.builder().deterministic(clock).listener(events::add)
                .register("vision", init -> ctx -> {
                    throw new NonRetryableException("input.image: not a PNG, JPEG, GIF or BMP (first bytes 25 50 44 46)");
                }).build();
        TaskHandle h = pool.submit(Task.of("vision", Map.of()));
        clock.advance(Duration.ofSeconds(5));
        assertThat(h.state()).isEqualTo(TaskState.FAILED);
        assertThat(h.attempts()).isEqualTo(1);
        assertThat(h.failureReasons()).singleElement().asString().contains("not a PNG");
        assertThat(of(PoolEvent.TaskRetried.class)).isEmpty();
        assertThat(pool.deadLetters()).isEmpty();
    }

    @Test
    void aHighPriorityTaskPreemptsTheLowestPriorityRunningTask() {
        PoolConfig config = PoolConfig.custom().maxAgents(2).warmPool(0).warmPoolMin(0).warmPoolMax(2)
                .preemptPriority(100).build();
        AgentPool pool = simPool(config, 10_000);
        TaskHandle low = pool.submit(Task.builder("data").priority(0).build());
        TaskHandle mid = pool.submit(Task.builder("data").priority(5).build());
        clock.advance(Duration.ofSeconds(2));
        assertThat(low.state()).isEqualTo(TaskState.RUNNING);
        assertThat(mid.state()).isEqualTo(TaskState.RUNNING);

        long submittedAt = clock.nanoTime();
        TaskHandle urgent = pool.submit(Task.builder("data").priority(200).build());
        clock.advance(Duration.ofMillis(1));
        assertThat(urgent.state()).isEqualTo(TaskState.RUNNING);
        PoolEvent.TaskDispatched started = of(PoolEvent.TaskDispatched.class).stream()
                .filter(d -> d.task() == urgent.id()).findFirst().orElseThrow();
        assertThat(started.nanos() - submittedAt).isLessThan(Duration.ofMillis(1).toNanos());
        assertThat(of(PoolEvent.TaskEnded.class)).singleElement().satisfies(e -> {
            assertThat(e.task()).isEqualTo(low.id());
            assertThat(e.outcome()).isEqualTo(PoolEvent.TaskOutcome.PREEMPTED);
        });
        assertThat(mid.state()).isEqualTo(TaskState.RUNNING);

        clock.advance(Duration.ofSeconds(40));
        assertThat(low.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(low.attempts()).isEqualTo(1);
        assertThat(urgent.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(mid.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void belowThePreemptionLevelNothingIsPreempted() {
        PoolConfig config = PoolConfig.custom().maxAgents(2).warmPool(0).warmPoolMin(0).warmPoolMax(2)
                .preemptPriority(100).build();
        AgentPool pool = simPool(config, 10_000);
        pool.submit(Task.builder("data").priority(0).build());
        pool.submit(Task.builder("data").priority(0).build());
        clock.advance(Duration.ofSeconds(2));
        TaskHandle high = pool.submit(Task.builder("data").priority(99).build());
        clock.advance(Duration.ofSeconds(1));
        assertThat(high.state()).isEqualTo(TaskState.QUEUED);
        assertThat(of(PoolEvent.TaskEnded.class)).isEmpty();
    }
}
