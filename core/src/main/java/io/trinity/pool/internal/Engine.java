package io.trinity.pool.internal;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.DeadLetter;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolShutdownException;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.Submission;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskRejectedException;
import io.trinity.pool.TaskState;
import io.trinity.pool.TenantLimitException;
import io.trinity.pool.budget.Spend;
import io.trinity.pool.limit.ResourceLimit;
import io.trinity.pool.tenant.TenantConfig;
import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.balance.BalancerContext;
import io.trinity.pool.balance.LoadBalancer;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.RejectReason;
import io.trinity.pool.event.PoolListener;
import io.trinity.pool.PoolException;
import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalState;
import io.trinity.pool.spawn.SpawnStrategy;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool: the public face ({@link AgentPool}) over one control loop that owns all state.
 *
 * <p>Design. Callers and agent threads never touch pool state: they post commands to a
 * {@link SerialLoop}. The loop-side work is split by concern into {@link Dispatcher} (queue to
 * agents, attempts and their outcomes), {@link Lifecycle} (spawn, destroy, fail, replace) and
 * {@link Housekeeper} (periodic: idle reclamation, warm pool, scaling, health). They share the
 * loop-owned {@link PoolState}; the {@link Governor} decides what may start (tenant limits,
 * resource pacing, budgets). The only cross-thread state here is the {@link Admission}
 * counters (the queue's and each tenant's, so {@code submit} can refuse synchronously and
 * share a full queue fairly) and the accepting flag.
 */
public final class Engine implements AgentPool {

    static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /**
     * How long shutdown waits, once the pool has terminated and its journal is closed, for every
     * listener to receive every event; a listener still behind then is logged and not waited for.
     */
    public static final Duration LISTENER_PATIENCE = Duration.ofSeconds(5);

    final PoolConfig config;
    final PoolClock clock;
    final Executor agentExecutor;
    /** Where user code runs: future completions and listener deliveries; never the loop. */
    final Executor callbacks;
    final SerialLoop loop;
    final PoolState state;
    final Dispatcher dispatcher;
    final Governor governor;
    final Lifecycle lifecycle;
    final Housekeeper housekeeper;
    final Journal journal;
    final Durability durability;
    /** Spend, pacing and strategy state kept across restarts (with a journal that keeps them). */
    final StateKeeper keeper;
    /** Wall-clock ms at the pool clock's start, so journal times survive a restart. */
    private final long wallAtStartMillis;
    private final long clockAtStartNanos;
    /** Tasks not yet final whose end is not yet durable, by id and by tenant + idempotency key. */
    private final LiveIndex liveById;
    private final Map<String, TaskRecord> liveByKey = new ConcurrentHashMap<>();
    private final AgentThreads ownedAgentExecutor;
    private final ExecutorService ownedLoopExecutor;
    private final Map<String, AgentType> types;
    private final AtomicLong ids = new AtomicLong();
    /** Queue permits, in total and per tenant: tasks admitted by submit and not yet out of the queue. */
    final Admission admission;
    /** The loop's view of the permits, to choose what a full queue sheds. */
    final Shedder shedder;
    private volatile boolean accepting = true;
    private final boolean ownedThreads;
    /** Deterministic mode: the loop and shutdown's own steps run on the thread that drives the clock. */
    private final boolean deterministic;
    /** The live cap beside config.maxAgents(), or null; read on the loop whenever a spawn is weighed. */
    private final java.util.function.IntSupplier agentLimit;

    /**
     * The most agents the pool may have now: {@code min(config.maxAgents(), agentLimit)}. Below the
     * current count it only stops spawns; it never removes an agent. Loop only.
     */
    int maxAgents() {
        if (agentLimit == null) {
            return config.maxAgents();
        }
        int limit = agentLimit.getAsInt();
        return Math.min(config.maxAgents(), Math.max(0, limit));
    }

