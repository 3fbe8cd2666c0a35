package io.trinity.pool.server;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.agent.NonRetryableException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Agents whose timing the test decides: {@code echo} answers at once with its input,
 * {@code gate} waits until the test opens the gate its input names (or the task is
 * cancelled), {@code fail} fails every attempt (retryably, so the last one dead-letters it),
 * {@code reject} refuses its input (non-retryable).
 */
final class TestAgents {

    static final List<String> TYPES = List.of("echo", "gate", "fail", "reject");

    private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    private TestAgents() {
    }

    static PoolBuilder pool(int maxAgents, int queueCapacity) {
        return register(AgentPool.builder().config(PoolConfig.custom()
                .maxAgents(maxAgents).warmPoolMin(0).warmPool(0).warmPoolMax(0)
                .queueCapacity(queueCapacity).maxAttempts(1)
                .retryBackoff(Duration.ZERO).retryBackoffMax(Duration.ZERO)
                .statsInterval(Duration.ofMillis(200))
                .build()));
    }

    static PoolBuilder register(PoolBuilder b) {
        b.register("echo", init -> ctx -> {
            Map<String, Object> out = new LinkedHashMap<>(ctx.data());
            out.put("agent", ctx.agentId());
            return Payload.of(out);
        });
        b.register("gate", init -> ctx -> {
            String name = String.valueOf(ctx.data().get("gate"));
            CountDownLatch gate = gate(name);
            while (!gate.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                ctx.checkCancelled();
                ctx.heartbeat();
            }
            return Payload.of(Map.of("opened", name));
        });
        b.register("fail", init -> ctx -> {
            throw new IllegalStateException("fails on purpose (attempt " + ctx.attempt() + ")");
        });
        b.register("reject", init -> ctx -> {
            throw new NonRetryableException("input refused on purpose");
        });
        return b;
    }

    static CountDownLatch gate(String name) {
        return GATES.computeIfAbsent(name, k -> new CountDownLatch(1));
    }

    static void open(String name) {
        gate(name).countDown();
    }
}
