package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void runsTheMatrixAndWritesJsonAndAReportWithAChart() throws IOException {
        Path json = dir.resolve("bench.json");
        Path report = dir.resolve("out/bench.md");
        Cli.Result r = Cli.run("spawn-bench", "--workload", "steady,heterogeneous", "--tasks", "120",
                "--overhead-tasks", "0", "--json", json.toString(), "--report", report.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        int strategies = SpawnStrategies.available().size(); // on-demand alone, then with each other one
        int cells = 2 * 4 * strategies;
        assertThat(r.out()).contains("= " + cells + " cells");
        assertThat(r.out().lines().filter(l -> l.startsWith("steady ") || l.startsWith("heterogeneous "))).hasSize(cells);
        assertThat(r.out()).contains("warm-pool+on-demand").contains("round-robin").contains("affinity");

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("cells")).hasSize(cells);
        for (JsonNode c : doc.get("cells")) {
            JsonNode s = c.get("summary");
            assertThat(s.get("completed").asLong()).isEqualTo(120);
            assertThat(s.get("p99Ms").asDouble()).isGreaterThanOrEqualTo(s.get("p50Ms").asDouble()).isPositive();
            assertThat(s.get("agentSeconds").asDouble()).isPositive();
            assertThat(s.get("maxPoolSize").asInt()).isBetween(1, 16);
            assertThat(s.get("throughputPerSec").asDouble()).isPositive();
        }
        assertThat(Files.readString(report)).contains("| workload | balancer |").contains("![p99 latency");
        BufferedImage png = ImageIO.read(dir.resolve("out/bench.png").toFile());
        assertThat(png.getWidth()).isGreaterThan(400);
    }

    @Test
    void aCellReplaysExactly() {
        String[] args = {"spawn-bench", "--workload", "bursty", "--balancer", "least-loaded", "--tasks", "150",
                "--overhead-tasks", "0", "--seed", "9", "--no-progress"};
        Cli.Result a = Cli.run(args);
        Cli.Result b = Cli.run(args);
        assertThat(a.code()).as(a.toString()).isZero();
        String tableA = a.out().substring(a.out().indexOf("workload"), a.out().indexOf("bench took"));
        String tableB = b.out().substring(b.out().indexOf("workload"), b.out().indexOf("bench took"));
        assertThat(tableA).isEqualTo(tableB).contains("bursty    least-loaded");
    }

    @Test
    void measuresRealTimeDispatchOverhead() {
        Cli.Result r = Cli.run("spawn-bench", "--workload", "steady", "--balancer", "round-robin",
                "--spawn-strategy", "on-demand", "--tasks", "50", "--overhead-tasks", "2000", "--no-progress");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("dispatch overhead (real time, 2000 no-op tasks, 4 agents,   4 in flight)")
                .contains("dispatch overhead (real time, 2000 no-op tasks, 4 agents, 512 in flight)")
                .containsPattern("submit->start p50 \\d+ us, p99 \\d+ us");
    }
}
