package io.trinity.pool.internal;

import io.trinity.pool.DeadLetter;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.RateLimitedException;
import io.trinity.pool.balance.Hold;
import io.trinity.pool.balance.LoadBalancer;
import io.trinity.pool.balance.Outcome;
import io.trinity.pool.balance.TaskRequest;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.TaskOutcome;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.queue.TaskQueue;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Moves tasks from the queue to agents and settles every attempt exactly once.
 *
 * <p>An attempt has two ends that may come in either order: its <em>outcome</em> (decided once,
 * by the agent's return, a timeout, a cancellation, a preemption or the health monitor) and its
 * <em>return</em> (the agent's code gives the thread back, freeing the agent's slot). A late
 * return after the outcome was decided only frees the slot; its result is discarded. That is
 * what makes "every task ends exactly once" hold whatever an agent does.
 *
 * <p>Which queued task starts is the queue's fair order filtered by the {@link Governor}'s
 * gate (tenant running limits, resource pacing, budgets): the first task of a lane that may
 * start, not only the head. A provider refusal ({@link RateLimitedException}) requeues the
 * task in its place without spending the attempt, like a preemption.
 */
final class Dispatcher {

    /** Fair-queue cost of a start before the type's run time is known: one second. */
    private static final double DEFAULT_FAIR_COST_NANOS = 1e9;

    private final Engine engine;
    private final PoolState s;
    private final PoolConfig config;
    private boolean needed;

    Dispatcher(Engine engine) {
        this.engine = engine;
        this.s = engine.state;
        this.config = engine.config;
    }

    void markNeeded() {
        needed = true;
    }

    // ---- admission --------------------------------------------------------------------------

    void accept(TaskRecord r) {
        accept(r, engine.clock.nanoTime());
    }

    /** Admits a task that has been waiting since {@code enqueuedNanos} (now, or before a restart). */
    void accept(TaskRecord r, long enqueuedNanos) {
        long now = engine.clock.nanoTime();
        if (s.terminated) {
            engine.releasePermit(r);
            String reason = "pool shut down before the task could start";
            r.addReason(reason);
            s.live.add(r);
            s.events.emit(() -> new PoolEvent.TaskSubmitted(now, r.id, r.task.type(), r.task.priority(),
                    r.task.affinityKey().orElse(null), r.task.tenant()));
            s.events.emit(() -> new PoolEvent.TaskEnded(now, r.id, null, TaskOutcome.CANCELLED, 0, reason));
            finish(r, TaskState.CANCELLED, null, null);
            return;
        }
        r.sequence = ++s.sequence;
        r.enqueuedNanos = enqueuedNanos;
        s.live.add(r);
        TypeState ts = s.type(r.lane);
        ts.arrivalsThisTick++;
        ts.arrivals++;
        s.events.emit(() -> new PoolEvent.TaskSubmitted(now, r.id, r.task.type(), r.task.priority(),
                r.task.affinityKey().orElse(null), r.task.tenant()));
        if (ts.restart.isOpen() && config.circuitMode() == PoolConfig.CircuitMode.FAIL_FAST) {
            refuse(r, circuitReason(ts));
            return;
        }
        String overBudget = engine.governor.ownBudgetRefusal(r);
        if (overBudget != null) {
            refuse(r, overBudget);
            return;
        }
        s.queue.requeue(r);
        needed = true;
        engine.lifecycle.maybePreemptFor(r);
    }

    /** A queued (or just accepted) task that must not start ends FAILED before it ever ran. */
    private void refuse(TaskRecord r, String reason) {
        long now = engine.clock.nanoTime();
        s.queue.remove(r);
        engine.releasePermit(r);
        r.addReason(reason);
        s.events.emit(() -> new PoolEvent.TaskEnded(now, r.id, null, TaskOutcome.FAILED, 0, reason));
        finish(r, TaskState.FAILED, null, null);
    }

    static String circuitReason(TypeState ts) {
        return "circuit open for agent type '" + ts.name + "': " + ts.restart.failuresInWindow()
                + " agent failures within the restart window; last: " + ts.lastFailure
                + "; tasks fail fast until a probe spawn succeeds (or set circuitMode=WAIT)";
    }

    private String circuitWaitReason(TypeState ts, long waitedNanos) {
        return "circuit open for agent type '" + ts.name + "': no healthy agent within circuitMaxWait="
                + config.circuitMaxWait().toMillis() + " ms (waited " + waitedNanos / 1_000_000 + " ms); "
                + ts.restart.failuresInWindow() + " agent failures within the restart window; last: " + ts.lastFailure
                + "; fix the agent type's cause, or raise circuitMaxWait";
    }

    /**
     * WAIT mode, on the health tick: while a type's circuit is open, its last spawn failed in init
     * (it cannot start at all: a bad key, a missing class) and no agent of it is up, its queued
     * tasks fail once they have waited circuitMaxWait since the later of their enqueue and the
     * circuit's opening. A type whose agents start but crash in runs, or that still has agents
     * serving, keeps its queue however long the backlog: retries there save the work.
     */
    void expireCircuitWaits(long now) {
        if (config.circuitMode() != PoolConfig.CircuitMode.WAIT) {
            return;
        }
        long max = io.trinity.pool.Durations.saturatedNanos(config.circuitMaxWait());
        for (TypeState ts : s.byType.values()) {
            if (!ts.restart.isOpen() || !ts.startFailing || s.queue.size(ts.name) == 0
                    || ts.slots.size() > ts.spawning) {
                continue;
            }
            for (TaskRecord r : s.queue.inOrder(ts.name)) {
                long waited = now - Math.max(r.enqueuedNanos, ts.circuitOpenedNanos);
                if (waited >= max) {
                    refuse(r, circuitWaitReason(ts, waited));
                }
            }
        }
    }

    // ---- dispatch ---------------------------------------------------------------------------

    void dispatchIfNeeded() {
        if (!needed) {
            return;
        }
        needed = false;
        Governor.Pass pass = engine.governor.pass();
        holds.start(pass);
        boolean waitingForAgents = false;
        for (TypeState ts : s.byType.values()) {
            dispatchLane(ts, holds);
            // tasks that may start and wait only for an agent: the next end will dispatch one
            waitingForAgents |= ts.free.isEmpty() && s.queue.size(ts.name) > ts.held;
        }
        if (backlog != waitingForAgents) {
            backlog = waitingForAgents; // only on a change: a volatile write is a store fence
        }
        pass.done();
        holds.done();
        engine.lifecycle.planSpawns();
        engine.lifecycle.checkShutdownProgress();
    }

    private void dispatchLane(TypeState ts, HoldGate pass) {
        ts.held = 0;
        while (!ts.free.isEmpty() && s.queue.size(ts.name) > 0) {
            if (ts.restart.isOpen() && config.circuitMode() == PoolConfig.CircuitMode.FAIL_FAST) {
                failLane(ts);
                return;
            }
            pass.startScan();
            TaskRecord r = s.queue.next(ts.name, pass);
            Governor.Pass gov = pass.governor;
            if (!gov.refused.isEmpty()) {
                for (TaskRecord over : gov.refused) {
                    refuse(over, gov.refusals.get(over));
                }
                gov.refused.clear();
            }
            if (r == null) {
                // agents are free yet nothing may start: every waiting task is held by a limit,
                // and more agents would not help (the spawner and scaler discount these)
                ts.held = s.queue.size(ts.name);
                // Park only when a provider window or pause alone holds every waiting task: a task
                // held for its agent, its tenant, its budget or a concurrency slot may start sooner.
                long lift = ts.type.resources().isEmpty() || pass.otherRefusals > 0 || pass.timedRefusals == 0 ? -1
                        : gov.liftOf(ts.type.resources());
                if (lift > pass.now) {
                    engine.lifecycle.parkForWindow(ts, pass.now, lift);
                } else {
                    ts.heldUntil = Long.MIN_VALUE;
                }
                return;
            }
            String balancerName = r.task.balancer().orElse(config.balancer());
            LoadBalancer balancer = s.balancers.get(balancerName);
            if (balancer != lastPlacer) {
                learnFrom(balancer);
            }
            TaskRequest request = new TaskRequest(r.id, r.task, r.attempts + 1, r.lastAgent, ts.inFlight,
                    ts.slots.size() - ts.spawning, heldNanos(r, pass.now));
            AgentSlot slot = s.nodesSeen ? routing.select(request, ts.free, balancer, balancerName)
                    : (AgentSlot) balancer.select(request, ts.free);
            if (slot == null) {
                if (pass.hold(r, ts, balancer.hold(request), balancerName)) {
                    continue; // skipped for now: the tasks behind it may still start
                }
                return;
            }
            r.holdAgent = null;
            // the tenant pays the expected run time now, corrected by the actual time at the end
            double cost = ts.serviceEwmaNanos > 0 ? ts.serviceEwmaNanos : DEFAULT_FAIR_COST_NANOS;
            s.queue.take(r, cost);
            r.fairCharge = cost;
            ts.heldUntil = Long.MIN_VALUE; // a task started: no window holds the lane now
            start(r, slot, balancerName);
        }
    }

    /**
     * The balancers that learn from outcomes: the pool's default and each one a task has named
     * since. A balancer no task uses would learn for nothing (every end feeding every built-in
     * balancer cost a profile lookup per end, most of it cache misses among thousands of agents),
     * so each starts learning when a task first names it and from then on sees every outcome,
     * whichever balancer placed the task.
     */
    private LoadBalancer[] learners = new LoadBalancer[0];
    /** The balancer of the last placement, known to be among the learners. */
    private LoadBalancer lastPlacer;

    private void learnFrom(LoadBalancer b) {
        lastPlacer = b;
        for (LoadBalancer l : learners) {
            if (l == b) {
                return;
            }
        }
        learners = java.util.Arrays.copyOf(learners, learners.length + 1);
        learners[learners.length - 1] = b;
    }

    private final HoldGate holds = new HoldGate();
    private final NodeRouting routing = new NodeRouting();
    private PoolClock.Timer holdWake;
    private long holdWakeAt = Long.MAX_VALUE;

    /**
     * One dispatch pass's gate: the governor's, plus delay scheduling. A task a balancer holds for
     * a busy agent ({@link LoadBalancer#hold}) is skipped, so it never blocks the tasks behind it,
     * until that agent has room, leaves the pool, or the hold ends; one coalesced clock timer
     * re-runs dispatch at the earliest end, so no hold outlasts its wait. A pass asks about a
     * held task at most once. Reused every pass: it allocates nothing.
     */
    private final class HoldGate implements TaskQueue.Gate<TaskRecord> {
        Governor.Pass governor;
        long now;
        private long number;
        private long earliest = Long.MAX_VALUE;

        void start(Governor.Pass pass) {
            governor = pass;
            now = pass.now;
            number++;
            earliest = Long.MAX_VALUE;
        }

        /** This scan's refusals: by a provider window or pause alone, and for any other reason. */
        int timedRefusals;
        int otherRefusals;

        void startScan() {
            timedRefusals = 0;
            otherRefusals = 0;
        }

        @Override
        public boolean tenantOpen(String tenant) {
            boolean open = governor.tenantOpen(tenant);
            if (!open) {
                otherRefusals++;
            }
            return open;
        }

        @Override
        public boolean admit(TaskRecord r) {
            if (r.holdAgent != null) {
                if (r.holdPass == number) {
                    return false;
                }
                AgentSlot home = r.holdAgent;
                boolean gone = home.state.isTerminal() || s.agents.get(home.id) != home;
                if (now < r.holdUntilNanos && !gone && home.freeIndex < 0) {
                    earliest = Math.min(earliest, r.holdUntilNanos);
                    otherRefusals++;
                    return false;
                }
            }
            boolean ok = governor.admit(r);
            if (!ok) {
                if (governor.lastRefusalTimed) {
                    timedRefusals++;
                } else {
                    otherRefusals++;
                }
            }
            return ok;
        }

        /**
         * Applies a balancer's hold to a task it left queued; false when there is none to apply (no
         * hold, its agent unknown, or the task's wait already over), and the lane stops as before.
         */
        boolean hold(TaskRecord r, TypeState ts, Hold h, String balancerName) {
            if (h == null) {
                return false;
            }
            AgentSlot home = s.agents.get(h.agentId());
            if (home == null || !home.type().equals(ts.name) || home.state.isTerminal()) {
                return false;
            }
            long until = now + io.trinity.pool.Durations.saturatedNanos(h.maxWait());
            if (until < now) {
                until = Long.MAX_VALUE; // overflow: the wait is effectively unbounded
            }
            boolean fresh = r.holdAgent == null;
            if (fresh) {
                r.holdSinceNanos = now;
                r.holdUntilNanos = until;
            } else if (now >= r.holdUntilNanos) {
                return false; // a hold never lengthens: the balancer must place it now
            } else {
                r.holdUntilNanos = Math.min(r.holdUntilNanos, until);
            }
            if (fresh || r.holdAgent != home) {
                long waitMs = (r.holdUntilNanos - now) / 1_000_000;
                long at = now;
                s.events.emit(() -> new PoolEvent.TaskHeld(at, r.id, home.id, balancerName, waitMs));
            }
            r.holdAgent = home;
            r.holdPass = number;
            earliest = Math.min(earliest, r.holdUntilNanos);
            return true;
        }

        /** Wakes dispatch when the earliest hold seen in this pass runs out. */
        void done() {
            if (earliest != Long.MAX_VALUE) {
                wakeHoldsAt(earliest);
            }
        }
    }

    private void wakeHoldsAt(long nanos) {
        long now = engine.clock.nanoTime();
        if (holdWake != null && holdWakeAt <= nanos && holdWakeAt > now) {
            return;
        }
        if (holdWake != null) {
            holdWake.cancel();
        }
        holdWakeAt = nanos;
        holdWake = engine.clock.schedule(Duration.ofNanos(Math.max(0, nanos - now)), () -> engine.post(() -> {
            holdWake = null;
            holdWakeAt = Long.MAX_VALUE;
            needed = true;
        }));
    }

    /** What a balancer is told of a task's hold: its length so far, or MAX_VALUE once it is over. */
    private static long heldNanos(TaskRecord r, long now) {
        if (r.holdAgent == null) {
            return 0;
        }
        return now >= r.holdUntilNanos ? Long.MAX_VALUE : now - r.holdSinceNanos;
    }

    /** The circuit of a type opened: in fail-fast mode its queued tasks end now. */
    void failLane(TypeState ts) {
        TaskRecord r;
        while ((r = s.queue.peek(ts.name)) != null) {
            refuse(r, circuitReason(ts));
        }
    }

    private void start(TaskRecord r, AgentSlot slot, String balancerName) {
        long now = engine.clock.nanoTime();
        engine.releasePermit(r);
        r.countAttempt();
        Attempt a = new Attempt(engine, engine.clock, r, slot, r.attempts, now, balancerName);
        r.current = a;
        r.publishState(TaskState.RUNNING);
        s.running++;
        engine.attemptsRunning(s.running);
        TypeState ts = s.type(slot.type());
        ts.inFlight++;
        slot.running.add(a);
        String node = slot.node;
        boolean remote = false;
        if (node != null) {
            String origin = r.task.origin().orElse(null);
            if (origin != null) {
                remote = !origin.equals(node);
                if (remote) {
                    s.remoteDispatches++;
                } else {
                    s.localDispatches++;
                }
            }
        }
        boolean isRemote = remote;
        // first, so no event stamped later (the agent turning BUSY) makes the log restamp it: the
        // dispatch's time in the log is the time its provider grants are counted from
        s.events.emit(() -> new PoolEvent.TaskDispatched(now, r.id, slot.id, balancerName, a.number, node, isRemote));
        engine.governor.started(a);
        slot.lastActiveNanos = now;
        if (r.task.affinityKey().isPresent()) {
            slot.lastKeyedNanos = now;
        }
        if (slot.state != AgentState.BUSY) {
            engine.lifecycle.transition(slot, AgentState.BUSY, null);
        }
        engine.lifecycle.updateFree(slot);
        if (engine.durability.enabled()) {
            engine.durability.record(new JournalRecord.Started(r.id, a.number, slot.id, engine.wallMillis(now)));
        }
        Duration limit = r.task.timeout().orElse(null);
        if (limit != null && io.trinity.pool.Durations.saturatedNanos(limit) != Long.MAX_VALUE) { // ~292 years or more: none
            a.timeoutTimer = engine.clock.schedule(limit, () -> engine.post(() -> timedOut(a, limit)));
        }
        run(a);
    }

    /**
     * Hand-off to the agent thread that frees a slot. On the pool's own threads (its loop and
     * agent threads), an agent thread reporting its attempt's end often runs the loop's pass
     * itself ({@link SerialLoop}, caller runs); an attempt that pass dispatches (the loop chose
     * it, by every rule, as always) is given to that thread, which runs it as soon as its report
     * returns, instead of waking another thread while this one parks. Only during that report:
     * never while agent code runs, so a task waiting on a subtask cannot hold the subtask back.
     *
     * <p>When another thread holds the loop as an agent thread reports (two agents ending at
     * once), the reporter waits a moment ({@link #WAIT_NANOS}, spinning) as the pool's one
     * {@link Waiter} when queued tasks wait only for an agent ({@link #backlog}) and its own
     * attempt was brief ({@link #BRIEF_NANOS}): the holder's
     * pass gives the next attempt it dispatches to that waiter instead of waking a parked thread.
     * Whoever moves the waiter's slot out of {@link #WAITING} decides: the holder (the attempt is
     * the waiter's, which runs it) or the waiter giving up (the holder then wakes a thread as
     * before). So no attempt is dropped or run twice, whatever the interleaving.
     */
    private static final class Handoff {
        boolean open;
        Runnable next;
        final Waiter waiter = new Waiter();
    }

    /** An agent thread's slot for an attempt while it waits after its report. */
    private static final class Waiter {
        final AtomicReference<Runnable> slot = new AtomicReference<>(CLOSED);
    }

    private static final Runnable WAITING = () -> { };
    private static final Runnable CLOSED = () -> { };
    /** How long a reporter waits for an attempt while another thread holds the loop. */
    static final long WAIT_NANOS = 20_000;
    /**
     * Only a reporter whose attempt ran shorter than this waits: about what waking a parked agent
     * thread costs (8 µs at p50, {@link AgentThreads}). Then the loop's passes, not the agents'
     * work, set the pace, and a thread that spins saves a wake. With longer attempts other agents
     * have work to run, and a spinning thread takes their core: JMH, least-loaded, 3 forks x 5
     * iterations, two rounds: waiting after every attempt gave no-op tasks +6-8% and 10 µs tasks
     * -7% against never waiting.
     */
    static final long BRIEF_NANOS = 8_000;

    private static final ThreadLocal<Handoff> HANDOFF = ThreadLocal.withInitial(Handoff::new);

    /** The agent thread waiting for an attempt, if any (at most one per pool). */
    private final AtomicReference<Waiter> waiting = new AtomicReference<>();

    /**
     * Set by each dispatch pass: some task may start and waits only for an agent to free up, so
     * an end reported now will likely dispatch it. A hint for reporters (read off the loop): tasks
     * the pass found held by limits, pacing or a budget do not count, so a reporter does not spin
     * for a backlog that cannot start (a lane with no free agent is not scanned for holds).
     */
    private volatile boolean backlog;

    /** Whether the engine owns both its loop and its agent threads (the only case with hand-offs). */
    private boolean handoffs() {
        return engine.ownsThreads();
    }

    private void execute(Runnable work) {
        if (handoffs()) {
            Handoff h = HANDOFF.get();
            if (h.open && h.next == null) {
                h.next = work;
                return;
            }
            Waiter w = waiting.get();
            if (w != null && waiting.compareAndSet(w, null) && w.slot.compareAndSet(WAITING, work)) {
                return; // the waiting agent thread runs it
            }
            // an attempt is its own runnable and starts the chain itself (no closure per attempt)
            engine.agentExecutor.execute(work instanceof Attempt ? work : () -> chain(work));
            return;
        }
        engine.agentExecutor.execute(work);
    }

    /** Agent thread: an attempt the executor started ({@link Attempt#run}). */
    void onAgentThread(Attempt a) {
        if (handoffs()) {
            chain(a);
        } else {
            work(a);
        }
    }

    /** Runs {@code first}, then every attempt handed to this thread while it reported an end. */
    private static void chain(Runnable first) {
        Handoff h = HANDOFF.get();
        Runnable w = first;
        while (w != null) {
            // an interrupt the last attempt's code left on this thread is not the next one's (the
            // executor clears it before the first; a fresh thread per attempt never had one)
            Thread.interrupted();
            try {
                if (w instanceof Attempt a) {
                    a.dispatcher().work(a);
                } else {
                    w.run();
                }
            } catch (Throwable e) {
                Engine.LOG.error("agent thread: running an attempt threw (a bug); the thread goes on", e);
            }
            w = h.next;
            h.next = null;
        }
    }

    /**
     * Reports an attempt's end to the loop, open to a hand-off when on the pool's own threads;
     * {@code brief}: the attempt ran shorter than {@link #BRIEF_NANOS}, so this thread may wait.
     */
    private void report(Attempt returned, boolean brief) {
        if (!handoffs()) {
            engine.loop.postCommand(returned);
            return;
        }
        Handoff h = HANDOFF.get();
        h.open = true;
        boolean ranLoop;
        try {
            ranLoop = engine.loop.postAndRun(returned);
        } finally {
            h.open = false;
        }
        if (!ranLoop && h.next == null && brief && backlog) {
            awaitHandoff(h);
        }
    }

    /** Waits up to {@link #WAIT_NANOS} as the pool's waiter; an attempt given meanwhile becomes {@code h.next}. */
    private void awaitHandoff(Handoff h) {
        Waiter w = h.waiter;
        w.slot.set(WAITING);
        if (waiting.compareAndSet(null, w)) {
            long since = System.nanoTime();
            while (w.slot.get() == WAITING && System.nanoTime() - since < WAIT_NANOS) {
                Thread.onSpinWait();
            }
            waiting.compareAndSet(w, null);
        }
        if (w.slot.compareAndSet(WAITING, CLOSED)) {
            return; // nothing came (or another thread was already waiting)
        }
        h.next = w.slot.getAndSet(CLOSED); // a holder gave it an attempt: it is this thread's to run
    }

    private void run(Attempt a) {
        if (a.slot.agent instanceof AsyncAgent async) {
            execute(() -> {
                try {
                    a.claimRun();
                    async.executeAsync(a).whenComplete(a::returned);
                } catch (Throwable e) {
                    a.returned(null, e);
                }
            });
            return;
        }
        execute(a); // the attempt is the agent thread's runnable: work(a) there
    }

    /** Agent thread: runs an attempt's code, then reports its end to the loop. */
    private void work(Attempt a) {
        a.claimRun();
        var agent = a.slot.agent;
        a.runsOn(Thread.currentThread());
        long began = System.nanoTime();
        Payload value = null;
        Throwable error = null;
        try {
            if (!a.cancelled) {
                value = agent.execute(a);
            } else {
                error = new CancellationException("cancelled before it started");
            }
        } catch (Throwable e) {
            error = e;
        } finally {
            a.returnedFromThread(); // an interrupt meant for this task must not leak into the next
        }
        if (a.claimPost()) {
            a.keepReturn(value, error);
            report(a, System.nanoTime() - began < BRIEF_NANOS);
        }
    }

    // ---- attempt ends -----------------------------------------------------------------------

    /** The agent's code returned (or its future completed). */
    void returned(Attempt a, Payload value, Throwable error) {
        long now = engine.clock.nanoTime();
        AgentSlot slot = a.slot;
        slot.running.remove(a);
        slot.lastActiveNanos = now; // idle time counts from the end of the last work, not its start
        boolean decided = a.outcome != null;
        if (!decided) {
            Throwable cause = unwrap(error);
            if (cause == null) {
                settle(a, TaskOutcome.SUCCEEDED, null);
                finish(a.record, TaskState.SUCCEEDED, value == null ? Payload.EMPTY : value, null);
            } else if (cause instanceof AgentBrokenException) {
                String reason = "agent " + slot.id + " broke: " + cause.getMessage();
                settle(a, TaskOutcome.FAILED, reason);
                engine.lifecycle.fail(slot, reason);
                retryOrDeadLetter(a.record, reason, TaskOutcome.FAILED, cause);
            } else if (cause instanceof RateLimitedException rl
                    && engine.governor.refusedResource(a.record, rl) != null) {
                String resource = engine.governor.refusedResource(a.record, rl);
                if (a.record.rateLimitedRequeues >= config.maxRateLimitRequeues()) {
                    // a provider that always refuses this task must not make it loop for ever
                    String reason = "refused by provider '" + resource + "' " + (a.record.rateLimitedRequeues + 1)
                            + " times (maxRateLimitRequeues=" + config.maxRateLimitRequeues() + "); last answer: "
                            + describe(cause);
                    settle(a, TaskOutcome.FAILED, reason);
                    engine.governor.rateLimited(a.record, resource, rl);
                    a.record.addReason(reason);
                    finish(a.record, TaskState.FAILED, null, cause);
                } else {
                    a.record.rateLimitedRequeues++;
                    settle(a, TaskOutcome.RATE_LIMITED, describe(cause));
                    engine.governor.rateLimited(a.record, resource, rl);
                    requeueUnspent(a);
                }
            } else if (cause instanceof NonRetryableException) {
                settle(a, TaskOutcome.FAILED, cause.getMessage());
                a.record.addReason(describe(cause));
                finish(a.record, TaskState.FAILED, null, cause);
            } else {
                String reason = describe(cause);
                settle(a, TaskOutcome.FAILED, reason);
                retryOrDeadLetter(a.record, reason, TaskOutcome.FAILED, cause);
            }
        }
        if (slot.state == AgentState.BUSY && slot.running.isEmpty()) {
            engine.lifecycle.transition(slot, AgentState.READY, null);
        }
        engine.lifecycle.updateFree(slot);
        engine.lifecycle.afterAgentFreed(slot);
        needed = true;
    }

    /**
     * Decides an attempt's outcome (once), emits task.end, and teaches the balancer and the
     * quality trend. The agent's slot stays taken until the work returns.
     */
    void settle(Attempt a, TaskOutcome outcome, String reason) {
        if (a.outcome != null) {
            throw new IllegalStateException("attempt " + a.number + " of task " + a.record.id + " settled twice");
        }
        long now = engine.clock.nanoTime();
        a.outcome = outcome;
        a.settledNanos = now;
        if (a.timeoutTimer != null) {
            a.timeoutTimer.cancel();
        }
        long took = now - a.startNanos;
        engine.governor.settled(a);
        s.queue.charge(a.record.lane, a.record.tenant(), took - a.record.fairCharge);
        a.record.fairCharge = 0;
        s.running--;
        s.type(a.slot.type()).inFlight--;
        a.record.current = null;
        a.record.lastAgent = a.slot.id;
        s.events.emit(() -> new PoolEvent.TaskEnded(now, a.record.id, a.slot.id, outcome, took / 1_000_000, reason));
        if (outcome == TaskOutcome.SUCCEEDED || outcome == TaskOutcome.FAILED || outcome == TaskOutcome.TIMED_OUT) {
            boolean ok = outcome == TaskOutcome.SUCCEEDED;
            a.slot.completed++;
            a.slot.recordLatency(took);
            a.slot.quality.record(ok, a.quality);
            TypeState ts = s.type(a.slot.type());
            ts.serviceEwmaNanos = ts.serviceEwmaNanos == 0 ? took : ts.serviceEwmaNanos * 0.9 + took * 0.1;
            if (!a.slot.state.isTerminal()) {
                // Every balancer in use learns from every outcome, so a skill profile is complete
                // even when another balancer placed the task.
                LoadBalancer[] ls = learners;
                if (ls.length > 0) {
                    TaskRequest req = new TaskRequest(a.record.id, a.record.task, a.number, null);
                    Outcome o = new Outcome(ok, took, a.quality);
                    for (LoadBalancer b : ls) {
                        b.taskEnded(a.slot, req, o);
                    }
                }
            }
        }
    }

    void timedOut(Attempt a, Duration limit) {
        if (a.outcome != null) {
            return;
        }
        String reason = "timed out after " + limit.toMillis() + " ms on agent " + a.slot.id;
        settle(a, TaskOutcome.TIMED_OUT, reason);
        engine.offLoop(a::cancelWork);
        retryOrDeadLetter(a.record, reason, TaskOutcome.TIMED_OUT, null);
        needed = true;
    }

    /** Cancels a task wherever it is. Loop only. */
    void cancel(TaskRecord r, String reason) {
        if (r.state.isFinal() || !s.live.contains(r)) {
            return;
        }
        long now = engine.clock.nanoTime();
        Attempt a = r.current;
        if (a != null && a.outcome == null) {
            settle(a, TaskOutcome.CANCELLED, reason);
            engine.offLoop(a::cancelWork);
        } else {
            if (s.queue.remove(r)) {
                engine.releasePermit(r);
            }
            if (r.retryTimer != null) {
                // counted while the timer is set, whether or not it already fired: a fired timer's
                // requeue finds retryTimer null and does nothing
                r.retryTimer.cancel();
                r.retryTimer = null;
                s.waitingRetry--;
            }
            s.events.emit(() -> new PoolEvent.TaskEnded(now, r.id, null, TaskOutcome.CANCELLED, 0, reason));
        }
        r.addReason(reason);
        finish(r, TaskState.CANCELLED, null, null);
        needed = true;
    }

    /** A running attempt gives way to higher-priority work: requeued without spending an attempt. */
    void preempt(Attempt a, String reason) {
        settle(a, TaskOutcome.PREEMPTED, reason);
        engine.offLoop(a::cancelWork);
        requeueUnspent(a);
    }

    /** Back to the queue in its place, the attempt not counted (preempted, or refused by a provider). */
    private void requeueUnspent(Attempt a) {
        TaskRecord r = a.record;
        r.attempts--;
        r.state = TaskState.QUEUED;
        engine.durability.record(new JournalRecord.Requeued(r.id, a.number, false, a.outcome.name(),
                engine.wallMillis(engine.clock.nanoTime())));
        r.enqueuedNanos = a.startNanos; // keeps its place: it was already waiting for this long
        s.queue.requeue(r);
        needed = true;
    }

    /** A failed attempt: back to the queue after a backoff, or dead-lettered after the last one. */
    void retryOrDeadLetter(TaskRecord r, String reason, TaskOutcome outcome, Throwable cause) {
        long now = engine.clock.nanoTime();
        r.addReason(reason);
        int max = r.maxAttempts(config.maxAttempts());
        if (r.attempts < max && !s.terminated) {
            long backoff = backoffNanos(r.attempts);
            r.state = TaskState.QUEUED;
            s.waitingRetry++;
            engine.durability.record(new JournalRecord.Requeued(r.id, r.attempts, true, reason, engine.wallMillis(now)));
            s.events.emit(() -> new PoolEvent.TaskRetried(now, r.id, r.attempts, reason, backoff / 1_000_000));
            r.retryTimer = engine.clock.schedule(Duration.ofNanos(backoff), () -> engine.post(() -> requeueAfterBackoff(r)));
            return;
        }
        if (outcome == TaskOutcome.TIMED_OUT) {
            finish(r, TaskState.TIMED_OUT, null, cause);
            return;
        }
        s.events.emit(() -> new PoolEvent.TaskDeadLettered(now, r.id, r.attempts, reason));
        Engine.LOG.warn("agent type '{}': task {} dead-lettered after {} attempts; last: {}", r.lane, r.id, r.attempts,
                reason);
        s.deadLetters.add(new DeadLetter(r.id, r.task, r.attempts, r.failureReasons(), now), now);
        finish(r, TaskState.DEAD_LETTERED, null, cause);
    }

    private void requeueAfterBackoff(TaskRecord r) {
        if (r.retryTimer == null || r.state.isFinal()) {
            return;
        }
        r.retryTimer = null;
        s.waitingRetry--;
        r.enqueuedNanos = engine.clock.nanoTime();
        s.queue.requeue(r);
        needed = true;
    }

    /** Exponential backoff with equal jitter: half fixed, half random, so retries spread out. */
    long backoffNanos(int attemptsSoFar) {
        long base = config.retryBackoff().toNanos();
        if (base == 0) {
            return 0;
        }
        long cap = config.retryBackoffMax().toNanos();
        long d = Math.min(cap, base << Math.min(attemptsSoFar - 1, 30));
        long half = d / 2;
        return half + (half > 0 ? s.random.nextLong(half + 1) : 0);
    }

    /** The one place a task reaches its final state. */
    void finish(TaskRecord r, TaskState state, Payload value, Throwable cause) {
        if (r.state.isFinal()) {
            throw new IllegalStateException("task " + r.id + " would end twice: " + r.state + " then " + state);
        }
        r.publishState(state);
        s.live.remove(r);
        s.countFinal(state);
        engine.complete(r, state, value, cause);
    }

    /** The exception behind future and executor wrappers. */
    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
