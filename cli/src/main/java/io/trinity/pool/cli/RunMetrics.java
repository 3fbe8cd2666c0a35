package io.trinity.pool.cli;

import io.trinity.pool.PoolException;
import io.trinity.pool.PoolShutdownException;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.TenantLimitException;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * What a run did, measured from the pool's events and the tasks' handles; shared by the demo,
 * the bench and the simulator so they report the same numbers the same way.
 *
 * <ul>
 *   <li><b>latency</b>: submit to result of each succeeded task, on the pool's clock;</li>
 *   <li><b>cold start</b>: a task whose first agent was spawned after the task was submitted
 *       and that started after the spawn, that is, it waited for an agent to start (an idle agent
 *       re-specialized for it in no time, at the pool's cap, is not one);</li>
 *   <li><b>agent-seconds</b>: live agents integrated over time, from spawn to destroy;</li>
 *   <li><b>scale flips</b>: a type's {@code scale.decision} that reverses the direction of its
 *       previous one.</li>
 * </ul>
 * Thread-safe: events arrive on the pool's loop while a live view reads.
 */
final class RunMetrics implements PoolListener {

    private static final int RECENT = 5;

    private final LongSupplier clock;
    private final Histogram latencyMicros = new Histogram(3);
    private final Map<TaskState, Long> finalStates = new EnumMap<>(TaskState.class);
    private final Map<String, Long> rejected = new TreeMap<>();
    private final Map<String, Long> spawnsByCause = new TreeMap<>();
    private final Map<String, Long> destroysByReason = new TreeMap<>();
    private final Map<String, Long> dispatchesByBalancer = new TreeMap<>();
    private final Map<String, Set<String>> agentsByAffinity = new TreeMap<>();
    private final Map<Long, String> affinityOfTask = new HashMap<>();
    private final Map<Long, Long> submitNanos = new HashMap<>();
    private final Map<String, Long> spawnNanos = new HashMap<>();
    private final Set<String> liveAgents = new HashSet<>();
    private final Map<String, Integer> lastDirection = new HashMap<>();
    private final Deque<String> recentScale = new ArrayDeque<>();
    private final Deque<String> recentHealth = new ArrayDeque<>();
    private final long startNanos;
    private final boolean trackAffinity;
    private long submitted;
    private long completed;
    private long firstSubmit = -1;
    private long lastFinal = -1;
    private long stuck;
    private long restarts;
    private long retries;
    private long preemptions;
    private long coldStarts;
    private long scaleDecisions;
    private long scaleFlips;
    private int maxAlive;
    private long agentNanos;
    private long lastChange;

    RunMetrics(LongSupplier clock) {
        this(clock, true);
    }

    /**
     * @param agentsByAffinity whether to remember every agent each affinity key ran on (for
     *                         {@link #agentsByAffinity()}): it grows with the agents ever spawned,
     *                         so a long simulation that does not show it leaves it off
     */
    RunMetrics(LongSupplier clock, boolean agentsByAffinity) {
        this.clock = clock;
        this.trackAffinity = agentsByAffinity;
        this.startNanos = clock.getAsLong();
        this.lastChange = startNanos;
    }

    /** Follows a submitted task to its final state. */
    void track(TaskHandle handle, long submittedAtNanos) {
        synchronized (this) {
            submitted++;
            if (firstSubmit < 0) {
                firstSubmit = submittedAtNanos;
            }
        }
        handle.result().whenComplete((v, e) -> finished(handle.state(), submittedAtNanos));
    }

    /** Counts a task the pool refused at submit, by the event log's reject reason. */
    synchronized void rejected(PoolException e) {
        String reason = switch (e) {
            case QueueFullException q -> "queue_full";
            case PoolShutdownException s -> "shutdown";
            case TenantLimitException t -> "tenant_limit";
            default -> "invalid";
        };
        rejected.merge(reason, 1L, Long::sum);
    }

    private synchronized void finished(TaskState state, long submittedAt) {
        long now = clock.getAsLong();
        completed++;
        lastFinal = Math.max(lastFinal, now);
        finalStates.merge(state, 1L, Long::sum);
        if (state == TaskState.SUCCEEDED) {
            latencyMicros.recordValue(Math.max(0, (now - submittedAt) / 1_000));
        }
    }

    @Override
    public synchronized void onEvent(PoolEvent event) {
        switch (event) {
            case PoolEvent.AgentSpawned s -> {
                spawnsByCause.merge(wire(s.cause()), 1L, Long::sum);
                spawnNanos.put(s.agent(), s.nanos());
                alive(s.nanos(), +1, s.agent());
            }
            case PoolEvent.AgentDestroyed d -> {
                destroysByReason.merge(wire(d.reason()), 1L, Long::sum);
                spawnNanos.remove(d.agent()); // destroyed before its first task
                alive(d.nanos(), -1, d.agent());
            }
            case PoolEvent.TaskSubmitted t -> {
                submitNanos.put(t.task(), t.nanos());
                if (trackAffinity && t.affinity() != null) {
                    affinityOfTask.put(t.task(), t.affinity());
                }
            }
            case PoolEvent.TaskDispatched d -> {
                dispatchesByBalancer.merge(d.balancer(), 1L, Long::sum);
                Long submittedAt = submitNanos.remove(d.task());
                Long spawnedAt = spawnNanos.remove(d.agent()); // only an agent's first task can wait for its spawn
                if (submittedAt != null && spawnedAt != null && spawnedAt >= submittedAt && d.nanos() > spawnedAt) {
                    coldStarts++;
                }
                String key = affinityOfTask.remove(d.task());
                if (key != null) {
                    agentsByAffinity.computeIfAbsent(key, k -> new TreeSet<>()).add(d.agent());
                }
            }
            case PoolEvent.TaskEnded e when e.outcome() == PoolEvent.TaskOutcome.PREEMPTED -> {
                preemptions++;
                remember(recentHealth, e, "task " + e.task() + " preempted on " + e.agent());
            }
            case PoolEvent.TaskEnded e when e.agent() == null -> forget(e.task()); // ended while queued: never dispatched
            case PoolEvent.TaskRejected r when r.reason() == PoolEvent.RejectReason.SHED -> forget(r.task());
            case PoolEvent.TaskRetried r -> retries++;
            case PoolEvent.ScaleDecision s -> {
                scaleDecisions++;
                int dir = Integer.signum(s.to() - s.from());
                Integer prev = lastDirection.get(s.type());
                if (dir != 0) {
                    if (prev != null && prev != dir) {
                        scaleFlips++;
                    }
                    lastDirection.put(s.type(), dir);
                }
                remember(recentScale, s, s.type() + " " + s.from() + "->" + s.to() + " (" + s.reason() + ")");
            }
            case PoolEvent.HealthStuck s -> {
                stuck++;
                remember(recentHealth, s, "stuck: " + s.agent() + " silent " + s.silentMs() + " ms on task " + s.task());
            }
            case PoolEvent.HealthRestart r -> {
                restarts++;
                remember(recentHealth, r, "restart: " + r.agent() + " -> " + r.replacement()
                        + (r.reason() == null ? "" : " (" + r.reason() + ")"));
            }
            default -> { }
        }
    }

    private void forget(long task) {
        submitNanos.remove(task);
        affinityOfTask.remove(task);
    }

    private void alive(long nanos, int delta, String agent) {
        agentNanos += (long) liveAgents.size() * Math.max(0, nanos - lastChange);
        lastChange = Math.max(lastChange, nanos);
        if (delta > 0) {
            liveAgents.add(agent);
        } else {
            liveAgents.remove(agent);
        }
        maxAlive = Math.max(maxAlive, liveAgents.size());
    }

    private void remember(Deque<String> recent, PoolEvent e, String text) {
        String line = String.format(java.util.Locale.ROOT, "%7.1fs  %s", (e.nanos() - startNanos) / 1e9, text);
        recent.addLast(line);
        while (recent.size() > RECENT) {
            recent.removeFirst();
        }
    }

    private static String wire(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Per-task and per-agent entries held now: bounded by the tasks and agents in flight. For tests. */
    synchronized int entriesHeld() {
        return submitNanos.size() + affinityOfTask.size() + spawnNanos.size();
    }

    synchronized long submitted() { return submitted; }
    synchronized long completed() { return completed; }
    synchronized boolean allFinal() { return completed == submitted; }
    synchronized long stuck() { return stuck; }
    synchronized long restarts() { return restarts; }
    synchronized long preemptions() { return preemptions; }
    synchronized long coldStarts() { return coldStarts; }
    synchronized long scaleFlips() { return scaleFlips; }
    synchronized int maxAlive() { return maxAlive; }
    synchronized List<String> recentScale() { return new ArrayList<>(recentScale); }
    synchronized List<String> recentHealth() { return new ArrayList<>(recentHealth); }
    synchronized Map<String, Long> spawnsByCause() { return new TreeMap<>(spawnsByCause); }
    synchronized Map<String, Long> destroysByReason() { return new TreeMap<>(destroysByReason); }

    /**
     * Agents removed for being idle, whatever removed them: the idle timeout ({@code idle_timeout})
     * or the scaler ({@code scale_down}). Respecializations, failures and shutdown are not idle removals.
     */
    synchronized long idleRemovals() {
        return destroysByReason.getOrDefault("idle_timeout", 0L) + destroysByReason.getOrDefault("scale_down", 0L);
    }
    synchronized Map<String, Long> dispatchesByBalancer() { return new TreeMap<>(dispatchesByBalancer); }
    synchronized Map<String, Set<String>> agentsByAffinity() { return new TreeMap<>(agentsByAffinity); }
    synchronized Map<TaskState, Long> finalStates() { return new EnumMap<>(finalStates); }

    /** The agent-seconds so far, counting live agents up to {@code nanos}. */
    synchronized double agentSeconds(long nanos) {
        return (agentNanos + (long) liveAgents.size() * Math.max(0, nanos - lastChange)) / 1e9;
    }

    /** The numbers every command reports, frozen at {@code endNanos} (use the last task's end). */
    synchronized Summary summary(long endNanos) {
        long span = lastFinal > firstSubmit ? lastFinal - firstSubmit : 0;
        long ok = finalStates.getOrDefault(TaskState.SUCCEEDED, 0L);
        Map<String, Long> states = new LinkedHashMap<>();
        for (TaskState s : TaskState.values()) {
            if (s.isFinal() && s != TaskState.REJECTED) {
                states.put(s.name().toLowerCase(java.util.Locale.ROOT), finalStates.getOrDefault(s, 0L));
            }
        }
        // an accepted task that ends REJECTED was shed from a full queue for a tenant below its share
        long shed = finalStates.getOrDefault(TaskState.REJECTED, 0L);
        if (shed > 0) {
            states.put("shed", shed);
        }
        return new Summary(submitted, completed, states, new TreeMap<>(rejected),
                span == 0 ? 0 : ok / (span / 1e9),
                percentileMs(50), percentileMs(95), percentileMs(99), latencyMicros.getMaxValue() / 1000.0,
                coldStarts, agentSeconds(endNanos), scaleDecisions, scaleFlips, maxAlive,
                new TreeMap<>(spawnsByCause), new TreeMap<>(destroysByReason), stuck, restarts, retries, preemptions);
    }

    /** The time the last task reached its final state, or now if none has. */
    synchronized long lastFinalNanos() {
        return lastFinal >= 0 ? lastFinal : clock.getAsLong();
    }

    private double percentileMs(double p) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(p) / 1000.0;
    }

    /** A run's numbers; also the JSON shape of {@code --json}. */
    record Summary(long submitted, long completed, Map<String, Long> tasksByFinalState, Map<String, Long> rejected,
                   double throughputPerSec, double p50Ms, double p95Ms, double p99Ms, double maxMs,
                   long coldStarts, double agentSeconds, long scaleDecisions, long scaleFlips, int maxPoolSize,
                   Map<String, Long> spawnsByCause, Map<String, Long> destroysByReason, long stuckDetections,
                   long restarts, long retries, long preemptions) {
    }
}
