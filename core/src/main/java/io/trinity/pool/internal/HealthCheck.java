package io.trinity.pool.internal;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The health monitor, run every health interval on the loop:
 * <ul>
 *   <li><b>settled but not returned</b>: an attempt that timed out, was cancelled or preempted
 *       and whose code still has not given the thread back one stuck threshold after that
 *       (it ignores interrupts) holds its agent's slot for nothing: the agent is failed and
 *       replaced like a stuck one, so no agent is held forever;</li>
 *   <li><b>stuck</b>: a running attempt whose last heartbeat is older than the type's stuck
 *       threshold is ended (cancelled cooperatively, then interrupted), its agent FAILED and
 *       replaced, and the task retried elsewhere;</li>
 *   <li><b>dead</b>: an agent whose {@code alive()} says false is failed and replaced;</li>
 *   <li><b>degrading</b>: an agent whose recent success/quality window is clearly below its
 *       peers' of the same type is recycled. "Clearly": its window is full and its mean is
 *       below the peers' mean by more than the configured margin, so one bad task never
 *       does it.</li>
 * </ul>
 */
final class HealthCheck {

    private final Engine engine;
    private final PoolState s;
    private final PoolConfig config;

    HealthCheck(Engine engine) {
        this.engine = engine;
        this.s = engine.state;
        this.config = engine.config;
    }

    void run() {
        long now = engine.clock.nanoTime();
        for (AgentSlot slot : new ArrayList<>(s.agents.values())) {
            if (s.agents.get(slot.id) != slot || slot.agent == null) {
                continue;
            }
            if (checkStuck(slot, now)) {
                continue;
            }
            if (slot.state.isAvailable() && !aliveQuietly(slot)) {
                engine.lifecycle.fail(slot, "agent reports it is no longer alive");
            }
        }
        for (TypeState ts : s.byType.values()) {
            checkQuality(ts);
        }
        s.deadLetters.expire(now);
        engine.dispatcher.expireCircuitWaits(now);
        engine.dispatcher.markNeeded();
    }

    private boolean checkStuck(AgentSlot slot, long now) {
        if (slot.state != AgentState.BUSY) {
            return false;
        }
        long threshold = io.trinity.pool.Durations.saturatedNanos(slot.type.stuckAfter().orElse(config.stuckAfter()));
        for (Attempt a : List.copyOf(slot.running)) {
            String reason = null;
            long silent = now - a.lastProgressNanos;
            if (a.outcome == null && silent >= threshold) {
                reason = "stuck: no progress for " + silent / 1_000_000 + " ms on agent " + slot.id;
            } else if (a.outcome != null && now - a.settledNanos >= threshold) {
                silent = now - a.settledNanos;
                reason = "stuck: attempt " + a.number + " of task " + a.record.id + " ended ("
                        + a.outcome.name().toLowerCase(java.util.Locale.ROOT) + ") " + silent / 1_000_000
                        + " ms ago but its code has not returned (it ignores interrupts) on agent " + slot.id;
            }
            if (reason != null) {
                long silentMs = silent / 1_000_000;
                s.events.emit(() -> new PoolEvent.HealthStuck(now, slot.id, a.record.id, silentMs));
                engine.lifecycle.fail(slot, reason); // settles its attempts too, after the restart is planned
                return true;
            }
        }
        return false;
    }

    private static boolean aliveQuietly(AgentSlot slot) {
        try {
            return slot.agent.alive();
        } catch (RuntimeException e) {
            Engine.LOG.warn("agent {}: alive() threw; treating it as dead", slot.id, e);
            return false;
        }
    }

    private void checkQuality(TypeState ts) {
        if (ts.slots.size() < 2) {
            return;
        }
        double sum = 0;
        int peers = 0;
        for (AgentSlot slot : ts.slots) {
            if (slot.quality.full()) {
                sum += slot.quality.mean();
                peers++;
            }
        }
        if (peers < 2) {
            return;
        }
        for (AgentSlot slot : new ArrayList<>(ts.slots)) {
            if (!slot.quality.full() || !(slot.state == AgentState.READY || slot.state == AgentState.IDLE)) {
                continue;
            }
            double mine = slot.quality.mean();
            double others = (sum - mine) / (peers - 1);
            if (mine < others - config.qualityMargin()) {
                String reason = String.format(java.util.Locale.ROOT,
                        "degraded: recent score %.2f vs peers %.2f over the last %d tasks",
                        mine, others, config.qualityWindow());
                engine.lifecycle.fail(slot, reason);
                return; // one recycle per type per check keeps a bad comparison from emptying a type
            }
        }
    }
}
