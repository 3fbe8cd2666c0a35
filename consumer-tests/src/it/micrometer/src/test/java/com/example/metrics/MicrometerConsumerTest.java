package com.example.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.micrometer.TrinityPoolMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The setup of docs/observability.md, with Micrometer's in-memory registry standing in for Prometheus.
 * Counts are function counters: the binder keeps them, the registry reads them.
 */
class MicrometerConsumerTest {

    @Test
    void tasksAreCountedByTypeAndOutcome() {
        MeterRegistry registry = new SimpleMeterRegistry();
        TrinityPoolMetrics metrics = TrinityPoolMetrics.builder().tags("pool", "orders").build();
        AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().maxAgents(2).build())
                .register("upper", init -> ctx -> {
                    Object text = ctx.data().get("text");
                    if (!(text instanceof String s)) {
                        throw new NonRetryableException("input.text: a string is required (got " + text + ")");
                    }
                    return Payload.of(Map.of("text", s.toUpperCase()));
                })
                .listener(metrics)
                .build();
        metrics.bindTo(registry);

        CompletableFuture<Payload> bad = pool.submit(Task.of("upper", Map.of("text", 42))).result();
        List<CompletableFuture<Payload>> good = new ArrayList<>();
        for (String word : List.of("alpha", "beta", "gamma", "delta", "epsilon")) {
            good.add(pool.submit(Task.of("upper", Map.of("text", word))).result());
        }
        assertThat(good.stream().map(f -> f.join().data().get("text")))
                .containsExactly("ALPHA", "BETA", "GAMMA", "DELTA", "EPSILON");
        assertThatThrownBy(bad::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(TaskFailedException.class);
        // Listeners are fed off the pool's control loop; once shutdown completes, every event has been delivered.
        pool.shutdown(Duration.ofSeconds(10)).join();

        assertThat(registry.get("trinity.pool.tasks").tags("pool", "orders", "type", "upper", "outcome", "succeeded")
                .functionCounter().count()).isEqualTo(5.0);
        assertThat(registry.get("trinity.pool.tasks").tags("pool", "orders", "type", "upper", "outcome", "failed")
                .functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("trinity.pool.task.run").tags("pool", "orders", "type", "upper").timer().count())
                .isEqualTo(6);
        assertThat(registry.get("trinity.pool.spawns").tags("pool", "orders", "type", "upper").functionCounters()
                .stream().mapToDouble(FunctionCounter::count).sum()).isGreaterThanOrEqualTo(1.0);
        assertThat(registry.get("trinity.pool.agents").tags("pool", "orders", "type", "upper", "state", "busy")
                .gauge().value()).isZero();
    }
}
