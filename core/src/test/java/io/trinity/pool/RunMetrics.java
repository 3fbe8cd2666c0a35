package io.trinity.pool;

import io.trinity.pool.event.PoolEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Figures of a run computed from its event log alone, as an outside observer would. */
public record RunMetrics(int spawns, int destroys, int maxAlive, double agentSeconds, int coldStarts, int flips,
                         int scaleDecisions) {

    /** Cold start: a task whose first dispatch went to an agent spawned after the task arrived. */
    public static RunMetrics of(List<PoolEvent> events, long endNanos) {
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
                        Long born = spawnedAt.get(d.agent());
                        Long arrived = submittedAt.get(d.task());
                        if (born != null && arrived != null && born > arrived) {
                            cold++;
                        }
                    }
                }
                case PoolEvent.ScaleDecision sd -> {
                    decisions++;
                    int dir = Integer.signum(sd.to() - sd.from());
                    Integer last = lastDirection.put(sd.type(), dir);
                    if (last != null && last != 0 && dir != 0 && last != dir) {
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
