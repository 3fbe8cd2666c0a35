package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-time demo on tiny settings. Real time makes the exact numbers vary from run to run,
 * so these tests check what every run must show, never how fast: the scenes, every task final,
 * the hang detected and the crash restarted, and a well-formed event log.
 */
class SpawnCommandTest {

    @TempDir
    Path dir;

    @Test
    void theDemoOnTheBuiltInAgentsShowsEveryScene() throws IOException {
        Path events = dir.resolve("demo.jsonl");
        Cli.Result r = Cli.run("spawn", "--duration", "3s", "--tasks", "12", "--max-agents", "4", "--warm", "1",
                "--idle-timeout", "1s", "--stuck-after", "1s", "--health-interval", "200ms",
                "--events-out", events.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("tri spawn: built-in agents doing real work")
                .contains("--stuck-after       1s").contains("30s (DEFAULT_STUCK_AFTER)")
                .contains("--idle-timeout      1s").contains("1m (DEFAULT_IDLE_TIMEOUT)")
                .contains("== burst: 12 mixed tasks").contains("== affinity session").contains("== faults")
                .contains("== preemption").contains("== quiet").contains("== shutdown")
                .contains("tasks by final state").contains("spawns by cause").contains("destroys by reason")
                .contains("latency (succeeded)   p50").contains("routed by balancer:")
                .containsPattern("quiet period: .* idle agents removed so far: \\d+ \\(idle timeout \\d+, scaler \\d+\\)")
                .contains("every task reached a final state.");

        List<JsonNode> log = EventLog.readAndCheck(events, false);
        // the quiet line counts every idle removal, the scaler's too: never more than the log has
        java.util.regex.Matcher quiet = java.util.regex.Pattern
                .compile("idle agents removed so far: (\\d+) \\(idle timeout (\\d+), scaler (\\d+)\\)").matcher(r.out());
        assertThat(quiet.find()).isTrue();
        assertThat(Long.parseLong(quiet.group(1)))
                .isEqualTo(Long.parseLong(quiet.group(2)) + Long.parseLong(quiet.group(3)))
                .isLessThanOrEqualTo(log.stream().filter(e -> e.get("ev").asText().equals("agent.destroy")
                        && List.of("idle_timeout", "scale_down").contains(e.get("reason").asText())).count());
        assertThat(EventLog.count(log, "health.stuck")).as("the hang is detected").isGreaterThanOrEqualTo(1);
        assertThat(EventLog.count(log, "health.restart")).as("hung and crashed agents are replaced").isGreaterThanOrEqualTo(2);
        assertThat(log).anySatisfy(e -> assertThat(e.get("ev").asText() + e.path("cause").asText()).isEqualTo("agent.spawnreplace"));
        assertThat(log).filteredOn(e -> e.get("ev").asText().equals("task.dispatch"))
                .extracting(e -> e.get("balancer").asText())
                .contains("round-robin", "least-loaded", "skill-aware", "affinity");
        int demoTasks = 12 + 6 + 2 + 4 + 1 + 4; // burst, session, faults, fill, urgent, after the quiet
        assertThat(r.out()).contains("tasks submitted       " + demoTasks);
        // The coordinator's subtasks go through the same pool: three per coordinator task of the burst.
        long coordinatorTasks = log.stream().filter(e -> e.get("ev").asText().equals("task.submit")
                && e.get("type").asText().equals("coordinator")).count();
        assertThat(coordinatorTasks).isEqualTo(1); // task 6 of the burst, which cycles through 7 types
        assertThat(EventLog.count(log, "task.submit")).isEqualTo(demoTasks + 3 * coordinatorTasks);
    }

    @Test
    void jsonSummaryOnSimulatedAgents() throws IOException {
        Cli.Result r = Cli.run("spawn", "--simulated", "--json", "--duration", "2s", "--tasks", "8",
                "--max-agents", "3", "--warm", "1", "--idle-timeout", "500ms", "--stuck-after", "500ms",
                "--health-interval", "100ms");
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("allFinal").asBoolean()).isTrue();
        JsonNode s = doc.get("summary");
        assertThat(s.get("completed").asLong()).isEqualTo(s.get("submitted").asLong()).isEqualTo(8 + 6 + 2 + 3 + 1 + 4);
        assertThat(s.get("stuckDetections").asLong()).isPositive();
        assertThat(s.get("restarts").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(s.get("maxPoolSize").asInt()).isLessThanOrEqualTo(3);
        assertThat(doc.get("scenes").has("preemption")).isTrue();
    }
}
