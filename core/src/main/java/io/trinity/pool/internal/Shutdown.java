package io.trinity.pool.internal;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent.DestroyReason;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Graceful shutdown: stop accepting (done by the engine), let queued and running work finish
 * until the drain deadline, then cancel what is left, destroy agents as they become free, fail
 * the ones whose work ignores the interrupt for one health interval, and complete the report
 * once no task and no agent is left.
 */
final class Shutdown {

    private final Engine engine;
    private final Lifecycle lifecycle;
    private final PoolState s;
    private final PoolConfig config;
    private final PoolClock clock;
    private CompletableFuture<ShutdownReport> shutdownDone;
    private PoolClock.Timer drainDeadline;
    private int drainedAtStart;
    private int cancelledAtDeadline;
    private boolean deadlinePassed;
    private boolean swept;

    Shutdown(Engine engine, Lifecycle lifecycle) {
        this.engine = engine;
        this.lifecycle = lifecycle;
        this.s = engine.state;
        this.config = engine.config;
        this.clock = engine.clock;
    }

    boolean deadlinePassed() {
        return deadlinePassed;
    }

    /** Called when an agent's work returned; finishes shutdown for it if the pool is closing. */
    void afterAgentFreed(AgentSlot slot) {
        if (s.shuttingDown && slot.running.isEmpty() && slot.state == AgentState.READY
                && (deadlinePassed || s.live.isEmpty())) {
            lifecycle.destroy(slot, DestroyReason.SHUTDOWN);
        }
    }

    
    void begin(Duration drain, CompletableFuture<ShutdownReport> done) {
        if (shutdownDone != null) {
            shutdownDone.whenComplete((r, e) -> done.complete(r));
            return;
        }
        shutdownDone = done;
        s.shuttingDown = true;
        drainedAtStart = s.live.size();
        engine.housekeeper.stop();
        drainDeadline = clock.schedule(drain, () -> engine.post(this::drainDeadlinePassed));
        checkProgress();
    }

    private void drainDeadlinePassed() {
        if (deadlinePassed) {
            return;
        }
        deadlinePassed = true;
        for (TaskRecord r : s.live.copy()) {
            engine.dispatcher.cancel(r, "cancelled: pool shutdown drain deadline passed");
            cancelledAtDeadline++;
        }
        // Agents whose work ignores the interrupt are given one health interval, then failed.
        clock.schedule(config.healthInterval(), () -> engine.post(this::forceStop));
        checkProgress();
    }

    private void forceStop() {
        for (AgentSlot slot : List.copyOf(s.agents.values())) {
            if (slot.state == AgentState.BUSY || slot.state == AgentState.READY) {
                if (slot.state == AgentState.BUSY) {
                    lifecycle.fail(slot, "did not stop within " + config.healthInterval().toMillis() + " ms of shutdown");
                }
            }
        }
        checkProgress();
    }

    void checkProgress() {
        if (shutdownDone == null || shutdownDone.isDone()) {
            return;
        }
        if (!s.live.isEmpty() && !deadlinePassed) {
            return;
        }
        if (!swept) {
            // Once: from here on each agent is destroyed as its work returns (afterAgentFreed),
            // so the check below stays O(1) per call instead of O(agents).
            swept = true;
            for (AgentSlot slot : List.copyOf(s.agents.values())) {
                if (slot.running.isEmpty() && (slot.state == AgentState.READY || slot.state == AgentState.IDLE)) {
                    lifecycle.destroy(slot, DestroyReason.SHUTDOWN);
                }
            }
        }
        if (!s.agents.isEmpty() || !s.live.isEmpty()) {
            return;
        }
        s.terminated = true;
        if (drainDeadline != null) {
            drainDeadline.cancel();
        }
        lifecycle.cancelWakeup();
        int cancelled = cancelledAtDeadline;
        ShutdownReport report = new ShutdownReport(drainedAtStart - cancelled, cancelled, s.finalCounts());
        shutdownDone.complete(report);
    }
}
