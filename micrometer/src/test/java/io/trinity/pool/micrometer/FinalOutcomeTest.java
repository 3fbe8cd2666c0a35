package io.trinity.pool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.TaskOutcome;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The final-outcome rule of {@link TaskBook}, fed event by event in the orders the pool emits. */
class FinalOutcomeTest {

    SimpleMeterRegistry registry;
    TrinityPoolMetrics metrics = bound(TrinityPoolMetrics.create());
    long now;

    /** Each binder gets its own registry: two binders in one registry need distinguishing tags. */
    TrinityPoolMetrics bound(TrinityPoolMetrics m) {
        registry = new SimpleMeterRegistry();
        m.bindTo(registry);
        return m;
    }

    void feed(PoolEvent... events) {
        for (PoolEvent e : events) {
            metrics.onEvent(e);
        }
    }

    PoolEvent submitted(long task, String type) {
        return new PoolEvent.TaskSubmitted(now, task, type, 0, null, "default");
    }

    PoolEvent dispatched(long task, String agent, int attempt) {
        return new PoolEvent.TaskDispatched(now, task, agent, "least-loaded", attempt);
    }

    PoolEvent ended(long task, String agent, TaskOutcome outcome) {
        return new PoolEvent.TaskEnded(now, task, agent, outcome, 100, outcome == TaskOutcome.SUCCEEDED ? null : "why");
    }

    PoolEvent state(String agent, AgentState from, AgentState to) {
        return new PoolEvent.AgentStateChanged(now, agent, "code", from, to, null);
    }

    Map<String, Double> outcomes() {
        Map<String, Double> m = new TreeMap<>();
        for (FunctionCounter c : registry.find(TrinityPoolMetrics.TASKS).functionCounters()) {
            if (c.count() > 0) {
                m.put(c.getId().getTag("type") + "/" + c.getId().getTag("outcome"), c.count());
            }
        }
        return m;
    }

    @Test
    void aFailedAttemptFollowedByItsRetryIsNotFinal() {
        feed(submitted(1, "code"), dispatched(1, "code-1", 1), ended(1, "code-1", TaskOutcome.FAILED),
                new PoolEvent.TaskRetried(now, 1, 1, "flaky", 0), state("code-1", AgentState.BUSY, AgentState.READY),
                dispatched(1, "code-1", 2), ended(1, "code-1", TaskOutcome.SUCCEEDED));
        assertThat(outcomes()).isEqualTo(Map.of("code/succeeded", 1.0));
        assertThat(metrics.trackedTasks()).isZero();
    }

    @Test
    void aFailedAttemptWithoutARetryIsFinalOnceTheAgentIsFreeAgain() {
        feed(submitted(1, "code"), dispatched(1, "code-1", 1), ended(1, "code-1", TaskOutcome.FAILED));
        assertThat(outcomes()).as("a retry may still follow").isEmpty();
        feed(state("code-1", AgentState.BUSY, AgentState.READY));
        assertThat(outcomes()).isEqualTo(Map.of("code/failed", 1.0));
        assertThat(metrics.trackedTasks()).isZero();
    }

    @Test
    void theEventsOfABrokenAgentBetweenAnEndAndItsRetryDoNotSettleIt() {
        // Lifecycle.fail announces the agent's failure and its other attempt's end and retry in between
        feed(submitted(1, "code"), submitted(2, "code"), dispatched(1, "code-1", 1), dispatched(2, "code-1", 1),
                ended(1, "code-1", TaskOutcome.FAILED),
                state("code-1", AgentState.BUSY, AgentState.FAILED),
                new PoolEvent.AgentDestroyed(now, "code-1", "code", PoolEvent.DestroyReason.FAILED, null),
                new PoolEvent.HealthRestart(now, "code-1", "code-2", 1000, "code", "broke"),
                ended(2, "code-1", TaskOutcome.FAILED), new PoolEvent.TaskRetried(now, 2, 1, "broke", 0),
                new PoolEvent.TaskRetried(now, 1, 1, "broke", 0));
        assertThat(outcomes()).isEmpty();
        assertThat(metrics.trackedTasks()).isEqualTo(2);
        feed(new PoolEvent.AgentSpawned(now, "code-2", "code", PoolEvent.SpawnCause.REPLACE));
        assertThat(outcomes()).isEmpty();
    }

