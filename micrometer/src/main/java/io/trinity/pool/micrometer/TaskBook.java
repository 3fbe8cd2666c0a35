package io.trinity.pool.micrometer;

import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows each live task through its events to feed the task meters: the queue gauge, the wait
 * and run timers, running attempts by tenant, holds by resource, and, once, the final outcome.
 *
 * <p><b>Final outcomes.</b> Most task events say plainly whether the task is over: a
 * {@code task.end} that succeeded or was cancelled, a {@code task.end} without an agent (refused
 * or cancelled before it ran), a {@code task.deadletter}. Two kinds do not: a {@code task.end}
 * that failed on an agent or timed out is final unless the pool retries it, and the pool says so
 * with a {@code task.retry} (or a {@code task.deadletter}) right after, while it settles the
 * attempt, before it starts any new work. Such an end is therefore held as <em>pending</em>
 * until either the same task's retry or dead letter arrives (not final, or dead-lettered) or an
 * event that only new work produces arrives ({@link #startsNewWork}): then the pool settled it
 * without a retry, and the pending outcome is the final one. In practice the agent going back
 * to READY right after its attempt resolves it at once; the {@code pool.stats} tick bounds the
 * wait otherwise.
 *
 * <p><b>Bounds.</b> An entry lives from {@code task.submit} to the task's final state, so the
 * book holds at most the pool's live tasks. As a guard against a final state the pool never
 * announces, the book also keeps at most {@code maxTracked} entries and drops the oldest
 * (withdrawing it from the gauges) beyond that.
 *
 * <p>Listener thread only; it writes atomics the registry's thread reads.
 */
final class TaskBook {

    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** The {@code detail} of the pool's {@code task.reject} for a type no agent type can run. */
    static final String UNKNOWN_TYPE = "unknown type";

    /** One live task. */
    private static final class Entry {
        final long id;
        /** The type as submitted, and its tag value (the type, or {@code other} past the cap). */
        final String submittedType;
        String type;
        final String tenant;
        AtomicInteger queued;
        /** In the queue or in a retry backoff, since {@link #waitingSince} (pool clock). */
        boolean waiting;
        long waitingSince;
        /** The running attempt's start (pool clock) and its tenant holder; null when none runs. */
        long startedAt;
        TenantGauge.Tenant running;
        /** The resource gauge of the hold last announced for it, until it starts. */
        AtomicInteger heldOn;
        /** The outcome of an ended attempt that a retry may still follow. */
        String pending;

        Entry(long id, String submittedType, String type, String tenant, AtomicInteger queued) {
            this.id = id;
            this.submittedType = submittedType;
            this.type = type;
            this.tenant = tenant;
            this.queued = queued;
        }
    }

    private final MeterSet.Counters outcomes;
    private final MeterSet.Gauges queue;
    private final MeterSet.Gauges waitingOnResource;
    private final MeterSet.Timers waitTimer;
    private final MeterSet.Timers runTimer;
    private final TenantGauge tenants;
    private final TagValues types;
    private final TagValues resources;
    private final int maxTracked;
    private final LinkedHashMap<Long, Entry> live = new LinkedHashMap<>();
    private final List<Entry> pending = new ArrayList<>(4);

    TaskBook(MeterSet meters, TenantGauge tenants, int maxTagValues, int maxTracked) {
        this.outcomes = meters.new Counters(TrinityPoolMetrics.TASKS,
                "Tasks that reached a final state (and tasks refused at submit: rejected)", "type", "outcome");
        this.queue = meters.new Gauges(TrinityPoolMetrics.QUEUE_SIZE,
                "Accepted tasks waiting to start: in the queue or in a retry backoff", "type", null);
        this.waitingOnResource = meters.new Gauges(TrinityPoolMetrics.RESOURCE_WAITING,
                "Queued tasks whose last announced hold is on this rate-limited resource", "resource", null);
        this.waitTimer = meters.new Timers(TrinityPoolMetrics.TASK_WAIT,
                "Time from becoming ready to run (submit, end of a retry backoff, requeue) to an attempt's start", "type");
        this.runTimer = meters.new Timers(TrinityPoolMetrics.TASK_RUN,
                "Time from an attempt's start to its end, whatever the outcome", "type");
        this.tenants = tenants;
        this.types = new TagValues(maxTagValues);
        this.resources = new TagValues(maxTagValues);
        this.maxTracked = maxTracked;
    }

    void onEvent(PoolEvent event) {
        if (!pending.isEmpty() && startsNewWork(event)) {
            settlePending();
        }
        switch (event) {
            case PoolEvent.TaskSubmitted e -> submitted(e);
            case PoolEvent.TaskRejected e -> outcomes.increment(rejectedType(e), "rejected");
            case PoolEvent.AgentSpawned e -> registered(e.type());
            case PoolEvent.TaskDispatched e -> dispatched(e);
            case PoolEvent.TaskEnded e -> ended(e);
            case PoolEvent.TaskRetried e -> retried(e);
            case PoolEvent.TaskDeadLettered e -> deadLettered(e);
            case PoolEvent.ResourceWait e -> held(e);
            default -> { }
        }
    }

    /**
     * Events the pool emits only outside the settling of an attempt (admission, dispatch,
     * spawning, an agent becoming free, the periodic ticks): once one arrives, an attempt end
     * that was not followed by its retry or dead letter was final.
     */
    static boolean startsNewWork(PoolEvent event) {
        return switch (event) {
            case PoolEvent.TaskSubmitted e -> true;
            case PoolEvent.TaskRejected e -> true;
            case PoolEvent.TaskDispatched e -> true;
            case PoolEvent.AgentSpawned e -> true;
            case PoolEvent.AgentStateChanged e -> e.to() == AgentState.READY || e.to() == AgentState.BUSY
                    || e.to() == AgentState.IDLE;
            case PoolEvent.PoolStats e -> true;
            case PoolEvent.ScaleDecision e -> true;
            case PoolEvent.ResourceWait e -> true;
            case PoolEvent.HealthStuck e -> true;
            default -> false;
        };
    }

    /**
     * The type tag of a refused submit. A type no agent type can run is the caller's invention:
     * it is counted under {@value TrinityPoolMetrics#UNKNOWN} and takes no tag value, so callers
     * sending made-up types cannot use up {@code maxTagValues} and push the pool's own types into
     * {@code other}. Any other refusal is of a type the pool runs.
     */
    private String rejectedType(PoolEvent.TaskRejected e) {
        if (e.reason() == PoolEvent.RejectReason.INVALID && UNKNOWN_TYPE.equals(e.detail())) {
            return TrinityPoolMetrics.UNKNOWN;
        }
        return types.of(e.type());
    }

    /**
     * An agent of {@code type} spawned, so the pool registered that type: it keeps its own tag
     * value from now on, whatever callers sent before. Its live tasks that were tagged
     * {@code other} (submitted once the cap was full, before its first agent) move to it.
     */
    private void registered(String type) {
        if (!types.pin(type)) {
            return;
        }
        for (Entry t : live.values()) {
            if (t.submittedType.equals(type) && !t.type.equals(type)) {
                AtomicInteger queued = queue.get(type, null);
                if (t.waiting) {
                    t.queued.decrementAndGet();
                    queued.incrementAndGet();
                }
                t.queued = queued;
                t.type = type;
            }
        }
    }

    private void submitted(PoolEvent.TaskSubmitted e) {
        String type = types.of(e.type());
        Entry t = new Entry(e.task(), e.type(), type, e.tenant(), queue.get(type, null));
        t.waiting = true;
        t.waitingSince = e.nanos();
        t.queued.incrementAndGet();
        live.put(e.task(), t);
        if (live.size() > maxTracked) {
            Iterator<Entry> oldest = live.values().iterator();
            Entry dropped = oldest.next();
            oldest.remove();
            withdraw(dropped);
            if (dropped.pending != null) {
                pending.remove(dropped);
            }
        }
    }

    private void dispatched(PoolEvent.TaskDispatched e) {
        Entry t = live.get(e.task());
        if (t == null) {
            return;
        }
        if (t.waiting) {
            t.waiting = false;
            t.queued.decrementAndGet();
            waitTimer.record(t.type, e.nanos() - t.waitingSince);
        }
        release(t);
        t.startedAt = e.nanos();
        t.running = tenants.started(t.tenant);
    }

    private void ended(PoolEvent.TaskEnded e) {
        Entry t = live.get(e.task());
        if (t == null) {
            return;
        }
        if (t.running != null) {
            runTimer.record(t.type, e.nanos() - t.startedAt);
            tenants.ended(t.running);
            t.running = null;
        }
        switch (e.outcome()) {
            case SUCCEEDED -> finish(t, "succeeded");
            case CANCELLED -> finish(t, "cancelled");
            case PREEMPTED, RATE_LIMITED -> waitAgain(t, e.nanos());
            case FAILED -> {
                if (e.agent() == null) {
                    finish(t, "failed"); // refused before it started: never retried
                } else {
                    pend(t, "failed");
                }
            }
            case TIMED_OUT -> pend(t, "timed_out");
        }
    }

    private void retried(PoolEvent.TaskRetried e) {
        Entry t = live.get(e.task());
        if (t == null) {
            return;
        }
        unpend(t);
        // it waits out the backoff first; the wait timer measures from when it may run again
        waitAgain(t, e.nanos() + e.backoffMs() * NANOS_PER_MILLI);
    }

    private void deadLettered(PoolEvent.TaskDeadLettered e) {
        Entry t = live.get(e.task());
        if (t != null) {
            unpend(t);
            finish(t, "dead_lettered");
        }
    }

    private void held(PoolEvent.ResourceWait e) {
        Entry t = live.get(e.task());
        if (t == null) {
            return;
        }
        release(t);
        t.heldOn = waitingOnResource.get(resources.of(e.resource()), null);
        t.heldOn.incrementAndGet();
    }

    private void waitAgain(Entry t, long since) {
        if (!t.waiting) {
            t.waiting = true;
            t.queued.incrementAndGet();
        }
        t.waitingSince = since;
    }

    private void pend(Entry t, String outcome) {
        t.pending = outcome;
        pending.add(t);
    }

    private void unpend(Entry t) {
        if (t.pending != null) {
            t.pending = null;
            pending.remove(t);
        }
    }

    private void settlePending() {
        for (Entry t : pending) {
            String outcome = t.pending;
            t.pending = null;
            finish(t, outcome);
        }
        pending.clear();
    }

    private void finish(Entry t, String outcome) {
        live.remove(t.id);
        withdraw(t);
        outcomes.increment(t.type, outcome);
    }

    /** Takes the task out of every gauge it counts in. */
    private void withdraw(Entry t) {
        if (t.waiting) {
            t.waiting = false;
            t.queued.decrementAndGet();
        }
        if (t.running != null) {
            tenants.ended(t.running);
            t.running = null;
        }
        release(t);
    }

    private void release(Entry t) {
        if (t.heldOn != null) {
            t.heldOn.decrementAndGet();
            t.heldOn = null;
        }
    }

    /** Live tasks tracked now (tests check that finished tasks leave). */
    int tracked() {
        return live.size();
    }

    int pendingCount() {
        return pending.size();
    }
}
