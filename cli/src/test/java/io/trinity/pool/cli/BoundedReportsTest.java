package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long simulation must not grow with the tasks it has seen: once a task is final the reports
 * hold nothing of it, whichever way it ended (succeeded, retried then succeeded, dead-lettered,
 * shed from a full queue, refused at submit).
 */
class BoundedReportsTest {

    @TempDir
    Path dir;

    @Test
    void theFairnessReportForgetsEveryTaskOnceItIsFinal() {
        Path file = dir.resolve("t.csv");
        TraceGenerator.write(TraceGenerator.FAIR_ADMISSION, 3000, 5, file); // overloads the queue: sheds and refusals
        List<Arrival> trace = Trace.read(file);
        PoolConfig config = PoolConfig.custom().queueCapacity(60).stuckAfter(Duration.ofSeconds(5)).seed(5).build();
        SimProfile faulty = SimProfile.of(Distribution.fixed(Duration.ofMillis(100))).withSpawnDelay(Duration.ofMillis(200))
                .withFaults(0.1, 0.02, 0.02);
        FairnessReport report = new FairnessReport(Map.of());
        VirtualRun.Result r = VirtualRun.run(new VirtualRun.Setup(config, SpawnStrategies.POOL_DEFAULT, t -> faulty,
                null, Map.of(), List.of(report)), trace);

        assertThat(r.allFinal()).isTrue();
        RunMetrics.Summary s = r.summary();
        assertThat(s.retries()).as("retries").isPositive();
        assertThat(s.tasksByFinalState().get("dead_lettered")).as("dead letters").isPositive();
        assertThat(s.tasksByFinalState().get("shed")).as("sheds").isPositive();
        assertThat(s.rejected()).as("refused at submit").isNotEmpty();
        assertThat(report.tasksFollowed()).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedEndIsFinalUnlessARetryOrDeadLetterFollowsAtTheSameInstant() {
        FairnessReport report = new FairnessReport(Map.of());
        report.onEvent(new PoolEvent.TaskSubmitted(0, 1, "code", 0, null, "acme"));
        report.onEvent(new PoolEvent.TaskSubmitted(0, 2, "code", 0, null, "acme"));
        report.onEvent(new PoolEvent.TaskDispatched(10, 1, "a", "least-loaded", 1));
        report.onEvent(new PoolEvent.TaskDispatched(10, 2, "b", "least-loaded", 1));
        // task 1 is retried; task 2's failure is final (not retryable): nothing follows it
        report.onEvent(new PoolEvent.TaskEnded(20, 1, "a", PoolEvent.TaskOutcome.FAILED, 10, "boom"));
        report.onEvent(new PoolEvent.TaskEnded(20, 2, "b", PoolEvent.TaskOutcome.FAILED, 10, "bad input"));
        report.onEvent(new PoolEvent.TaskRetried(20, 1, 1, "boom", 0));
        assertThat(report.tasksFollowed()).isEqualTo(2); // task 2 may still get a retry at this instant
        report.onEvent(new PoolEvent.TaskDispatched(30, 1, "a", "least-loaded", 2));
        assertThat(report.tasksFollowed()).isEqualTo(1); // a later instant: task 2 was final
        report.onEvent(new PoolEvent.TaskEnded(40, 1, "a", PoolEvent.TaskOutcome.SUCCEEDED, 10, null));
        assertThat(report.tasksFollowed()).isZero();
        // the wait counts once per task (submit to first dispatch), agent time every attempt
        Map<String, Object> acme = (Map<String, Object>) ((Map<String, Object>) report.json().get("tenants")).get("acme");
        assertThat(acme).containsEntry("waitP95Ms", 10e-6).containsEntry("agentSeconds", 0.03);
    }
}