    @Test
    void aTimeoutOnTheLastAttemptIsFinalAtTheNextStatsTick() {
        feed(submitted(1, "code"), dispatched(1, "code-1", 1), ended(1, "code-1", TaskOutcome.TIMED_OUT),
                new PoolEvent.PoolStats(now, Map.of("BUSY", 1), 0));
        assertThat(outcomes()).isEqualTo(Map.of("code/timed_out", 1.0));
    }

    @Test
    void endsWithoutAnAgentAndDeadLettersAreFinalAtOnce() {
        feed(submitted(1, "code"), ended(1, null, TaskOutcome.FAILED), submitted(2, "code"),
                ended(2, null, TaskOutcome.CANCELLED), submitted(3, "code"), dispatched(3, "code-1", 1),
                ended(3, "code-1", TaskOutcome.FAILED), new PoolEvent.TaskDeadLettered(now, 3, 1, "flaky"),
                submitted(4, "code"), dispatched(4, "code-1", 1), ended(4, "code-1", TaskOutcome.PREEMPTED));
        assertThat(outcomes()).isEqualTo(Map.of("code/failed", 1.0, "code/cancelled", 1.0, "code/dead_lettered", 1.0));
        assertThat(registry.get(TrinityPoolMetrics.QUEUE_SIZE).tag("type", "code").gauge().value())
                .as("the preempted task waits again").isEqualTo(1);
    }

    @Test
    void tagValuesFromTasksAreCapped() {
        metrics = bound(TrinityPoolMetrics.builder().maxTagValues(2).build());
        for (int i = 0; i < 5; i++) { // types a generic fallback accepted
            feed(submitted(i, "type-" + i), ended(i, null, TaskOutcome.CANCELLED));
        }
        assertThat(outcomes()).isEqualTo(Map.of("type-0/cancelled", 1.0, "type-1/cancelled", 1.0,
                "other/cancelled", 3.0));
    }

    @Test
    void refusalsOfTypesNoAgentRunsCountUnderUnknownAndTakeNoTagValue() {
        metrics = bound(TrinityPoolMetrics.builder().maxTagValues(1).build());
        for (int i = 0; i < 5; i++) {
            feed(new PoolEvent.TaskRejected(now, i, "type-" + i, PoolEvent.RejectReason.INVALID, "unknown type"));
        }
        feed(new PoolEvent.TaskRejected(now, 9, "code", PoolEvent.RejectReason.QUEUE_FULL, null));
        assertThat(outcomes()).isEqualTo(Map.of(TrinityPoolMetrics.UNKNOWN + "/rejected", 5.0, "code/rejected", 1.0));
    }

    @Test
    void anAgentTypeKeepsItsNamePastTheCapAndItsWaitingTasksMoveToIt() {
        metrics = bound(TrinityPoolMetrics.builder().maxTagValues(1).build());
        feed(submitted(1, "made-up"), submitted(2, "code"));
        assertThat(registry.get(TrinityPoolMetrics.QUEUE_SIZE).tag("type", "other").gauge().value()).isEqualTo(1);
        feed(new PoolEvent.AgentSpawned(now, "code-1", "code", PoolEvent.SpawnCause.ON_DEMAND));
        assertThat(registry.get(TrinityPoolMetrics.QUEUE_SIZE).tag("type", "other").gauge().value()).isZero();
        assertThat(registry.get(TrinityPoolMetrics.QUEUE_SIZE).tag("type", "code").gauge().value()).isEqualTo(1);
        feed(dispatched(2, "code-1", 1), ended(2, "code-1", TaskOutcome.SUCCEEDED), submitted(3, "code"),
                ended(3, null, TaskOutcome.CANCELLED), submitted(4, "other-made-up"), ended(4, null, TaskOutcome.CANCELLED));
        assertThat(outcomes()).isEqualTo(Map.of("code/succeeded", 1.0, "code/cancelled", 1.0, "other/cancelled", 1.0));
        assertThat(registry.get(TrinityPoolMetrics.QUEUE_SIZE).tag("type", "made-up").gauge().value())
                .as("the first caller type still has its value").isEqualTo(1);
    }

    @Test
    void theTaskBookKeepsAtMostItsGuardAndWithdrawsWhatItDrops() {
        metrics = bound(TrinityPoolMetrics.builder().maxTrackedTasks(3).build());
        for (int i = 1; i <= 5; i++) {
            feed(submitted(i, "code"));
        }
        assertThat(metrics.trackedTasks()).isEqualTo(3);
        assertThat(registry.get(TrinityPoolMetrics.QUEUE_SIZE).tag("type", "code").gauge().value()).isEqualTo(3);
    }
}
