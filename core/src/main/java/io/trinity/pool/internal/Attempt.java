package io.trinity.pool.internal;

import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent.TaskOutcome;
import io.trinity.pool.time.PoolClock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run of a task on one agent, and the {@link TaskContext} that agent sees. The agent's
 * thread writes the heartbeat and reports; the loop decides the outcome exactly once
 * ({@link #outcome} non-null) and frees the agent when the work returns.
 */
final class Attempt extends LoopCommand implements TaskContext, Runnable {

    final TaskRecord record;
    final AgentSlot slot;
    final int number;
    final long startNanos;
    final String balancer;
    private final Engine engine;
    private final PoolClock clock;

    volatile long lastProgressNanos;
    /** -1 until the agent reports progress; its first value is a plain write (see the constructor). */
    volatile double progress;
    volatile double quality;
    volatile boolean cancelled;
    /** The thread running the agent's code, set and cleared under the cancel lock (see {@link #cancelWork}). */
    private Thread thread;
    /** Usage the agent reported, by resource; created on the first report (most attempts report none). */
    private volatile Map<String, Long> usage;
    /**
     * Guards {@link #cancelActions}, {@link #thread} and the creation of {@link #usage}. Private:
     * the attempt itself is the agent's context, and an agent synchronizing on it must not be
     * able to hold back its own cancellation.
     */
    private final Object lock = new Object();
    /**
     * Cancel actions the agent registered; created on the first (most attempts register none).
     */
    private List<Runnable> cancelActions;

    private static final VarHandle POSTED;
    private static final VarHandle RAN;
    private static final VarHandle LAST_PROGRESS;
    private static final VarHandle PROGRESS;
    private static final VarHandle QUALITY;

    static {
        try {
            POSTED = MethodHandles.lookup().findVarHandle(Attempt.class, "posted", int.class);
            RAN = MethodHandles.lookup().findVarHandle(Attempt.class, "ran", int.class);
            LAST_PROGRESS = MethodHandles.lookup().findVarHandle(Attempt.class, "lastProgressNanos", long.class);
            PROGRESS = MethodHandles.lookup().findVarHandle(Attempt.class, "progress", double.class);
            QUALITY = MethodHandles.lookup().findVarHandle(Attempt.class, "quality", double.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 1 once the attempt was posted back to the loop ({@link #claimPost}). */
    @SuppressWarnings("unused") // through POSTED
    private volatile int posted;
    /** 1 once the attempt's code was started ({@link #claimRun}); it runs once. */
    @SuppressWarnings("unused") // through RAN
    private volatile int ran;
    /** What the code returned or threw, set before the attempt is posted back to the loop. */
    private Payload returnedValue;
    private Throwable returnedError;

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
        this.balancer = balancer;
        // Plain first values, not volatile writes: each volatile write is a store fence, and on
        // the loop these three made it wait for its earlier stores to other cores' lines (14% of
        // Dispatcher.start's samples, docs/benchmarks-history.md). The attempt reaches its agent
        // thread through a compare-and-set or an unpark, which publishes them.
        LAST_PROGRESS.set(this, now);
        PROGRESS.set(this, -1.0);
        QUALITY.set(this, Double.NaN);
    }

    /**
     * The agent thread's work: runs the agent's code, then posts this attempt back to the loop.
     * An attempt is its own runnable and its own loop command, so running a task allocates no
     * closure for either hop.
     */
    @Override
    public void run() {
        engine.dispatcher.onAgentThread(this);
    }

    Dispatcher dispatcher() {
        return engine.dispatcher;
    }

    /**
     * Agent thread: claims the one start of the attempt's code, sync or async; a second one (agent
     * code running its context as a {@code Runnable}) is refused.
     */
    void claimRun() {
        if (!RAN.compareAndSet(this, 0, 1)) {
            throw new IllegalStateException("attempt " + number + " of task " + record.id
                    + " has already run: the pool runs an attempt once (and retries with a new one); agent code must"
                    + " not call run() on its TaskContext");
        }
    }

    /** Agent thread: keeps what the code returned, for the loop. */
    void keepReturn(Payload value, Throwable error) {
        returnedValue = value;
        returnedError = error;
    }

    /**
     * Claims the attempt's one post back to the loop: true the first time. An attempt is its own
     * node in the loop's queue, so posting it twice (a user {@code CompletionStage} calling back
     * twice, say) would corrupt the queue; a second end is logged and dropped instead.
     */
    boolean claimPost() {
        if (POSTED.compareAndSet(this, 0, 1)) {
            return true;
        }
        Engine.LOG.warn("agent {}: attempt {} of task {} reported its end twice; the second is ignored",
                slot.id, number, record.id);
        return false;
    }

    /** Any thread: the code returned or its future completed; posts the attempt back to the loop. */
    void returned(Payload value, Throwable error) {
        if (claimPost()) {
            keepReturn(value, error);
            engine.loop.postCommand(this);
        }
    }

    /** Posted once, when the code returned: the loop settles the attempt. */
    @Override
    void runOnLoop() {
        Payload value = returnedValue;
        Throwable error = returnedError;
        returnedValue = null;
        returnedError = null;
        engine.dispatcher.returned(this, value, error);
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
        synchronized (lock) {
            if (!cancelled) {
                if (cancelActions == null) {
                    cancelActions = new ArrayList<>(2);
                }
                cancelActions.add(action);
                return;
            }
        }
        action.run();
    }

    /** Sets the flag, runs the agent's cancel actions, then interrupts its thread. Any thread. */
    void cancelWork() {
        List<Runnable> actions;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            actions = cancelActions == null ? List.of() : cancelActions;
            cancelActions = null;
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
        synchronized (lock) {
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
        synchronized (lock) {
            thread = t;
        }
    }

    /** The agent's code returned: no interrupt meant for this attempt reaches the thread's next work. */
    void returnedFromThread() {
        synchronized (lock) {
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
            synchronized (lock) {
                if (usage == null) {
                    usage = new ConcurrentHashMap<>();
                }
                u = usage;
            }
        }
        u.merge(resource, units, io.trinity.pool.budget.Spend::addTokens);
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
