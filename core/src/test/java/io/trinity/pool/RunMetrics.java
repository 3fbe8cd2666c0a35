package io.trinity.pool;

import io.trinity.pool.event.PoolEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Figures of a run computed from its event log alone, as an outside observer would. */
public record RunMetrics(int spawns, int destroys, int maxAlive, double agentSeconds, int coldStarts, int flips,
                         int scaleDecisions) {

    public static RunMetrics of(List<PoolEvent> events, long endNanos) {
        return of(events, endNanos, 1_000_000_000L, 60_000_000_000L);
    }

    public static RunMetrics of(List<PoolEvent> events, long endNanos, long coldWaitNanos) {
        return of(events, endNanos, coldWaitNanos, 60_000_000_000L);
    }

    /**
     * Cold start: a task that waited at least {@code coldWaitNanos} (half a spawn time, say)
     * between its arrival and its first dispatch, i.e. it waited for an agent to start. Flip: a
     * scale decision in the opposite direction to the type's previous one, within
     * {@code windowNanos} of it (the stabilization window).
     */
    public static RunMetrics of(List<PoolEvent> events, long endNanos, long coldWaitNanos, long windowNanos) {
        Map<String, Long> spawnedAt = new HashMap<>();
        Map<Long, Long> submittedAt = new HashMap<>();
        Map<Long, Boolean> dispatched = new HashMap<>();
        int alive = 0;
        int max = 0;
        int spawns = 0;
        int destroys = 0;
        int cold = 0;
        double agentNanos = 0;
        int flips = 0;
        int decisions = 0;
        Map<String, Integer> lastDirection = new HashMap<>();
        Map<String, Long> lastDecisionAt = new HashMap<>();
        for (PoolEvent e : events) {
            switch (e) {
                case PoolEvent.AgentSpawned s -> {
                    spawnedAt.put(s.agent(), s.nanos());
                    alive++;
                    spawns++;
                    max = Math.max(max, alive);
                }
                case PoolEvent.AgentDestroyed d -> {
                    Long at = spawnedAt.get(d.agent());
                    if (at != null) {
                        agentNanos += d.nanos() - at;
                        spawnedAt.remove(d.agent());
                    }
                    alive--;
                    destroys++;
                }
                case PoolEvent.TaskSubmitted t -> submittedAt.put(t.task(), t.nanos());
                case PoolEvent.TaskDispatched d -> {
                    if (dispatched.putIfAbsent(d.task(), true) == null) {
                        Long arrived = submittedAt.get(d.task());
                        if (arrived != null && d.nanos() - arrived >= coldWaitNanos) {
                            cold++;
                        }
                    }
                }
                case PoolEvent.ScaleDecision sd -> {
                    decisions++;
                    int dir = Integer.signum(sd.to() - sd.from());
                    Integer last = lastDirection.put(sd.type(), dir);
                    Long lastAt = lastDecisionAt.put(sd.type(), sd.nanos());
                    if (last != null && last != 0 && dir != 0 && last != dir && sd.nanos() - lastAt < windowNanos) {
                        flips++;
                    }
                }
                default -> { }
            }
        }
        for (long at : spawnedAt.values()) {
            agentNanos += endNanos - at;
        }
        return new RunMetrics(spawns, destroys, max, agentNanos / 1e9, cold, flips, decisions);
    }
}
