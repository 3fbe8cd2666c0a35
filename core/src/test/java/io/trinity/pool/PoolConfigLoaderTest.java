package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.balance.BalancerSettings;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PoolConfigLoaderTest {

    @Test
    void readsEveryKindOfValue() {
        PoolConfig c = PoolConfig.from(Map.of(
                "trinity.pool.max-agents", "4",
                "trinity.pool.idle-timeout", "1.5s",
                "trinity.pool.health-interval", "PT2S",
                "trinity.pool.balancer", "round-robin",
                "trinity.pool.target-utilization", "0.6",
                "trinity.pool.circuit-mode", "wait",
                "trinity.pool.seed", "-7",
                "trinity.pool.affinity-ttl", "2m",
                "trinity.pool.skill-exploration", "0.1")).build();
        assertThat(c.maxAgents()).isEqualTo(4);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.healthInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.balancer()).isEqualTo("round-robin");
        assertThat(c.targetUtilization()).isEqualTo(0.6);
        assertThat(c.circuitMode()).isEqualTo(PoolConfig.CircuitMode.WAIT);
        assertThat(c.seed()).isEqualTo(-7);
        assertThat(c.balancerSettings().affinityTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.balancerSettings().skillExploration()).isEqualTo(0.1);
        assertThat(c.balancerSettings().affinityMaxBindings()).isEqualTo(BalancerSettings.DEFAULTS.affinityMaxBindings());
        // a key from the file counts as explicit, and the defaults fit it: a small pool just works
        assertThat(c.warmPoolMax()).isEqualTo(4);
    }

    @Test
    void noKeysGiveTheDefaultsAndOtherKeysAreIgnored() {
        PoolConfig c = PoolConfig.from(Map.of("server.port", "8080", "trinity.poolish", "x")).build();
        assertThat(c.toString()).isEqualTo(PoolConfig.ofDefaults().toString());
    }

    @Test
    void everyKeyIsKebabCaseAndReadsItsOwnDefault() {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        for (PoolConfigLoader.Key k : PoolConfigLoader.keys()) {
            assertThat(k.name()).matches("trinity\\.pool\\.[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(k.env()).isEqualTo(k.name().toUpperCase().replace('.', '_').replace('-', '_'));
            all.put(k.name(), k.defaultValue());
        }
        PoolConfig c = PoolConfig.from(all).build();
        assertThat(c.toString()).isEqualTo(PoolConfig.ofDefaults().toString());
        assertThat(c.balancerSettings()).isEqualTo(BalancerSettings.DEFAULTS);
        assertThat(c.circuitMode()).isEqualTo(PoolConfig.ofDefaults().circuitMode());
        assertThat(c.fairnessCredit()).isEqualTo(PoolConfig.DEFAULT_FAIRNESS_CREDIT);
    }

    @Test
    void readsAPropertiesFile() throws IOException {
        Properties p = new Properties();
        p.load(new StringReader("""
                # a small pool
                trinity.pool.max-agents = 3
                trinity.pool.stuck-after = 45s
                """));
        PoolConfig c = PoolConfig.from(p).build();
        assertThat(c.maxAgents()).isEqualTo(3);
        assertThat(c.stuckAfter()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void environmentOverridesProperties() {
        Properties base = new Properties();
        base.setProperty("trinity.pool.max-agents", "3");
        base.setProperty("trinity.pool.queue-capacity", "50");
        PoolConfig c = PoolConfig.fromEnvironment(Map.of(
                "TRINITY_POOL_MAX_AGENTS", "8",
                "TRINITY_POOL_IDLE_TIMEOUT", "2m",
                "TRINITY_POOL_SEED", " ",
                "PATH", "/usr/bin",
                "TRINITY_LLM_MODEL", "m"), base).build();
        assertThat(c.maxAgents()).isEqualTo(8);
        assertThat(c.queueCapacity()).isEqualTo(50);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.seed()).isEqualTo(PoolConfig.ofDefaults().seed());
    }

    @Test
    void anUnknownKeyNamesTheClosestValidOne() {
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.max-agent", "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown setting trinity.pool.max-agent; did you mean trinity.pool.max-agents?"
                        + " (every key is listed in docs/configuration.md)");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.idleTimeout", "4s")))
                .hasMessageContaining("did you mean trinity.pool.idle-timeout?");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.warm", "1")))
                .hasMessageContaining("did you mean trinity.pool.warm-pool?");
        assertThatThrownBy(() -> PoolConfig.fromEnvironment(Map.of("TRINITY_POOL_WARMPOOL", "1"), new Properties()))
                .hasMessageContaining("unknown setting TRINITY_POOL_WARMPOOL; did you mean TRINITY_POOL_WARM_POOL?");
    }

    @Test
    void aBadValueNamesTheKeyAndTheValue() {
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.max-agents", "ten")))
                .hasMessage("trinity.pool.max-agents: 'ten' is not a whole number");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.max-agents", "0")))
                .hasMessage("trinity.pool.max-agents: maxAgents must be >= 1 (got 0)");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.idle-timeout", "30")))
                .hasMessageStartingWith("trinity.pool.idle-timeout: '30' is not a duration")
                .hasMessageContaining("250ms, 1.5s, 2m");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.idle-timeout", "0")))
                .hasMessage("trinity.pool.idle-timeout: idleTimeout must be > 0 (got '0')");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.idle-timeout", "0ms")))
                .hasMessage("trinity.pool.idle-timeout: idleTimeout must be > 0 (got '0ms')");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.affinity-ttl", "0s")))
                .hasMessage("trinity.pool.affinity-ttl: affinityTtl must be > 0 (got '0s')");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.idle-timeout", "-5s")))
                .hasMessageStartingWith("trinity.pool.idle-timeout: '-5s' is a negative duration");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.idle-timeout", "0.0000000001s")))
                .hasMessageStartingWith("trinity.pool.idle-timeout: '0.0000000001s' is shorter than a nanosecond");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.target-utilization", "NaN")))
                .hasMessage("trinity.pool.target-utilization: 'NaN' is not a decimal number such as 0.75");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.circuit-mode", "open")))
                .hasMessage("trinity.pool.circuit-mode: 'open' is not a circuit mode; write fail-fast or wait");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.affinity-load-factor", "0.5")))
                .hasMessage("trinity.pool.affinity-load-factor: affinityLoadFactor must be >= 1 (got 0.5)");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.queue-capacity", "")))
                .hasMessage("trinity.pool.queue-capacity is empty; give an integer such as 100, or remove it to use the"
                        + " default");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.idle-timeout", " ")))
                .hasMessageStartingWith("trinity.pool.idle-timeout is empty; give a duration such as 1m");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.circuit-mode", " ")))
                .hasMessageStartingWith("trinity.pool.circuit-mode is empty; give fail-fast or wait such as wait");
        assertThatThrownBy(() -> PoolConfig.fromEnvironment(Map.of("TRINITY_POOL_SPAWN_RATE", "-1"), new Properties()))
                .hasMessage("TRINITY_POOL_SPAWN_RATE (overriding trinity.pool.spawn-rate): spawnRate must be >= 1 (got -1)");
    }

    @Test
    void aWholeNumberOutOfRangeIsCalledThatAndNamesTheLimit() {
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.max-agents", "99999999999")))
                .hasMessage("trinity.pool.max-agents: '99999999999' is too large; the largest whole number this setting"
                        + " can hold is 2147483647");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.preempt-priority", "-99999999999")))
                .hasMessage("trinity.pool.preempt-priority: '-99999999999' is too small; the smallest whole number this"
                        + " setting can hold is -2147483648");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.seed", "99999999999999999999")))
                .hasMessage("trinity.pool.seed: '99999999999999999999' is too large; the largest whole number this"
                        + " setting can hold is 9223372036854775807");
        assertThatThrownBy(() -> PoolConfig.from(Map.of("trinity.pool.max-agents", "4.0")))
                .hasMessage("trinity.pool.max-agents: '4.0' is not a whole number");
        assertThat(PoolConfig.from(Map.of("trinity.pool.max-agents", "+4")).build().maxAgents()).isEqualTo(4);
    }

    @Test
    void keysOverABaseKeepTheBasesOtherSettings() {
        PoolConfig base = PoolConfig.custom().queueCapacity(9).spawnRate(2)
                .balancerSettings(new BalancerSettings(2.0, Duration.ofMinutes(1), 10, 8, Duration.ofMinutes(1), 0.1)).build();
        PoolConfig c = PoolConfigLoader.load(base, Map.of("trinity.pool.spawn-rate", "5", "trinity.pool.skill-exploration", "0.2"),
                Map.of()).build();
        assertThat(c.queueCapacity()).isEqualTo(9);
        assertThat(c.spawnRate()).isEqualTo(5);
        assertThat(c.balancerSettings().skillExploration()).isEqualTo(0.2);
        assertThat(c.balancerSettings().affinityLoadFactor()).as("the base's, not the default").isEqualTo(2.0);
    }

    @Test
    void anUnknownBalancerFromPropertiesIsRefusedAtPoolBuildNamingTheKey() {
        // Custom balancers are registered on the PoolBuilder, so the name can only be checked there.
        PoolConfig fromFile = PoolConfig.from(Map.of("trinity.pool.balancer", "nope")).build();
        assertThatThrownBy(() -> AgentPool.builder().config(fromFile).register("x", init -> ctx -> Payload.EMPTY).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trinity.pool.balancer: balancer 'nope' is not known; choose one of [round-robin,"
                        + " least-loaded, skill-aware, affinity] or register it with PoolBuilder.balancer(name, factory)");
        PoolConfig fromEnv = PoolConfig.fromEnvironment(Map.of("TRINITY_POOL_BALANCER", "nope"), new Properties()).build();
        assertThatThrownBy(() -> AgentPool.builder().config(fromEnv).register("x", init -> ctx -> Payload.EMPTY).build())
                .hasMessageStartingWith("TRINITY_POOL_BALANCER (overriding trinity.pool.balancer): balancer 'nope' is not known");
        // set in code afterwards: the message no longer blames the file
        PoolConfig inCode = PoolConfig.from(fromFile).balancer("fastest").build();
        assertThatThrownBy(() -> AgentPool.builder().config(inCode).register("x", init -> ctx -> Payload.EMPTY).build())
                .hasMessageStartingWith("balancer 'fastest' is not known");
        // a balancer registered on the builder may be named in the file
        AgentPool pool = AgentPool.builder().deterministic(new io.trinity.pool.time.VirtualClock()).config(fromFile)
                .register("x", init -> ctx -> Payload.EMPTY)
                .balancer("nope", io.trinity.pool.balance.Balancers.builtIn().get("round-robin")).build();
        assertThat(pool.config().balancer()).isEqualTo("nope");
    }

    @Test
    void anExplicitConflictFromAFileStillFailsAtBuild() {
        PoolConfig.Builder b = PoolConfig.from(Map.of("trinity.pool.max-agents", "2", "trinity.pool.warm-pool", "3"));
        assertThatThrownBy(b::build).hasMessageContaining("lower warmPool or raise maxAgents");
    }

    /** docs/configuration.md is the user's reference: it must list every key with its variable and default. */
    @Test
    void theDocsListEveryKey() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (PoolConfigLoader.Key k : PoolConfigLoader.keys()) {
            assertThat(docs).as(k.name()).contains("| `" + k.name() + "` | `" + k.env() + "` | " + k.defaultValue() + " |");
        }
    }
}
