package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.PoolConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tri --config FILE}: the library's trinity.pool.* keys, applied by every pool-running command; flags win. */
class ConfigOptionTest {

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private Path trace() {
        Path t = dir.resolve("bursty.csv");
        Cli.Result r = Cli.run("simulate", "--generate", "bursty", "--tasks", "80", "--seed", "3", "--out", t.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        return t;
    }

    private static void row(Cli.Result r, String flag, String value, String from) {
        assertThat(r.out()).as(r.toString()).containsPattern("(?m)^" + flag + " +" + value.replace(".", "\\.") + " +.* " + from + " *$");
    }

    @Test
    void simulateTakesTheFileBeforeOrAfterTheSubcommandAndFlagsWin() throws IOException {
        Path config = file("pool.properties", """
                # a small pool for the replay
                trinity.pool.max-agents=3
                trinity.pool.idle-timeout=2.5s
                trinity.pool.balancer=round-robin
                """);
        Path trace = trace();
        Cli.Result before = Cli.run("--config", config.toString(), "simulate", trace.toString());
        assertThat(before.code()).as(before.toString()).isZero();
        row(before, "--max-agents", "3", "--config");
        row(before, "--idle-timeout", "2.5s", "--config");
        row(before, "--balancer", "round-robin", "--config");
        row(before, "--queue", "100", "seed default");

        Cli.Result after = Cli.run("simulate", trace.toString(), "--config", config.toString(), "--max-agents", "5");
        assertThat(after.code()).as(after.toString()).isZero();
        row(after, "--max-agents", "5", "flag");
        row(after, "--idle-timeout", "2.5s", "--config");
    }

    @Test
    void aSmallPoolFromTheFileFitsTheCommandsWarmPool() throws IOException {
        Path config = file("tiny.properties", "trinity.pool.max-agents=1\n");
        PoolOptions options = new PoolOptions();
        PoolConfig c = options.toConfig(SpawnCommand.DEMO_DEFAULTS, config);
        assertThat(c.maxAgents()).isEqualTo(1);
        assertThat(c.warmPool()).isEqualTo(1);
        assertThat(c.warmPoolMax()).isEqualTo(1);
        assertThat(c.idleTimeout()).as("the demo's own default stays").isEqualTo(SpawnCommand.DEMO_DEFAULTS.idleTimeout());
    }

    @Test
    void warmMinPinsTheWarmPoolAndWarmAloneOnlyStartsIt() throws IOException {
        Path none = file("empty.properties", "");
        PoolOptions pinned = new PoolOptions();
        pinned.maxAgents = 16;
        pinned.warm = 16;
        pinned.warmMin = 16;
        PoolConfig c = pinned.toConfig(PoolConfig.ofDefaults(), none);
        assertThat(c.warmPoolMin()).isEqualTo(16);
        assertThat(c.warmPool()).isEqualTo(16);
        assertThat(c.warmPoolMax()).isEqualTo(16);

        PoolOptions started = new PoolOptions();
        started.maxAgents = 16;
        started.warm = 16;
        PoolConfig s = started.toConfig(PoolConfig.ofDefaults(), none);
        assertThat(s.warmPool()).isEqualTo(16);
        assertThat(s.warmPoolMin()).as("without --warm-min the warm pool may adapt down").isEqualTo(1);

        PoolOptions onlyMin = new PoolOptions();
        onlyMin.warmMin = 5;
        PoolConfig m = onlyMin.toConfig(PoolConfig.ofDefaults(), none);
        assertThat(m.warmPoolMin()).isEqualTo(5);
        assertThat(m.warmPool()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void theFileReachesSettingsWithoutAFlag() throws IOException {
        Path config = file("more.properties", """
                trinity.pool.max-attempts=5
                trinity.pool.retry-backoff=PT2S
                trinity.pool.circuit-mode=wait
                trinity.pool.affinity-ttl=30s
                """);
        PoolConfig c = new PoolOptions().toConfig(PoolConfig.ofDefaults(), config);
        assertThat(c.maxAttempts()).isEqualTo(5);
        assertThat(c.retryBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.circuitMode()).isEqualTo(PoolConfig.CircuitMode.WAIT);
        assertThat(c.balancerSettings().affinityTtl()).isEqualTo(Duration.ofSeconds(30));
        PoolConfig run = new PoolOptions().toConfig(RunCommand.RUN_DEFAULTS, config);
        assertThat(run.maxAttempts()).as("the file wins over tri run's single attempt").isEqualTo(5);
        assertThat(run.warmPool()).isZero();
    }

    @Test
    void spawnBenchUsesTheFile() throws IOException {
        Path config = file("bench.properties", "trinity.pool.max-agents=2\ntrinity.pool.spawn-rate=3\n");
        Path json = dir.resolve("bench.json");
        Cli.Result r = Cli.run("--config", config.toString(), "spawn-bench", "--workload", "steady", "--balancer",
                "round-robin", "--spawn-strategy", "on-demand", "--tasks", "40", "--overhead-tasks", "0",
                "--no-progress", "--json", json.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("settings").get("maxAgents").asInt()).isEqualTo(2);
        assertThat(doc.get("settings").get("spawnRate").asInt()).isEqualTo(3);
        assertThat(doc.get("cells").get(0).get("summary").get("maxPoolSize").asInt()).isBetween(1, 2);
    }

    @Test
    void runUsesTheFile() throws IOException {
        Path config = file("run.properties", "trinity.pool.max-agents=1\n");
        Cli.Result r = Cli.run("--config", config.toString(), "run", "generic", "--json",
                "{\"op\":\"keywords\",\"text\":\"Pools grow, pools shrink.\"}");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("pools");
        Path bad = file("bad-run.properties", "trinity.pool.max-agents=none\n");
        Cli.Result refused = Cli.run("run", "generic", "--config", bad.toString(), "--json", "{\"op\":\"count\",\"text\":\"a\"}");
        assertThat(refused.code()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains("trinity.pool.max-agents: 'none' is not a whole number");
    }

    @Test
    void mistakesInTheFileAreOneClearMessage() throws IOException {
        Path typo = file("typo.properties", "trinity.pool.max-agent=4\n");
        expectError(Cli.run("--config", typo.toString(), "simulate", "x.csv"),
                "tri simulate: --config " + typo + ": unknown setting trinity.pool.max-agent;"
                        + " did you mean trinity.pool.max-agents?");
        Path bare = file("bare.properties", "max-agents=4\n");
        expectError(Cli.run("--config", bare.toString(), "spawn"),
                "'max-agents' is not a pool setting; every key starts with trinity.pool.");
        Path value = file("value.properties", "trinity.pool.stuck-after=30\n");
        expectError(Cli.run("spawn", "--config", value.toString()),
                "trinity.pool.stuck-after: '30' is not a duration; write a number and a unit");
        Path warm = file("warm.properties", "trinity.pool.max-agents=2\ntrinity.pool.warm-pool=3\n");
        expectError(Cli.run("spawn", "--config", warm.toString()),
                "trinity.pool.warm-pool (--config) (3) must be <= trinity.pool.max-agents (--config) (2); lower"
                        + " trinity.pool.warm-pool in the --config file or raise trinity.pool.max-agents in the --config file");
        expectError(Cli.run("spawn", "--config", warm.toString(), "--warm", "3"),
                "--warm (3) must be <= trinity.pool.max-agents (--config) (2); lower --warm or raise"
                        + " trinity.pool.max-agents in the --config file");
        Path balancer = file("balancer.properties", "trinity.pool.balancer=fastest\n");
        expectError(Cli.run("spawn", "--config", balancer.toString()),
                "trinity.pool.balancer (--config): unknown balancer 'fastest'");
        expectError(Cli.run("spawn", "--config", dir.resolve("missing.properties").toString()),
                "--config: file not found: " + dir.resolve("missing.properties"));
    }

    private static void expectError(Cli.Result r, String expected) {
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains(expected).doesNotContain("\tat ");
    }

    @Test
    void helpShowsTheOptionOnEveryCommand() {
        for (String cmd : new String[] {"spawn", "spawn-bench", "simulate", "run"}) {
            assertThat(Cli.run(cmd, "--help").out()).as(cmd).contains("--config=FILE");
        }
    }
}
