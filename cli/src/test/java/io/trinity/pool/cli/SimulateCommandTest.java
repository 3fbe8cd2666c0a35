package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.PoolConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        assertThat(log).filteredOn(e -> e.get("ev").asText().equals("task.reject")
                && e.get("reason").asText().equals("queue_full")).hasSize((int) refused);
        // a tenant below its share of the full queue got in: the other tenant's newest task was shed
        long shed = s.get("tasksByFinalState").path("shed").asLong();
        assertThat(log).filteredOn(e -> e.get("ev").asText().equals("task.reject")
                && e.get("reason").asText().equals("shed")).hasSize((int) shed);
        assertThat(s.get("completed").asLong()).isEqualTo(s.get("submitted").asLong());
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
        // the burst may fill the default queue for a moment: every task is refused at submit or ends
        long refused = s.get("rejected").path("queue_full").asLong();
        assertThat(s.get("submitted").asLong() + refused).isEqualTo(200);
        assertThat(s.get("completed").asLong()).isEqualTo(s.get("submitted").asLong());
        assertThat(s.get("spawnsByCause").get("replace").asLong()).isPositive();
        List<JsonNode> log = EventLog.readAndCheck(events, true);
        assertThat(EventLog.count(log, "health.stuck")).isEqualTo(s.get("stuckDetections").asLong());
        assertThat(EventLog.count(log, "health.restart")).isEqualTo(s.get("restarts").asLong());
    }

    @Test
    void theShippedTracesParse() {
        Path root = Path.of("..", "traces");
        for (String name : new String[] {"diurnal.csv", "bursty.csv", "fair-admission.csv"}) {
            List<Arrival> a = Trace.read(root.resolve(name));
            assertThat(a).as(name).hasSizeGreaterThan(1000);
        }
    }

    @Test
    void aFloodingTenantCostsItselfNotTheQuietOne() throws IOException {
        Path trace = trace("fair-admission", 2000); // quiet 3 tasks/s, loud 36/s: 1.3x the default pool
        Path events = dir.resolve("fair.jsonl");
        Cli.Result r = Cli.run("simulate", trace.toString(), "--json", "--events-out", events.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        JsonNode quiet = doc.get("tenants").get("quiet");
        JsonNode loud = doc.get("tenants").get("loud");
        assertThat(quiet.get("refused").asLong()).isZero();
        assertThat(quiet.get("shed").asLong()).isZero();
        assertThat(loud.get("refused").asLong() + loud.get("shed").asLong()).as("the flood pays").isPositive();
        assertThat(quiet.get("waitP95Ms").asDouble()).isLessThanOrEqualTo(1000);
        // the log: every accepted task ends exactly once; a shed one says so first
        List<JsonNode> log = EventLog.readAndCheck(events, true);
        java.util.Map<Long, Integer> ends = new java.util.HashMap<>();
        Set<Long> shed = new HashSet<>();
        Set<Long> submitted = new HashSet<>();
        for (JsonNode e : log) {
            long task = e.path("task").asLong();
            switch (e.get("ev").asText()) {
                case "task.submit" -> submitted.add(task);
                case "task.end" -> {
                    ends.merge(task, 1, Integer::sum);
                    if (shed.contains(task)) {
                        assertThat(e.get("outcome").asText()).isEqualTo("cancelled");
                        assertThat(e.has("agent")).isFalse();
                    }
                }
                case "task.reject" -> {
                    if (e.get("reason").asText().equals("shed")) {
                        assertThat(submitted).contains(task);
                        assertThat(e.get("tenant").asText()).isEqualTo("loud");
                        shed.add(task);
                    }
                }
                default -> { }
            }
        }
        assertThat(ends.keySet()).isEqualTo(submitted);
        assertThat(ends.values()).containsOnly(1);
        assertThat(shed).hasSize(loud.get("shed").asInt());
    }

    @Test
    void theCyclicTraceRisesAndFallsOverItsPeriodOnFourTypes() throws IOException {
        Path file = dir.resolve("cyclic.csv");
        Cli.Result r = Cli.run("simulate", "--generate", "cyclic", "--tasks", "4000", "--period", "10m", "--seed", "3",
                "--out", file.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        long peakThird = 0;
        long troughThird = 0;
        Set<String> types = new HashSet<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#") || line.startsWith("arrival_ms")) {
                continue;
            }
            String[] f = line.split(",", -1);
            long phase = Long.parseLong(f[0]) % 600_000;
            types.add(f[1]);
            if (phase >= 200_000 && phase < 400_000) {
                peakThird++;
            } else if (phase < 100_000 || phase >= 500_000) {
                troughThird++;
            }
        }
        // sin^2 from 0.2 to 4.2 tasks/s: about 3.8 tasks/s in the middle third of a cycle, 0.6 in the outer third
        assertThat(types).containsExactlyInAnyOrder("code", "data", "vision", "voice");
        assertThat(peakThird).isGreaterThan(3 * troughThird);
    }

    @Test
    void theSquareAndBurstCyclesHaveSteepFrontsAtTheStartOfEachPeriod() throws IOException {
        for (String kind : List.of("cyclic-square", "cyclic-burst")) {
            Path file = dir.resolve(kind + ".csv");
            Cli.Result r = Cli.run("simulate", "--generate", kind, "--tasks", "4000", "--period", "10m", "--seed", "3",
                    "--out", file.toString());
            assertThat(r.code()).as(r.toString()).isZero();
            double highShare = kind.equals("cyclic-square") ? 1 / 3.0 : 1 / 10.0;
            double highRate = kind.equals("cyclic-square") ? 4.2 : 10;
            long high = 0;
            long low = 0;
            Set<String> types = new HashSet<>();
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("#") || line.startsWith("arrival_ms")) {
                    continue;
                }
                String[] f = line.split(",", -1);
                types.add(f[1]);
                if (Long.parseLong(f[0]) % 600_000 < highShare * 600_000) {
                    high++;
                } else {
                    low++;
                }
            }
            // per second of its phase, the high phase has 21x (square) or 50x (burst) the arrivals of the low one
            double ratio = (high / highShare) / (low / (1 - highShare));
            assertThat(types).as(kind).containsExactlyInAnyOrder("code", "data", "vision", "voice");
            assertThat(ratio).as(kind).isBetween(0.7 * highRate / 0.2, 1.3 * highRate / 0.2);
        }
    }

    /** The drain waits as long as the trace and flags allow a task to take: a day-long task after a day-long cold start. */
    @Test
    void aTaskLongerThanTwoHoursOrASlowColdStartStillEnds() throws IOException {
        Path t = dir.resolve("long.csv");
        Files.writeString(t, "arrival_ms,type,duration_ms,priority,affinity\n0,code,10800000,0,\n");
        Cli.Result r = Cli.run("simulate", t.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("virtual time: 10800.5 s until the last task ended");
        Files.writeString(t, "arrival_ms,type,duration_ms,priority,affinity\n0,code,86400000,0,\n");
        r = Cli.run("simulate", t.toString(), "--spawn-delay", "1d");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("virtual time: 172800.0 s until the last task ended");
    }

    /** A task that cannot end (it hangs, and stuck detection is set past the drain's bound) cuts the run, and says so. */
    @Test
    void aRunWhoseTasksStopEndingIsCutAndSaysNoTaskEnded() throws IOException {
        Path t = dir.resolve("hang.csv");
        Files.writeString(t, "arrival_ms,type,duration_ms,priority,affinity\n0,code,100,0,\n");
        Cli.Result r = Cli.run("simulate", t.toString(), "--hang-rate", "1", "--stuck-after", "60d", "--warm", "0",
                "--warm-min", "0");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("virtual time: the run was cut at 2592000.0 s, no task ended")
                .doesNotContain("until the last task ended");
        assertThat(r.err()).contains("tri simulate: 1 of 1 tasks never ended: none ended for 30d of virtual time");
    }

    @Test
    void theDrainWaitsForEveryAttemptOfTheLongestTask() {
        // 3 attempts, each: stuck after 30s, health every 5s, restart backoff up to 60s, retry backoff up to 30s;
        // then a circuit may hold the task for circuitMaxWait (60s)
        PoolConfig c = PoolConfig.ofDefaults();
        long attempt = Duration.ofHours(24).plusMillis(500).toNanos();
        assertThat(VirtualRun.quietLimit(c, attempt)).isEqualTo(Duration.ofHours(24).plusMillis(500)
                .plusSeconds(30 + 5 + 60 + 30).multipliedBy(3).plusSeconds(60).plus(VirtualRun.DRAIN_MARGIN));
        assertThat(VirtualRun.quietLimit(PoolConfig.custom().stuckAfter(Duration.ofDays(100_000)).build(), attempt))
                .isEqualTo(VirtualRun.MAX_QUIET);
    }
}
