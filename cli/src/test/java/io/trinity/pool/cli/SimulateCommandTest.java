package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

    @TempDir
    Path dir;

    private Path trace(String kind, int tasks) {
        Path file = dir.resolve(kind + ".csv");
        Cli.Result r = Cli.run("simulate", "--generate", kind, "--tasks", String.valueOf(tasks), "--seed", "3",
                "--out", file.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("wrote " + file + ": " + tasks + " tasks of kind " + kind);
        return file;
    }

    @Test
    void replaysATraceAndWritesTheEventLogOfDesignMd() throws IOException {
        Path trace = trace("bursty", 300);
        Path events = dir.resolve("events.jsonl");
        Cli.Result r = Cli.run("simulate", trace.toString(), "--max-agents", "6", "--warm", "1",
                "--idle-timeout", "5s", "--queue", "1000", "--events-out", events.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("300 tasks over").contains("--max-agents        6").contains("tasks by final state")
                .contains("succeeded 300").contains("max pool size         6");

        List<JsonNode> log = EventLog.readAndCheck(events, true);
        assertThat(EventLog.count(log, "task.submit")).isEqualTo(300);
        Set<Long> succeeded = new HashSet<>();
        for (JsonNode e : log) {
            if (e.get("ev").asText().equals("task.end") && e.get("outcome").asText().equals("succeeded")) {
                assertThat(succeeded.add(e.get("task").asLong())).as("a task completes once").isTrue();
            }
        }
        assertThat(succeeded).hasSize(300);
        assertThat(EventLog.count(log, "agent.spawn")).isPositive();
        assertThat(EventLog.count(log, "scale.decision")).isPositive();
        assertThat(EventLog.count(log, "pool.stats")).isPositive();
        long maxAlive = 0;
        long alive = 0;
        for (JsonNode e : log) {
            alive += e.get("ev").asText().equals("agent.spawn") ? 1 : e.get("ev").asText().equals("agent.destroy") ? -1 : 0;
            maxAlive = Math.max(maxAlive, alive);
        }
        assertThat(maxAlive).isLessThanOrEqualTo(6);
    }

    @Test
    void aFullQueueRefusesTasksAndTheLogSaysSo() throws IOException {
        Path trace = trace("bursty", 300);
        Path events = dir.resolve("full.jsonl");
        Cli.Result r = Cli.run("simulate", trace.toString(), "--max-agents", "4", "--queue", "20", "--json",
                "--events-out", events.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode s = new ObjectMapper().readTree(r.out()).get("summary");
        long refused = s.get("rejected").get("queue_full").asLong();
        assertThat(refused).isPositive();
        assertThat(s.get("submitted").asLong() + refused).isEqualTo(300);
        List<JsonNode> log = EventLog.readAndCheck(events, true);
        assertThat(log).filteredOn(e -> e.get("ev").asText().equals("task.reject"))
                .hasSize((int) refused).allSatisfy(e -> assertThat(e.get("reason").asText()).isEqualTo("queue_full"));
    }

    @Test
    void aReplayIsExactlyRepeatable() throws IOException {
        Path trace = trace("diurnal", 200);
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        assertThat(Cli.run("simulate", trace.toString(), "--fail-rate", "0.05", "--events-out", a.toString()).code()).isZero();
        assertThat(Cli.run("simulate", trace.toString(), "--fail-rate", "0.05", "--events-out", b.toString()).code()).isZero();
        assertThat(Files.readString(a)).isEqualTo(Files.readString(b)).contains("\"ev\":\"task.retry\"");
    }

    @Test
    void faultsShowUpAsStuckDetectionsRestartsAndRetries() throws IOException {
        Path trace = trace("bursty", 200);
        Path events = dir.resolve("faults.jsonl");
        Cli.Result r = Cli.run("simulate", trace.toString(), "--hang-rate", "0.05", "--crash-rate", "0.05",
                "--stuck-after", "2s", "--health-interval", "500ms", "--json", "--events-out", events.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode s = new ObjectMapper().readTree(r.out()).get("summary");
        assertThat(s.get("stuckDetections").asLong()).isPositive();
        assertThat(s.get("restarts").asLong()).isGreaterThanOrEqualTo(s.get("stuckDetections").asLong());
        assertThat(s.get("completed").asLong()).isEqualTo(200);
        assertThat(s.get("spawnsByCause").get("replace").asLong()).isPositive();
        // Open tasks allowed until the core fixes of issue 11 land: a task failed through an open
        // circuit has no task.end yet (CheckEventsCommandTest.aFaultInjectedSimulationPassesTheCheck).
        List<JsonNode> log = EventLog.readAndCheckAllowingOpenTasks(events);
        assertThat(EventLog.count(log, "health.stuck")).isEqualTo(s.get("stuckDetections").asLong());
        assertThat(EventLog.count(log, "health.restart")).isEqualTo(s.get("restarts").asLong());
    }

    @Test
    void theShippedTracesParse() {
        Path root = Path.of("..", "traces");
        for (String name : new String[] {"diurnal.csv", "bursty.csv"}) {
            List<Arrival> a = Trace.read(root.resolve(name));
            assertThat(a).as(name).hasSizeGreaterThan(1000);
        }
    }
}
