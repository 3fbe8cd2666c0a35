package io.trinity.pool.internal;

import io.trinity.pool.AgentType;
import io.trinity.pool.DeadLetter;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.TaskState;
import io.trinity.pool.balance.LoadBalancer;
import io.trinity.pool.health.RestartPolicy;
import io.trinity.pool.queue.TaskQueue;
import io.trinity.pool.spawn.SpawnLimiter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Everything the control loop owns. No synchronisation: only the loop reads or writes it. */
final class PoolState {

    final PoolConfig config;
    final Map<String, LoadBalancer> balancers;
    final Events events;
    final long startNanos;
    final SplittableRandom random;
    final TaskQueue<TaskRecord> queue;
    final Map<String, TypeState> byType = new LinkedHashMap<>();
    final Map<String, AgentSlot> agents = new LinkedHashMap<>();
    /**
     * Accepted tasks not yet in a final state, in acceptance order. A set of the records (identity
     * hash) rather than a map by id: no boxed key per queued task.
     */
    final LiveTasks live = new LiveTasks();
    /** Tasks that reached each final state, by {@link TaskState#ordinal()} (no boxing per task). */
    private final long[] finalCounts = new long[TaskState.values().length];
    final DeadLetters deadLetters;
    final SpawnLimiter limiter;
    long sequence;
    long spawns;
    long destroys;
    /**
     * Whether any agent ever reported a node: until then dispatch skips node-aware routing
     * entirely, so a pool that is not clustered pays one boolean test per dispatch.
     */
    boolean nodesSeen;
    /** Attempts started on an agent on the task's origin node, and on another node (both known). */
    long localDispatches;
    long remoteDispatches;
    int waitingRetry;
    int running;
    boolean shuttingDown;
    boolean terminated;

    final io.trinity.pool.time.PoolClock clock;

    PoolState(PoolConfig config, Map<String, AgentType> types, Map<String, LoadBalancer> balancers, Events events,
              io.trinity.pool.time.PoolClock clock, SplittableRandom random, java.util.function.LongConsumer onEvict) {
        this.config = config;
        this.clock = clock;
        long startNanos = clock.nanoTime();
        this.balancers = balancers;
        this.events = events;
        this.deadLetters = new DeadLetters(config.deadLetterMax(), io.trinity.pool.Durations.saturatedNanos(config.deadLetterRetention()),
                events, onEvict);
        this.startNanos = startNanos;
        this.random = random;
        this.queue = new TaskQueue<>(Integer.MAX_VALUE, config.agingStep().toNanos(),
                tenant -> config.tenant(tenant).weight(), config.fairnessCredit().toNanos());
        for (String name : Engine.sorted(types.keySet())) {
            AgentType t = types.get(name);
            byType.put(name, new TypeState(t, new RestartPolicy(config.restartBackoff(), config.restartBackoffMax(),
                    config.restartIntensity(), config.restartWindow())));
        }
        this.limiter = new SpawnLimiter(config.spawnRate());
    }

    TypeState type(String name) {
        // a pass asks for the same type many times, nearly always with the very same String
        TypeState last = lastType;
        if (last != null && last.name == name) {
            return last;
        }
        TypeState ts = byType.get(name);
        if (ts != null) {
            lastType = ts;
        }
        return ts;
    }

    /** The type last looked up (the types never change after construction). */
    private TypeState lastType;

    int alive() {
        return agents.size();
    }

    void countFinal(TaskState state) {
        finalCounts[state.ordinal()]++;
    }

    /** Every state with the number of tasks that ended in it (0 for the others). */
    EnumMap<TaskState, Long> finalCounts() {
        EnumMap<TaskState, Long> m = new EnumMap<>(TaskState.class);
        for (TaskState st : TaskState.values()) {
            m.put(st, finalCounts[st.ordinal()]);
        }
        return m;
    }

    PoolSnapshot snapshot() {
        List<PoolSnapshot.AgentInfo> infos = new ArrayList<>(agents.size());
        for (AgentSlot s : agents.values()) {
            infos.add(new PoolSnapshot.AgentInfo(s.id, s.type.name(), s.state, s.running.size(), s.capacity, s.warm,
                    s.node));
        }
        EnumMap<TaskState, Long> counts = finalCounts();
        long queued = 0;
        long runningTasks = 0;
        for (TaskRecord r : live) {
            if (r.state == TaskState.RUNNING) {
                runningTasks++;
            } else {
                queued++;
            }
        }
        counts.put(TaskState.QUEUED, queued);
        counts.put(TaskState.RUNNING, runningTasks);
        return new PoolSnapshot(clock.nanoTime(), infos, queue.size(), running, waitingRetry, counts, spawns, destroys,
                localDispatches, remoteDispatches);
    }
}