    public Engine(PoolConfig config, Map<String, AgentType> types, Map<String, LoadBalancer.Factory> balancerFactories,
                  List<PoolListener> listeners, List<SpawnStrategy> strategies, PoolClock clock,
                  Executor agentExecutor, Executor loopExecutor, Executor callbackExecutor, boolean deterministic,
                  Journal journal, java.util.function.IntSupplier agentLimit) {
        this.config = config;
        this.liveById = new LiveIndex((long) config.queueCapacity() + config.maxAgents());
        this.agentLimit = agentLimit;
        this.types = types;
        this.clock = clock;
        if (agentExecutor == null) {
            ownedAgentExecutor = new AgentThreads(config.maxAgents());
            this.agentExecutor = ownedAgentExecutor;
        } else {
            ownedAgentExecutor = null;
            this.agentExecutor = agentExecutor;
        }
        if (loopExecutor == null) {
            ownedLoopExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "trinity-pool-loop");
                t.setDaemon(true);
                return t;
            });
            loopExecutor = ownedLoopExecutor;
        } else {
            ownedLoopExecutor = null;
        }
        // Caller-runs only with the pool's own loop thread: a direct (deterministic) or a caller's
        // executor keeps exactly the drain it asked for.
        this.loop = new SerialLoop(loopExecutor, this::afterBatch, ownedLoopExecutor != null);
        this.ownedThreads = ownedLoopExecutor != null && ownedAgentExecutor != null;
        this.deterministic = deterministic;
        if (callbackExecutor != null) {
            this.callbacks = callbackExecutor;
        } else if (deterministic) {
            this.callbacks = loop::defer; // same thread, after the batch: exact replay, never inside the loop
        } else {
            // One name for all: a numbered name is built per thread, on the loop, for every task's callback.
            java.util.concurrent.ThreadFactory vt = Thread.ofVirtual().name("trinity-callback").factory();
            this.callbacks = r -> vt.newThread(r).start();
        }
        this.journal = journal;
        this.durability = new Durability(journal, callbacks, clock, this::post);
        this.keeper = new StateKeeper(this, journal != null && journal.keepsPoolState());
        this.wallAtStartMillis = clock.epochMillis();
        this.clockAtStartNanos = clock.nanoTime();
        SplittableRandom random = new SplittableRandom(config.seed());
        Map<String, LoadBalancer> balancers = new LinkedHashMap<>();
        balancerFactories.forEach((name, f) -> balancers.put(name,
                f.create(new BalancerContext(clock, random.split(), config.balancerSettings()))));
        this.state = new PoolState(config, types, balancers, new Events(listeners, callbacks, config.listenerBuffer()), clock, random,
                taskId -> durability.record(new JournalRecord.DeadLetterCleared(taskId, wallMillis(clock.nanoTime()))));
        this.admission = new Admission(config.queueCapacity());
        this.shedder = new Shedder(this);
        this.governor = new Governor(this);
        this.dispatcher = new Dispatcher(this);
        this.lifecycle = new Lifecycle(this);
        this.housekeeper = new Housekeeper(this, strategies);
        if (journal != null) {
            JournalState loaded = journal.load();
            ids.set(Math.max(ids.get(), loaded.maxTaskId()));
            for (String type : types.keySet()) {
                journal.latestSnapshot(type).ifPresent(snap -> durability.seedSnapshot(
                        new io.trinity.pool.agent.AgentSnapshot(snap.agent(), snap.type(), snap.state())));
            }
            Recovery recovery = new Recovery(this, loaded);
            recovery.prepare();
            post(recovery::run);
        }
        loop.post(housekeeper::start);
    }

    // ---- public API (any thread) ------------------------------------------------------------

    @Override
    public TaskHandle submit(Task task) {
        java.util.Objects.requireNonNull(task, "task");
        TaskRecord record;
        if (task.idempotencyKey().isEmpty()) {
            record = (TaskRecord) admit(task, null); // without a key always a new record: no list per task
        } else {
            List<TaskRecord> fresh = new ArrayList<>(1);
            TaskHandle h = admit(task, fresh);
            if (fresh.isEmpty()) {
                return h; // the task already accepted under this idempotency key
            }
            record = fresh.get(0);
        }
        if (journal != null) {
            store(List.of(record));
        }
        loop.postCommand(record); // the record is its own command: queueAccepted on the loop
        return record;
    }

    /** Loop: queues a task its submit accepted. */
    void queueAccepted(TaskRecord record) {
        dispatcher.accept(record);
        shedder.admitted(record);
    }

    /**
     * {@inheritDoc} The tasks are admitted one by one in list order (ids ascending), the accepted
     * ones stored in one journal write, then queued together in one pass of the loop.
     */
    @Override
    public List<Submission> submitAll(List<Task> tasks) {
        java.util.Objects.requireNonNull(tasks, "tasks");
        tasks.forEach(t -> java.util.Objects.requireNonNull(t, "tasks holds a null task"));
        Submission[] out = new Submission[tasks.size()];
        List<TaskRecord> fresh = new ArrayList<>(tasks.size());
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Submission.accepted(admit(tasks.get(i), fresh));
            } catch (PoolException e) {
                out[i] = Submission.refused(e);
            }
        }
        if (!fresh.isEmpty()) {
            if (journal != null) {
                try {
                    store(fresh);
                } catch (PoolException e) {
                    // every outcome naming a task of this write, a repeated idempotency key's too
                    java.util.Set<TaskHandle> lost = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                    lost.addAll(fresh);
                    for (int i = 0; i < out.length; i++) {
                        if (out[i].isAccepted() && lost.contains(out[i].handle())) {
                            out[i] = Submission.refused(e);
                        }
                    }
                    return List.of(out);
                }
            }
            List<TaskRecord> accepted = List.copyOf(fresh);
            post(() -> {
                for (TaskRecord r : accepted) {
                    queueAccepted(r);
                }
            });
        }
        return List.of(out);
    }

    /**
     * Checks one task and takes its place in the queue: the handle of the task already accepted
     * under its idempotency key, or a new record (also added to {@code fresh} unless it is null),
     * not yet stored nor queued. Throws the refusal {@link #submit} documents.
     */
    private TaskHandle admit(Task task, List<TaskRecord> fresh) {
        String idemKey = task.idempotencyKey().map(k -> task.tenant() + '\u0000' + k).orElse(null);
        if (idemKey != null) {
            TaskHandle existing = byIdempotencyKey(task, idemKey);
            if (existing != null) {
                return existing;
            }
        }
        long id = ids.incrementAndGet();
        String lane = laneFor(task.type());
        if (lane == null) {
            post(() -> state.events.emit(() -> new PoolEvent.TaskRejected(clock.nanoTime(), id, task.type(),
                    RejectReason.INVALID, "unknown type", task.tenant())));
            throw new TaskRejectedException("task type '" + task.type() + "' has no registered agent type and no '"
                    + AgentTypes.GENERIC + "' fallback is registered; register one of " + types.keySet().stream().sorted().toList()
                    + " or a '" + AgentTypes.GENERIC + "' type");
        }
        if (task.balancer().isPresent() && !state.balancers.containsKey(task.balancer().get())) {
            post(() -> state.events.emit(() -> new PoolEvent.TaskRejected(clock.nanoTime(), id, task.type(),
                    RejectReason.INVALID, "unknown balancer", task.tenant())));
            throw new TaskRejectedException("task names balancer '" + task.balancer().get() + "', which this pool does"
                    + " not know; choose one of " + state.balancers.keySet());
        }
        if (!accepting) {
            post(() -> state.events.emit(() -> new PoolEvent.TaskRejected(clock.nanoTime(), id, task.type(),
                    RejectReason.SHUTDOWN, null, task.tenant())));
            throw new PoolShutdownException("pool is shutting down; task of type '" + task.type() + "' was not accepted");
        }
        Map<String, Long> resources = resourcesOf(task, lane);
        String tooBig = tooBigForLimits(resources);
        if (tooBig != null) {
            post(() -> state.events.emit(() -> new PoolEvent.TaskRejected(clock.nanoTime(), id, task.type(),
                    RejectReason.INVALID, "estimate over limit", task.tenant())));
            throw new TaskRejectedException(tooBig);
        }
        TenantConfig tenant = config.tenant(task.tenant());
        Admission.Decision d = admission.admit(tenant);
        switch (d.verdict()) {
            case TENANT_LIMIT -> {
                post(() -> state.events.emit(() -> new PoolEvent.TaskRejected(clock.nanoTime(), id, task.type(),
                        RejectReason.TENANT_LIMIT, "tenant " + tenant.name() + " maxQueued " + tenant.maxQueued(),
                        tenant.name())));
                throw new TenantLimitException(tenant.name(), tenant.maxQueued());
            }
            case FULL -> {
                String why = "tenant '" + tenant.name() + "' holds " + d.held() + " of them, at or above its weighted"
                        + " share of " + Shedder.format(d.share());
                post(() -> state.events.emit(() -> new PoolEvent.TaskRejected(clock.nanoTime(), id, task.type(),
                        RejectReason.QUEUE_FULL, why, tenant.name())));
                throw new QueueFullException(d.depth(), config.queueCapacity(), why);
            }
            default -> { }
        }
        TaskRecord record = new TaskRecord(this, id, task, lane, clock.nanoTime());
        record.holdsPermit = true;
        record.permit = d.permit();
        record.tenantConfig = tenant;
        record.overCapacity = d.verdict() == Admission.Verdict.IN_OVER_CAPACITY;
        record.resources = resources;
        if (idemKey != null) {
            TaskRecord first = liveByKey.putIfAbsent(idemKey, record);
            if (first != null) { // a concurrent submit with the same key won
                releasePermit(record);
                return first;
            }
            record.idempotencyIndex = idemKey;
        }
        liveById.put(record);
        if (fresh != null) {
            fresh.add(record);
        }
        return record;
    }

    /** The task already accepted under this tenant and key, live or (with a journal) ended, or null. */
    private TaskHandle byIdempotencyKey(Task task, String idemKey) {
        TaskRecord live = liveByKey.get(idemKey);
        if (live != null) {
            return live;
        }
        if (journal == null) {
            return null;
        }
        return journal.findByIdempotencyKey(task.tenant(), task.idempotencyKey().get())
                .filter(io.trinity.pool.journal.StoredTask::isFinal)
                .<TaskHandle>map(StoredHandle::new)
                .orElse(null);
    }

    /**
     * Writes the accepted tasks in one journal write and waits until they are durable; refuses
     * them all if they cannot be.
     */
    private void store(List<TaskRecord> records) {
        boolean stored = false;
        String why = "an error"; // what went wrong, for the records' reason when nothing is caught
        try {
            List<JournalRecord> accepted = new ArrayList<>(records.size());
            for (TaskRecord r : records) {
                accepted.add(new JournalRecord.Accepted(r.id, r.task.toPlainData(), r.tenant(),
                        r.task.idempotencyKey().orElse(null), wallMillis(r.submittedNanos)));
            }
            journal.write(accepted).join();
            stored = true;
        } catch (RuntimeException e) { // a failed future, or a journal whose write throws at once
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            post(() -> {
                for (TaskRecord r : records) {
                    state.events.emit(() -> new PoolEvent.TaskRejected(clock.nanoTime(), r.id, r.task.type(),
                            RejectReason.INVALID, "journal write failed"));
                }
            });
            String what = records.size() == 1 ? "task of type '" + records.get(0).task.type() + "' was"
                    : records.size() + " tasks were";
            why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            throw new PoolException(what + " not accepted: the journal could not store "
                    + (records.size() == 1 ? "it" : "them") + " (" + why + "); nothing was queued,"
                    + " submit again once the journal is writable", cause);
        } finally {
            if (!stored) { // whatever went wrong, an error included: the tasks give their slots back
                for (TaskRecord r : records) {
                    releasePermit(r);
                    forget(r);
                    refusedUnstored(r, why);
                }
            }
        }
    }

    /**
     * Ends a task the journal could not store: it was never queued, but a concurrent submit with
     * the same idempotency key may already hold its handle, which must end too, REJECTED. Only
     * the submitting thread touches the record here (the loop never saw it).
     */
    private static void refusedUnstored(TaskRecord r, String why) {
        r.addReason("not accepted: the journal could not store the task (" + why
                + "); submit again once the journal is writable");
        r.publishState(TaskState.REJECTED);
        r.future.completeExceptionally(new TaskFailedException(r.id, TaskState.REJECTED, r.failureReasons(), null));
    }

    /** Drops a task from the lookups (its end is durable, or it was never accepted). */
    void forget(TaskRecord r) {
        liveById.remove(r);
        if (r.idempotencyIndex != null) {
            liveByKey.remove(r.idempotencyIndex, r);
        }
    }

    /** Registers a task recovered from the journal in the lookups. */
    void remember(TaskRecord r) {
        liveById.put(r);
        r.task.idempotencyKey().ifPresent(k -> {
            r.idempotencyIndex = r.tenant() + '\u0000' + k;
            liveByKey.put(r.idempotencyIndex, r);
        });
    }

    @Override
    public java.util.Optional<TaskHandle> task(long id) {
        TaskRecord live = liveById.get(id);
        if (live != null) {
            return java.util.Optional.of(live);
        }
        if (journal == null) {
            return java.util.Optional.empty();
        }
        return journal.find(id).filter(io.trinity.pool.journal.StoredTask::isFinal).map(StoredHandle::new);
    }

    /** Pool-clock nanos as wall-clock epoch ms, the time base of journal records. */
    long wallMillis(long nanos) {
        return wallAtStartMillis + (nanos - clockAtStartNanos) / 1_000_000;
    }

    /** Pool-clock nanos of a wall-clock epoch ms (for times read back from the journal). */
    long nanosOfWall(long millis) {
        return clockAtStartNanos + (millis - wallAtStartMillis) * 1_000_000;
    }

    /** The rate-limited resources a task uses with their estimates: its own, else its lane's type's. */
    Map<String, Long> resourcesOf(Task task, String lane) {
        return task.resources().isEmpty() ? types.get(lane).resources() : task.resources();
    }

    String laneFor(String type) {
        if (types.containsKey(type)) {
            return type;
        }
        return types.containsKey(AgentTypes.GENERIC) ? AgentTypes.GENERIC : null;
    }

    void cancel(TaskRecord record) {
        post(() -> dispatcher.cancel(record, "cancelled by caller"));
    }

    /** A task whose estimate exceeds a resource's tokens per minute could never start: why, or null. */
    private String tooBigForLimits(Map<String, Long> resources) {
        for (Map.Entry<String, Long> e : resources.entrySet()) {
            ResourceLimit l = config.resourceLimits().get(e.getKey());
            if (l != null && l.tokensPerMinute() > 0 && e.getValue() > l.tokensPerMinute()) {
                return "task estimates " + e.getValue() + " tokens of resource '" + e.getKey() + "', more than its limit of "
                        + l.tokensPerMinute() + " tokens per minute, so it could never start; lower the estimate or"
                        + " raise tokensPerMinute of '" + e.getKey() + "'";
            }
        }
        return null;
    }

    /**
     * Releases a queue permit: the task left the queue for the first time. Loop only, or the
     * submitting thread for a task the loop has not seen (a submit the journal refused).
     */
    void releasePermit(TaskRecord r) {
        if (r.holdsPermit) {
            r.holdsPermit = false;
            admission.release(r.tenantConfig, r.permit);
            r.permit = null;
            shedder.left(r);
        }
    }

    /** An agent reported usage (any thread): budgets are checked on the loop. */
    void usageReported(Attempt a) {
        post(() -> governor.usageReported(a));
    }

    @Override
    public Spend tenantSpend(String tenant) {
        java.util.Objects.requireNonNull(tenant, "tenant");
        return onLoop(() -> governor.ledger.spend(tenant));
    }

    @Override
    public Map<String, Spend> spend() {
        return onLoop(governor.ledger::all);
    }

    @Override
    public PoolSnapshot snapshot() {
        return onLoop(state::snapshot);
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return onLoop(() -> List.copyOf(state.deadLetters.all()));
    }

    @Override
    public TaskHandle resubmit(long deadLetteredTaskId) {
        DeadLetter letter = onLoop(() -> state.deadLetters.get(deadLetteredTaskId));
        if (letter == null) {
            throw new IllegalArgumentException("no dead letter with task id " + deadLetteredTaskId
                    + "; list them with deadLetters()");
        }
        // a new task: its old idempotency key would only lead back to the dead-lettered one
        TaskHandle handle = submit(letter.task().toBuilder().idempotencyKey(null).build());
        post(() -> {
            if (state.deadLetters.remove(deadLetteredTaskId) != null) {
                durability.record(new JournalRecord.DeadLetterCleared(deadLetteredTaskId, wallMillis(clock.nanoTime())));
            }
        });
        return handle;
    }

    @Override
    public CompletableFuture<ShutdownReport> shutdown(Duration drain) {
        if (drain == null || drain.isNegative()) {
            throw new IllegalArgumentException("shutdown drain must be >= 0 (got " + drain + ")");
        }
        accepting = false;
        CompletableFuture<ShutdownReport> done = new CompletableFuture<>();
        CompletableFuture<ShutdownReport> terminated = new CompletableFuture<>();
        // The loop completes 'terminated' (on the loop: the last records are handed to the journal
        // there); once they are durable, a shutdown step (never the loop, never the callback
        // executor, which a stuck listener may hold) closes the journal and waits, at most
        // LISTENER_PATIENCE, for every listener to receive every event; then the caller's future completes.
        terminated.thenAccept(report -> drainRecords().handle((v, e) -> null).thenRun(() -> shutdownStep(() -> {
            durability.close();
            state.events.afterDelivered(() -> {
                if (ownedAgentExecutor != null) {
                    ownedAgentExecutor.shutdown();
                }
                if (ownedLoopExecutor != null) {
                    ownedLoopExecutor.shutdown();
                }
                done.complete(report);
            }, LISTENER_PATIENCE, clock, this::shutdownStep);
        })));
        post(() -> lifecycle.beginShutdown(drain, terminated));
        return done.copy();
    }


    /**
     * {@inheritDoc} Called from inside one of this pool's listeners, it begins the shutdown and
     * throws instead of waiting: the shutdown waits for that very listener to receive the events
     * after the one it is handling, so the wait could only end at {@link #LISTENER_PATIENCE}.
     *
     * @throws IllegalStateException if called from inside a {@link PoolListener} of this pool
     */
    @Override
    public void close() {
        if (state.events.onListenerThread()) {
            shutdown(Duration.ofSeconds(30));
            throw new IllegalStateException("close() was called from inside a PoolListener of this pool, where it"
                    + " would wait for that listener itself; the shutdown has begun (30 s drain) without waiting for it."
                    + " Inside onEvent call shutdown(drain) and do not wait for its future, or close the pool from"
                    + " another thread");
        }
        AgentPool.super.close();
    }

    /**
     * Runs a step of shutdown off the loop: on a thread of its own, so that neither the loop nor
     * a callback executor held by a stuck listener can delay it; in deterministic mode on the
     * driving thread after the batch, so a run replays exactly.
     */
    private void shutdownStep(Runnable step) {
        if (deterministic) {
            loop.defer(step);
        } else {
            Thread.ofVirtual().name("trinity-shutdown").start(step);
        }
    }

    /** Events dropped because a listener fell too far behind (see {@link PoolConfig#listenerBuffer()}). */
    public long droppedEvents() {
        return state.events.dropped();
    }

    /** Loop only: {@code n} attempts run at once; the pool's own agent threads keep up with it. */
    void attemptsRunning(int n) {
        if (ownedAgentExecutor != null) {
            ownedAgentExecutor.expect(n);
        }
    }

    /**
     * Runs housekeeping of agent resources (close, cancel actions, snapshots) off the loop: on
     * the agent executor, or on a fresh virtual thread once that executor has been shut down.
     */
    void offLoop(Runnable work) {
        try {
            agentExecutor.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            Thread.ofVirtual().name("trinity-cleanup").start(work);
        }
    }

    @Override
    public boolean isShutdown() {
        return !accepting;
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    /** True when the pool runs its own loop thread and agent threads (no executor was given for either). */
    boolean ownsThreads() {
        return ownedThreads;
    }

    @Override
    public int journalBacklog() {
        return onLoop(durability::heldRecords);
    }

    /** Commands that threw inside the loop: 0 unless there is a bug. */
    public int loopFailures() {
        return loop.failures();
    }

    // ---- loop plumbing ----------------------------------------------------------------------

    void post(Runnable command) {
        loop.post(command);
    }

    /** Runs a read on the loop and waits for it (inline when already on the loop). */
    private <T> T onLoop(java.util.function.Supplier<T> read) {
        if (loop.inLoop()) {
            return read.get();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        post(() -> f.complete(read.get()));
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading pool state", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("pool control loop did not answer within 30 s", e);
        }
    }

    private void afterBatch() {
        dispatcher.dispatchIfNeeded();
        keeper.flush();
        durability.flushNow(); // the batch's records, with the pool state it changed
    }

    /** At termination: the last records; completes once everything held is stored (or given up). */
    private CompletableFuture<Void> drainRecords() {
        keeper.flush();
        return durability.drain();
    }

    /**
     * Completes a task's future once its end is durable. Stages a caller attached run on the
     * callback executor ({@link TaskRecord#result()} relays there), never on the loop, so a slow
     * callback cannot delay any other task.
     */
    void complete(TaskRecord r, TaskState state, Payload value, Throwable cause) {
        if (durability.enabled()) {
            durability.record(new JournalRecord.Finished(r.id, state.name(), r.attempts,
                    value == null ? null : value.data(), r.failureReasons(), wallMillis(clock.nanoTime()),
                    value == null || value.attachments().isEmpty() ? null
                            : io.trinity.pool.Attachment.toPlainData(value.attachments())));
        }
        if (state == TaskState.SUCCEEDED) {
            r.ending(value, null);
        } else {
            r.ending(null, new TaskFailedException(r.id, state, r.failureReasons(), cause));
        }
        durability.afterDurable(r); // then deliverEnd: no closure per task
    }

    /** Once a task's end is durable: drops it from the lookups, then completes its future. */
    void deliverEnd(TaskRecord r) {
        forget(r);
        r.completeFuture();
    }

    /** At shutdown, when the journal never stored a task's end: fails its future with {@code why}. */
    void abandonEnd(TaskRecord r, PoolException why) {
        forget(r);
        r.abandonFuture(why);
    }

    @Override
    public String toString() {
        return "AgentPool[" + config + "]";
    }

    static List<String> sorted(java.util.Collection<String> c) {
        List<String> l = new ArrayList<>(c);
        l.sort(null);
        return l;
    }
}
