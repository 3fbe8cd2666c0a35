package io.trinity.pool.internal;

import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.queue.QueuedTask;
import io.trinity.pool.time.PoolClock;
import io.trinity.pool.limit.ResourcePacer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An accepted task as the loop tracks it, and the handle its submitter holds. Fields are
 * written on the loop; the few read by other threads are volatile.
 *
 * <p><b>No store fence per write.</b> Those volatile fields get their first values by plain
 * writes and their per-task changes ({@link #publishState}, {@link #countAttempt}) by release
 * writes. A volatile write makes the writing core wait until its earlier stores are visible;
 * on a busy pool those are stores to lines other cores hold, so each fence waited for cache
 * misses: the record's initial writes took 26% of {@code Engine.admit}'s samples on the
 * submitting thread, and the loop's writes of {@code state} another fence per dispatch and per
 * end (perf samples placed in the compiled code, docs/benchmarks-history.md). Nothing needs
 * those fences. The record reaches the loop through the command queue's exchange, a full fence.
 * The loop is the only writer after that, and a reader that sees a release write also sees
 * everything written before it. A thread that gets the handle through a data race may still
 * see the fields' defaults, so the getters map them ({@code null} is {@code QUEUED}, with no
 * reasons).
 */
final class TaskRecord extends LoopCommand implements TaskHandle, QueuedTask {

    final long id;
    final Task task;
    /** The agent type that runs it: the task's type, or generic when that type is unknown. */
    final String lane;
    final long submittedNanos;
    final CompletableFuture<Payload> future = new CompletableFuture<>();
    private final Engine engine;

    /** Null only before the constructor's plain write is visible: read through {@link #state()} off the loop. */
    volatile TaskState state;
    volatile int attempts;
    private volatile List<String> reasons;

    private static final VarHandle STATE;
    private static final VarHandle ATTEMPTS;
    private static final VarHandle REASONS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(TaskRecord.class, "state", TaskState.class);
            ATTEMPTS = l.findVarHandle(TaskRecord.class, "attempts", int.class);
            REASONS = l.findVarHandle(TaskRecord.class, "reasons", List.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    long enqueuedNanos;
    long sequence;
    /** Holds one of the queue's capacity permits until it first leaves the queue. */
    boolean holdsPermit;
    /** Loop-owned: in the pool's {@link LiveTasks}, and its neighbours there. */
    boolean live;
    TaskRecord livePrev;
    TaskRecord liveNext;
    /** Where the queue permit is counted (with {@link #holdsPermit}), so giving it back needs no lookup. */
    Admission.Held permit;
    /** The tenant's settings, looked up once at admission. */
    io.trinity.pool.tenant.TenantConfig tenantConfig;
    Attempt current;
    String lastAgent;
    PoolClock.Timer retryTimer;
    /** Admitted over a full queue (its tenant below its share): the loop sheds one task for it. */
    boolean overCapacity;
    /** Rate-limited resources it uses with its token estimates: the task's own, else its type's. */
    Map<String, Long> resources = Map.of();
    /** The running attempt's resource grants, released when it settles. */
    List<ResourcePacer.Grant> grants = List.of();
    /** A resource a provider refused it on that it did not declare: it waits out that pause too. */
    String rateLimitedOn;
    /** The hold last announced in a resource.wait event, so a wait is announced once. */
    String announcedHold;
    /** Its key in the engine's idempotency index (tenant + key), or null. */
    String idempotencyIndex;
    /** Provider refusals (429) it met, each requeued without spending an attempt. */
    int rateLimitedRequeues;
    /** The {@link Shedder}'s holder of its tenant while it holds a queue permit there, else null. */
    Shedder.Holder shedHolder;
    /** Its neighbours in that holder's list, oldest to newest. */
    TaskRecord shedPrev;
    TaskRecord shedNext;
    /** Fair-queue cost charged to its tenant when the running attempt started. */
    double fairCharge;
    /** The agent a balancer holds this attempt back for (delay scheduling), or null when not held. */
    AgentSlot holdAgent;
    /** When the hold of this attempt started, and when it ends at the latest. */
    long holdSinceNanos;
    long holdUntilNanos;
    /** The dispatch pass that last held it: one pass asks the balancer about it once. */
    long holdPass = -1;
    /**
     * Tokens its finished attempts used, by resource: what its own budget is checked against.
     * Empty and shared until the first charge, so a queued task does not carry an empty map.
     */
    Map<String, Long> spent = Map.of();

    TaskRecord(Engine engine, long id, Task task, String lane, long now) {
        this.engine = engine;
        this.id = id;
        this.task = task;
        this.lane = lane;
        this.submittedNanos = now;
        this.enqueuedNanos = now;
        STATE.set(this, TaskState.QUEUED); // plain: see the class javadoc
        REASONS.set(this, List.of());
    }

    /** Loop: the task's new state, by a release write (see the class javadoc). */
    void publishState(TaskState s) {
        STATE.setRelease(this, s);
    }

    /** Loop: one more attempt started, by a release write (see the class javadoc). */
    void countAttempt() {
        ATTEMPTS.setRelease(this, attempts + 1);
    }

    /**
     * Posted to the loop once, by the submit that accepted it (a record is its own command, so
     * accepting a task allocates nothing more): queues it.
     */
    @Override
    void runOnLoop() {
        engine.queueAccepted(this);
    }

    /** Set when it ended, until its future is completed: its result, or the failure. */
    private Payload endValue;
    private Throwable endFailure;

    /** Loop: the task ended with this result or failure; the future completes once that is durable. */
    void ending(Payload value, Throwable failure) {
        endValue = value;
        endFailure = failure;
    }

    /** Completes the future with what {@link #ending} kept (after the end is durable). */
    void completeFuture() {
        Payload value = endValue;
        Throwable failure = endFailure;
        endValue = null;
        endFailure = null;
        if (failure == null) {
            future.complete(value);
        } else {
            future.completeExceptionally(failure);
        }
    }

    /** Fails the future with {@code why} instead of what {@link #ending} kept (its end was never stored). */
    void abandonFuture(Throwable why) {
        endValue = null;
        endFailure = null;
        future.completeExceptionally(why);
    }

    void addReason(String reason) {
        List<String> copy = new ArrayList<>(failureReasons());
        copy.add(reason);
        reasons = List.copyOf(copy);
    }

    int maxAttempts(int poolDefault) {
        return task.maxAttempts() > 0 ? task.maxAttempts() : poolDefault;
    }

    Engine engine() {
        return engine;
    }

    @Override public long id() { return id; }
    @Override public Task task() { return task; }
    /**
     * A fresh copy of the task's future on every call: completing or obtruding it touches only
     * that copy, and cancelling it cancels the task (and completes the copy with a
     * {@link java.util.concurrent.CancellationException} at once).
     *
     * <p>The copy is completed on the callback executor (or here, when the task has already
     * ended), never by the thread that completes the task's own future: that is the loop, and
     * the copy's stages are user code. So the loop completes futures itself, at no cost when
     * nobody waits.
     */
    @Override
    public CompletableFuture<Payload> result() {
        ResultFuture copy = new ResultFuture(this);
        java.util.function.BiConsumer<Payload, Throwable> relay = (v, e) -> {
            if (e == null) {
                copy.complete(v);
            } else {
                copy.completeExceptionally(e);
            }
        };
        if (future.isDone()) {
            future.whenComplete(relay); // runs now, on this thread
        } else {
            future.whenCompleteAsync(relay, engine.callbacks);
        }
        return copy;
    }

    /** The caller's view of a task's future: its cancel cancels the task. */
    private static final class ResultFuture extends CompletableFuture<Payload> {
        private final TaskRecord record;

        ResultFuture(TaskRecord record) {
            this.record = record;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning); // first: the task's end may race it
            if (cancelled) {
                record.cancel();
            }
            return cancelled;
        }
    }
    @Override public TaskState state() {
        TaskState s = state;
        return s == null ? TaskState.QUEUED : s;
    }
    @Override public int attempts() { return attempts; }
    @Override public List<String> failureReasons() {
        List<String> r = reasons;
        return r == null ? List.of() : r;
    }

    @Override
    public void cancel() {
        engine.cancel(this);
    }

    @Override public String lane() { return lane; }
    @Override public int priority() { return task.priority(); }
    @Override public long enqueuedNanos() { return enqueuedNanos; }
    @Override public long sequence() { return sequence; }
    @Override public String tenant() { return task.tenant(); }

    /**
     * From the id: equality stays identity, and the loop's sets and maps of records no longer
     * make the JVM generate an identity hash for every new task (a measurable cost per task).
     */
    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public String toString() {
        return "task " + id + " (" + task.type() + ", " + state() + ")";
    }
}
