package io.trinity.pool.event;

import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AgentState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything observable about a pool. Each event carries the pool clock's time in nanoseconds
 * ({@link #nanos()}) and knows its event-log name and fields (docs/events.md; DESIGN.md).
 * Events are delivered on the control loop, in order.
 */
public sealed interface PoolEvent {

    long nanos();

    /** The event-log name, such as {@code agent.spawn}. */
    String name();

    /** The event-log fields other than {@code t} and {@code ev}, in log order. */
    Map<String, Object> fields();

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    private static String wire(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    enum SpawnCause { ON_DEMAND, PREDICTIVE, CLONE, WARM_POOL, SCALE_UP, REPLACE }

    enum DestroyReason { IDLE_TIMEOUT, SCALE_DOWN, FAILED, SHUTDOWN, RESPECIALIZE }

    /**
     * Why a task was refused. At submit: {@code TENANT_LIMIT}, its tenant is at its maxQueued.
     * After it was accepted: {@code SHED}, it gave way in a full queue to a task of a tenant
     * below its weighted share (a {@code task.end} with outcome {@code cancelled} follows; the
     * task's final state is REJECTED).
     */
    enum RejectReason { QUEUE_FULL, INVALID, SHUTDOWN, TENANT_LIMIT, SHED }

    /**
     * How an attempt ended. {@code RATE_LIMITED}: the provider refused (429); the task went back
     * to the queue without spending the attempt, like {@code PREEMPTED}.
     */
    enum TaskOutcome { SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, PREEMPTED, RATE_LIMITED }

    record AgentSpawned(long nanos, String agent, String type, SpawnCause cause) implements PoolEvent {
        public String name() { return "agent.spawn"; }
        public Map<String, Object> fields() { return map("agent", agent, "type", type, "cause", wire(cause)); }
    }

    record AgentStateChanged(long nanos, String agent, String type, AgentState from, AgentState to, String reason)
            implements PoolEvent {
        public String name() { return "agent.state"; }
        public Map<String, Object> fields() {
            return map("agent", agent, "type", type, "from", from.name(), "to", to.name(), "reason", reason);
        }
    }

    /** {@code snapshot} is the agent's state offered on its way out (not written to the log). */
    record AgentDestroyed(long nanos, String agent, String type, DestroyReason reason, AgentSnapshot snapshot)
            implements PoolEvent {
        public String name() { return "agent.destroy"; }
        public Map<String, Object> fields() { return map("agent", agent, "type", type, "reason", wire(reason)); }
    }

    record TaskSubmitted(long nanos, long task, String type, int priority, String affinity, String tenant)
            implements PoolEvent {
        public String name() { return "task.submit"; }
        public Map<String, Object> fields() {
            return map("task", task, "type", type, "priority", priority, "affinity", affinity, "tenant", tenant);
        }
    }

    /** {@code tenant} is the task's tenant (null when unknown). */
    record TaskRejected(long nanos, long task, String type, RejectReason reason, String detail, String tenant)
            implements PoolEvent {
        public TaskRejected(long nanos, long task, String type, RejectReason reason, String detail) {
            this(nanos, task, type, reason, detail, null);
        }

        public String name() { return "task.reject"; }
        public Map<String, Object> fields() {
            return map("task", task, "type", type, "reason", wire(reason), "detail", detail, "tenant", tenant);
        }
    }

    record TaskDispatched(long nanos, long task, String agent, String balancer, int attempt) implements PoolEvent {
        public String name() { return "task.dispatch"; }
        public Map<String, Object> fields() {
            return map("task", task, "agent", agent, "balancer", balancer, "attempt", attempt);
        }
    }

    /** {@code agent} is null for a task cancelled while queued; {@code ms} is the attempt's run time. */
    record TaskEnded(long nanos, long task, String agent, TaskOutcome outcome, long ms, String reason)
            implements PoolEvent {
        public String name() { return "task.end"; }
        public Map<String, Object> fields() {
            return map("task", task, "agent", agent, "outcome", wire(outcome), "ms", ms, "reason", reason);
        }
    }

    record TaskRetried(long nanos, long task, int attempt, String reason, long backoffMs) implements PoolEvent {
        public String name() { return "task.retry"; }
        public Map<String, Object> fields() {
            return map("task", task, "attempt", attempt, "reason", reason, "backoffMs", backoffMs);
        }
    }

    record TaskDeadLettered(long nanos, long task, int attempt, String reason) implements PoolEvent {
        public String name() { return "task.deadletter"; }
        public Map<String, Object> fields() { return map("task", task, "attempt", attempt, "reason", reason); }
    }

    record ScaleDecision(long nanos, String type, int from, int to, String reason, int queue, double utilization)
            implements PoolEvent {
        public String name() { return "scale.decision"; }
        public Map<String, Object> fields() {
            return map("type", type, "from", from, "to", to, "reason", reason, "queue", queue,
                    "utilization", Math.round(utilization * 1000) / 1000.0);
        }
    }

    record HealthStuck(long nanos, String agent, long task, long silentMs) implements PoolEvent {
        public String name() { return "health.stuck"; }
        public Map<String, Object> fields() { return map("agent", agent, "task", task, "silentMs", silentMs); }
    }

    record HealthRestart(long nanos, String agent, String replacement, long backoffMs, String type, String reason)
            implements PoolEvent {
        public String name() { return "health.restart"; }
        public Map<String, Object> fields() {
            return map("agent", agent, "replacement", replacement, "backoffMs", backoffMs, "type", type,
                    "reason", reason);
        }
    }

    /**
     * The type's circuit opened (too many failures) or closed again (a probe spawn succeeded).
     *
     * @param cause the last agent failure of the type (why init or a run failed), or null
     */
    record CircuitChanged(long nanos, String type, boolean open, int failures, String cause) implements PoolEvent {
        public String name() { return open ? "health.circuit_open" : "health.circuit_closed"; }
        public Map<String, Object> fields() { return map("type", type, "failures", failures, "cause", cause); }
    }

    /**
     * The pool started from a journal: what it found and did.
     *
     * @param queued      tasks back in the queue, with their waiting time
     * @param interrupted of those, tasks whose attempt was running at the crash: it counts as
     *                    failed ("pool restarted during the attempt") and they are retried
     * @param failed      tasks whose interrupted attempt was their last: they end FAILED
     * @param deadLetters dead letters offered again for resubmission
     * @param finals      ended tasks still readable (within the retention)
     */
    record PoolRecovered(long nanos, int queued, int interrupted, int failed, int deadLetters, long finals)
            implements PoolEvent {
        public String name() { return "pool.recovered"; }
        public Map<String, Object> fields() {
            return map("queued", queued, "interrupted", interrupted, "failed", failed, "deadLetters", deadLetters,
                    "finals", finals);
        }
    }

    /**
     * A dead letter was dropped to keep the dead letters bounded.
     *
     * @param reason {@code count} (more than deadLetterMax) or {@code age} (older than deadLetterRetention)
     */
    record DeadLetterEvicted(long nanos, long task, String type, String reason) implements PoolEvent {
        public String name() { return "deadletter.evict"; }
        public Map<String, Object> fields() { return map("task", task, "type", type, "reason", reason); }
    }

    record PoolStats(long nanos, Map<String, Integer> agents, int queue) implements PoolEvent {
        public PoolStats {
            agents = Map.copyOf(agents);
        }
        public String name() { return "pool.stats"; }
        public Map<String, Object> fields() {
            Map<String, Object> sorted = new java.util.TreeMap<>(agents);
            return map("agents", sorted, "queue", queue);
        }
    }

    /**
     * A queued task is held back by a rate-limited resource. Emitted when the hold starts or
     * its reason changes, not on every dispatch pass.
     *
     * @param reason {@code paused}, {@code requests_per_minute}, {@code tokens_per_minute} or
     *               {@code concurrency}
     * @param waitMs how long until the resource has room, or -1 when that depends on a running
     *               task ending (concurrency)
     */
    record ResourceWait(long nanos, long task, String resource, String reason, long waitMs) implements PoolEvent {
        public String name() { return "resource.wait"; }
        public Map<String, Object> fields() {
            return map("task", task, "resource", resource, "reason", reason, "waitMs", waitMs);
        }
    }

    /**
     * A provider refused a call on {@code resource} (429): the resource pauses for {@code ms}
     * (the hint {@code hintMs}, null when there was none, capped by the resource's maxPause).
     */
    record ResourcePause(long nanos, String resource, long ms, Long hintMs, long task) implements PoolEvent {
        public String name() { return "resource.pause"; }
        public Map<String, Object> fields() {
            return map("resource", resource, "ms", ms, "hint", hintMs, "task", task);
        }
    }

    /**
     * A budget stopped a task: refused before it started ({@code running} false: it ends
     * FAILED) or cancelled while running (it ends CANCELLED).
     *
     * @param scope {@code task} or {@code tenant}: whose budget
     * @param unit  {@code tokens} or {@code cost}
     * @param spent what was (or would have been) spent, in {@code unit}
     * @param limit the budget, in {@code unit}
     */
    record BudgetStop(long nanos, long task, String tenant, String scope, String unit, double spent, double limit,
                      boolean running) implements PoolEvent {
        public String name() { return "budget.stop"; }
        public Map<String, Object> fields() {
            return map("task", task, "tenant", tenant, "scope", scope, "unit", unit, "spent", spent, "limit", limit,
                    "running", running);
        }
    }

    /**
     * An attempt's usage was charged to its tenant: {@code tokens} and {@code cost} of this
     * attempt, and the tenant's totals so far.
     */
    record TenantSpent(long nanos, String tenant, long task, long tokens, double cost, long totalTokens,
                       double totalCost) implements PoolEvent {
        public String name() { return "tenant.spend"; }
        public Map<String, Object> fields() {
            return map("tenant", tenant, "task", task, "tokens", tokens, "cost", cost, "totalTokens", totalTokens,
                    "totalCost", totalCost);
        }
    }
}
