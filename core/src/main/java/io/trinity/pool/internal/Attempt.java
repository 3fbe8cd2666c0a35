package io.trinity.pool.internal;

import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent.TaskOutcome;
import io.trinity.pool.time.PoolClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run of a task on one agent, and the {@link TaskContext} that agent sees. The agent's
 * thread writes the heartbeat and reports; the loop decides the outcome exactly once
 * ({@link #outcome} non-null) and frees the agent when the work returns.
 */
final class Attempt implements TaskContext {

    final TaskRecord record;
    final AgentSlot slot;
    final int number;
    final long startNanos;
    final String balancer;
    private final Engine engine;
    private final PoolClock clock;

    volatile long lastProgressNanos;
    volatile double progress = -1;
    volatile double quality = Double.NaN;
    volatile boolean cancelled;
    /** The thread running the agent's code, set and cleared under the cancel lock (see {@link #cancelWork}). */
    private Thread thread;
    /** Usage the agent reported, by resource; created on the first report (most attempts report none). */
    private volatile Map<String, Long> usage;
    private final List<Runnable> cancelActions = new ArrayList<>();

    /** Loop-owned: how the attempt ended, once decided; null while it runs. */
    TaskOutcome outcome;
    /** Loop-owned: when the outcome was decided; its code may still be running past it. */
    long settledNanos;
    PoolClock.Timer timeoutTimer;
    /** Loop-owned: in the governor's list of running attempts, and its neighbours there. */
    boolean governed;
    Attempt governedPrev;
    Attempt governedNext;

    Attempt(Engine engine, PoolClock clock, TaskRecord record, AgentSlot slot, int number, long now, String balancer) {
        this.engine = engine;
        this.clock = clock;
        this.record = record;
        this.slot = slot;
        this.number = number;
        this.startNanos = now;
        this.lastProgressNanos = now;
        this.balancer = balancer;
    }

    @Override public long taskId() { return record.id; }
    @Override public String type() { return record.lane; }
    @Override public String agentId() { return slot.id; }
    @Override public int attempt() { return number; }
    @Override public Task task() { return record.task; }

    @Override
    public void progress(double fraction, String note) {
        if (!Double.isNaN(fraction)) {
            progress = fraction;
        }
        lastProgressNanos = clock.nanoTime();
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void onCancel(Runnable action) {
        synchronized (cancelActions) {
            if (!cancelled) {
                cancelActions.add(action);
                return;
            }
        }
        action.run();
    }

    /** Sets the flag, runs the agent's cancel actions, then interrupts its thread. Any thread. */
    void cancelWork() {
        List<Runnable> actions;
        synchronized (cancelActions) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            actions = List.copyOf(cancelActions);
            cancelActions.clear();
        }
        for (Runnable a : actions) {
            try {
                a.run();
            } catch (RuntimeException e) {
                Engine.LOG.warn("agent {}: a cancel action of task {} threw", slot.id, record.id, e);
            }
        }
        // Under the lock: the thread is interrupted only while it still runs this attempt, never
        // once it has moved on (agent threads are reused for the next attempt).
        synchronized (cancelActions) {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** Usage reported so far, by resource (a live view; empty when none). Any thread. */
    Map<String, Long> usage() {
        Map<String, Long> u = usage;
        return u == null ? Map.of() : u;
    }

    /** The agent's code starts on the current thread. */
    void runsOn(Thread t) {
        synchronized (cancelActions) {
            thread = t;
        }
    }

    /** The agent's code returned: no interrupt meant for this attempt reaches the thread's next work. */
    void returnedFromThread() {
        synchronized (cancelActions) {
            thread = null;
        }
        if (cancelled) {
            Thread.interrupted();
        }
    }

    @Override
    public void reportQuality(double score) {
        if (Double.isNaN(score) || score < 0 || score > 1) {
            throw new IllegalArgumentException("quality score must be in 0..1 (got " + score + ")");
        }
        quality = score;
        lastProgressNanos = clock.nanoTime();
    }

    @Override
    public void reportUsage(String resource, long units) {
        if (resource == null || resource.isBlank() || units < 0) {
            throw new IllegalArgumentException("usage needs a resource name and units >= 0 (got resource="
                    + resource + ", units=" + units + ")");
        }
        Map<String, Long> u = usage;
        if (u == null) {
            synchronized (cancelActions) {
                if (usage == null) {
                    usage = new ConcurrentHashMap<>();
                }
                u = usage;
            }
        }
        u.merge(resource, units, Long::sum);
        engine.usageReported(this); // budgets are checked on the loop as usage comes in
    }

    /** From task and number (equality stays identity): no identity hash generated per attempt. */
    @Override
    public int hashCode() {
        return Long.hashCode(record.id) * 31 + number;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public TaskHandle submit(Task subtask) {
        return engine.submit(subtask);
    }
}
