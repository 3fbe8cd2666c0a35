package io.trinity.pool.cli;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The demo's own agent type, {@code flaky}, whose faults are real, not simulated: it stands in
 * for a long model call ({@code mode=work}: waits {@code ms}, heartbeating every 100 ms), and on
 * a task's first attempt it can really hang ({@code mode=hang}: stops heartbeating and blocks
 * until its thread is interrupted) or report itself broken ({@code mode=crash}: throws
 * {@link AgentBrokenException} half-way). Retries behave, so every scene ends.
 */
final class FlakyAgent implements Agent {

    static final String TYPE = "flaky";
    private static final long SLICE_MS = 100;

    private final AgentInit init;
    private volatile boolean broken;

    FlakyAgent(AgentInit init) {
        this.init = init;
    }

    static Map<String, Object> work(long ms) {
        return Map.of("mode", "work", "ms", ms);
    }

    static Map<String, Object> hang(long ms) {
        return Map.of("mode", "hang", "ms", ms);
    }

    static Map<String, Object> crash(long ms) {
        return Map.of("mode", "crash", "ms", ms);
    }

    @Override
    public Payload execute(TaskContext ctx) throws InterruptedException {
        Object mode = ctx.data().getOrDefault("mode", "work");
        long ms = ctx.data().get("ms") instanceof Number n ? n.longValue() : 1_000;
        if (ms < 0 || ms > 600_000) {
            throw new NonRetryableException("ms: must be between 0 and 600000 (got " + ms + ")");
        }
        boolean first = ctx.attempt() == 1;
        switch (String.valueOf(mode)) {
            case "hang" -> {
                if (first) {
                    ctx.progress(0.05, "hanging on purpose");
                    new CountDownLatch(1).await(); // silent until the health monitor gives up and interrupts
                }
            }
            case "crash" -> {
                if (first) {
                    waitWithHeartbeats(ctx, ms / 2, 0.5);
                    broken = true;
                    throw new AgentBrokenException("agent " + init.agentId() + " lost its backing resource (demo crash)");
                }
            }
            case "work" -> { }
            default -> throw new NonRetryableException("mode: must be work, hang or crash (got '" + mode + "')");
        }
        waitWithHeartbeats(ctx, ms, 1.0);
        Map<String, Object> out = new LinkedHashMap<>(); // Map.of's order changes from run to run
        out.put("agent", init.agentId());
        out.put("mode", String.valueOf(mode));
        out.put("attempt", ctx.attempt());
        out.put("ms", ms);
        return Payload.of(out);
    }

    private static void waitWithHeartbeats(TaskContext ctx, long ms, double share) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            ctx.checkCancelled();
            Thread.sleep(Math.min(SLICE_MS, Math.max(1, left / 1_000_000)));
            ctx.progress(share * (1 - Math.max(0, end - System.nanoTime()) / (ms * 1e6)), null);
        }
    }

    @Override
    public boolean alive() {
        return !broken;
    }
}
