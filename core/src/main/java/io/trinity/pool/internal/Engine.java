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
import io.trinity.pool.spawn.SpawnStrategy;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

    final PoolConfig config;
    final PoolClock clock;
    final Executor agentExecutor;
    final SerialLoop loop;
    final PoolState state;
    final Dispatcher dispatcher;
    final Governor governor;
    final Lifecycle lifecycle;
    final Housekeeper housekeeper;
    private final ExecutorService ownedAgentExecutor;
    private final ExecutorService ownedLoopExecutor;
    private final Map<String, AgentType> types;
    private final AtomicLong ids = new AtomicLong();
    /** Queue permits, in total and per tenant: tasks admitted by submit and not yet out of the queue. */
    final Admission admission;
    /** The loop's view of the permits, to choose what a full queue sheds. */
    final Shedder shedder;
    private volatile boolean accepting = true;

    public Engine(PoolConfig config, Map<String, AgentType> types, Map<String, LoadBalancer.Factory> balancerFactories,
                  List<PoolListener> listeners, List<SpawnStrategy> strategies, PoolClock clock,
                  Executor agentExecutor, Executor loopExecutor) {
        this.config = config;
        this.types = types;
        this.clock = clock;
        if (agentExecutor == null) {
            ownedAgentExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory());
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
        SplittableRandom random = new SplittableRandom(config.seed());
        Map<String, LoadBalancer> balancers = new LinkedHashMap<>();
        balancerFactories.forEach((name, f) -> balancers.put(name,
                f.create(new BalancerContext(clock, random.split(), config.balancerSettings()))));
        this.state = new PoolState(config, types, balancers, new Events(listeners), clock, random);
        this.admission = new Admission(config.queueCapacity());
        this.shedder = new Shedder(this);
        this.governor = new Governor(this);
        this.dispatcher = new Dispatcher(this);
        this.lifecycle = new Lifecycle(this);
        this.housekeeper = new Housekeeper(this, strategies);
        this.loop = new SerialLoop(loopExecutor, this::afterBatch);
        loop.post(housekeeper::start);
    }

    // ---- public API (any thread) ------------------------------------------------------------

    @Override
    public TaskHandle submit(Task task) {
        java.util.Objects.requireNonNull(task, "task");
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
        Map<String, Long> resources = task.resources().isEmpty() ? types.get(lane).resources() : task.resources();
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
        record.overCapacity = d.verdict() == Admission.Verdict.IN_OVER_CAPACITY;
        record.resources = resources;
        post(() -> {
            dispatcher.accept(record);
            shedder.admitted(record);
        });
        return record;
    }

    private String laneFor(String type) {
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

    /** Releases a queue permit: the task left the queue for the first time. Loop only. */
    void releasePermit(TaskRecord r) {
        if (r.holdsPermit) {
            r.holdsPermit = false;
            admission.release(config.tenant(r.tenant()));
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
        return onLoop(() -> List.copyOf(state.deadLetters.values()));
    }

    @Override
    public TaskHandle resubmit(long deadLetteredTaskId) {
        DeadLetter letter = onLoop(() -> state.deadLetters.get(deadLetteredTaskId));
        if (letter == null) {
            throw new IllegalArgumentException("no dead letter with task id " + deadLetteredTaskId
                    + "; list them with deadLetters()");
        }
        TaskHandle handle = submit(letter.task());
        post(() -> state.deadLetters.remove(deadLetteredTaskId));
        return handle;
    }

    @Override
    public CompletableFuture<ShutdownReport> shutdown(Duration drain) {
        if (drain == null || drain.isNegative()) {
            throw new IllegalArgumentException("shutdown drain must be >= 0 (got " + drain + ")");
        }
        accepting = false;
        CompletableFuture<ShutdownReport> done = new CompletableFuture<>();
        post(() -> lifecycle.beginShutdown(drain, done));
        return done.whenComplete((r, e) -> {
            if (ownedAgentExecutor != null) {
                ownedAgentExecutor.shutdown();
            }
            if (ownedLoopExecutor != null) {
                ownedLoopExecutor.shutdown();
            }
        });
    }

    @Override
    public boolean isShutdown() {
        return !accepting;
    }

    @Override
    public PoolConfig config() {
        return config;
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
    }

    /** Completes a task's future; dependent stages run here unless they chose an executor. */
    static void complete(TaskRecord r, TaskState state, Payload value, Throwable cause) {
        if (state == TaskState.SUCCEEDED) {
            r.future.complete(value);
        } else {
            r.future.completeExceptionally(new TaskFailedException(r.id, state, r.failureReasons(), cause));
        }
    }

    @Override
    public String toString() {
        return "AgentPool[" + config + "]";
    }

    static EnumMap<TaskState, Long> emptyCounts() {
        EnumMap<TaskState, Long> m = new EnumMap<>(TaskState.class);
        for (TaskState s : TaskState.values()) {
            m.put(s, 0L);
        }
        return m;
    }

    static List<String> sorted(java.util.Collection<String> c) {
        List<String> l = new ArrayList<>(c);
        l.sort(null);
        return l;
    }
}
