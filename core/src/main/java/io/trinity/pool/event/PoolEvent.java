package io.trinity.pool.event;

import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AgentState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything observable about a pool. Each event carries the pool clock's time in nanoseconds ({@link
 * #nanos()}) and knows its event-log name and fields (docs/events.md). Events are delivered on the control
 * loop, in order, so their times never decrease. Events are immutable records; the set of events may grow, so
 * a {@code switch} over them should have a default branch.
 */
public sealed interface PoolEvent {

    /** {@return when the event happened: the pool clock's time, in nanoseconds} */
    long nanos();

    /** {@return the event-log name, such as {@code agent.spawn}; stable across versions} */
    String name();

    /**
     * {@return the event-log fields other than {@code t} and {@code ev}, in log order} Fields whose value is
     * null are left out; values are strings, numbers, booleans or maps of them.
     */
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

    /** Why an agent was spawned; the log writes the name in lower case ({@code on_demand}). */
    enum SpawnCause {
        /** A task waited and no agent of its type had room. */
        ON_DEMAND,
        /** The arrival forecast expects tasks before a cold start would end. */
        PREDICTIVE,
        /** A busy agent was cloned, so the new one starts from its state snapshot. */
        CLONE,
        /** The warm pool was below its target. */
        WARM_POOL,
        /** The auto-scaler raised the type's target. */
        SCALE_UP,
        /** A failed agent was replaced. */
        REPLACE
    }

    /** Why an agent was removed; the log writes the name in lower case ({@code idle_timeout}). */
    enum DestroyReason {
        /** It had no work for the idle timeout and was not needed for the warm pool or its type's minimum. */
        IDLE_TIMEOUT,
        /** The auto-scaler lowered the type's target. */
        SCALE_DOWN,
        /** It crashed, hung or degraded; a replacement follows. */
        FAILED,
        /** The pool shut down. */
        SHUTDOWN,
        /** It was idle and the pool, at its cap, needed the room for another type. */
        RESPECIALIZE
    }

    /**
     * Why a task was refused. At submit: {@code TENANT_LIMIT}, its tenant is at its maxQueued.
     * After it was accepted: {@code SHED}, it gave way in a full queue to a task of a tenant
     * below its weighted share (a {@code task.end} with outcome {@code cancelled} follows; the
     * task's final state is REJECTED).
     */
    enum RejectReason {
        /** The queue was at {@code queueCapacity}. */
        QUEUE_FULL,
        /** The task named an unknown type (and no generic type is registered) or an unknown balancer, or could not be stored. */
        INVALID,
        /** Shutdown had begun. */
        SHUTDOWN,
        /** Its tenant had its maxQueued tasks queued. */
        TENANT_LIMIT,
        /** Accepted, then shed from a full queue for a tenant below its weighted share. */
        SHED
    }

    /**
     * How an attempt ended. {@code RATE_LIMITED}: the provider refused (429); the task went back
     * to the queue without spending the attempt, like {@code PREEMPTED}.
     */
    enum TaskOutcome {
        /** The agent returned a result. */
        SUCCEEDED,
        /** The agent threw, or the pool failed the attempt (agent failure, budget, open circuit). */
        FAILED,
        /** The attempt ran past the task's timeout. */
        TIMED_OUT,
        /** The task was cancelled, by its handle, a budget or shutdown. */
        CANCELLED,
        /** A higher-priority task took the slot; the task went back to the queue without spending the attempt. */
        PREEMPTED,
        /** The provider refused the call (429); the task went back to the queue without spending the attempt. */
        RATE_LIMITED
    }

    /**
     * An agent began to spawn (log {@code agent.spawn}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param agent the new agent's id
     * @param type its agent type
     * @param cause why it was spawned
     */
    record AgentSpawned(long nanos, String agent, String type, SpawnCause cause) implements PoolEvent {
        public String name() { return "agent.spawn"; }
        public Map<String, Object> fields() { return map("agent", agent, "type", type, "cause", wire(cause)); }
    }

    /**
     * An agent moved between lifecycle states (log {@code agent.state}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param agent the agent's id
     * @param type its agent type
     * @param from the state it left
     * @param to the state it entered
     * @param reason why, for FAILED and other notable moves; null otherwise
     */
    record AgentStateChanged(long nanos, String agent, String type, AgentState from, AgentState to, String reason)
            implements PoolEvent {
        public String name() { return "agent.state"; }
        public Map<String, Object> fields() {
            return map("agent", agent, "type", type, "from", from.name(), "to", to.name(), "reason", reason);
        }
    }

    /**
     * An agent was removed (log {@code agent.destroy}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param agent the agent's id
     * @param type its agent type
     * @param reason why it was removed
     * @param snapshot the agent's state offered on its way out, or null (not written to the log)
     */
    record AgentDestroyed(long nanos, String agent, String type, DestroyReason reason, AgentSnapshot snapshot)
            implements PoolEvent {
        public String name() { return "agent.destroy"; }
        public Map<String, Object> fields() { return map("agent", agent, "type", type, "reason", wire(reason)); }
    }

    /**
     * A task was accepted (log {@code task.submit}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param task the task's id
     * @param type its agent type
     * @param priority its priority
     * @param affinity its affinity key, or null
     * @param tenant its tenant
     */
    record TaskSubmitted(long nanos, long task, String type, int priority, String affinity, String tenant)
            implements PoolEvent {
        public String name() { return "task.submit"; }
        public Map<String, Object> fields() {
            return map("task", task, "type", type, "priority", priority, "affinity", affinity, "tenant", tenant);
        }
    }

    /**
     * A task was refused (log {@code task.reject}): at submit, or shed from a full queue after it
     * was accepted (then a {@code task.end} follows).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param task the id it would have had, or had
     * @param type its agent type
     * @param reason why it was refused
     * @param detail more about the reason, or null
     * @param tenant the task's tenant, or null when unknown
     */
    record TaskRejected(long nanos, long task, String type, RejectReason reason, String detail, String tenant)
            implements PoolEvent {
        /**
         * A refusal without a known tenant.
         *
         * @param nanos the pool clock time, in nanoseconds
         * @param task the id it would have had
         * @param type its agent type
         * @param reason why it was refused
         * @param detail more about the reason, or null
         */
        public TaskRejected(long nanos, long task, String type, RejectReason reason, String detail) {
            this(nanos, task, type, reason, detail, null);
        }

        public String name() { return "task.reject"; }
        public Map<String, Object> fields() {
            return map("task", task, "type", type, "reason", wire(reason), "detail", detail, "tenant", tenant);
        }
    }

    /**
     * An attempt started on an agent (log {@code task.dispatch}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param task the task's id
     * @param agent the agent that runs it
     * @param balancer the name of the balancer that chose the agent
     * @param attempt the attempt's number, from 1
     * @param node the node (machine) of the agent, or null when the pool is not clustered; the log writes
     *     {@code node} and {@code remote} only when it is known
     * @param remote true when the task's origin node and the agent's node are both known and differ
     */
    record TaskDispatched(long nanos, long task, String agent, String balancer, int attempt, String node,
                          boolean remote) implements PoolEvent {

        /**
         * An attempt started in a pool that is not clustered (no node, not remote).
         *
         * @param nanos the pool clock time, in nanoseconds
         * @param task the task's id
         * @param agent the agent that runs it
         * @param balancer the name of the balancer that chose the agent
         * @param attempt the attempt's number, from 1
         */
        public TaskDispatched(long nanos, long task, String agent, String balancer, int attempt) {
            this(nanos, task, agent, balancer, attempt, null, false);
        }

        public String name() { return "task.dispatch"; }
        public Map<String, Object> fields() {
            return map("task", task, "agent", agent, "balancer", balancer, "attempt", attempt, "node", node,
                    "remote", node == null ? null : remote);
        }
    }

    /**
     * A balancer holds a queued task back for one busy agent (log {@code task.hold}): delay
     * scheduling for affinity. Emitted when the hold starts; the task's {@code task.dispatch} shows
     * where it ran (on that agent, or on another once the wait ran out or the agent left).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param task the task's id
     * @param agent the agent it waits for
     * @param balancer the name of the balancer that holds it
     * @param waitMs the longest it waits for that agent, in milliseconds
     */
    record TaskHeld(long nanos, long task, String agent, String balancer, long waitMs) implements PoolEvent {
        public String name() { return "task.hold"; }
        public Map<String, Object> fields() {
            return map("task", task, "agent", agent, "balancer", balancer, "waitMs", waitMs);
        }
    }

    /**
     * An attempt ended, or a queued task was cancelled (log {@code task.end}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param task the task's id
     * @param agent the agent that ran it, or null for a task that ended while queued
     * @param outcome how the attempt ended
     * @param ms the attempt's run time, in milliseconds
     * @param reason why it did not succeed, or null
     */
    record TaskEnded(long nanos, long task, String agent, TaskOutcome outcome, long ms, String reason)
            implements PoolEvent {
        public String name() { return "task.end"; }
        public Map<String, Object> fields() {
            return map("task", task, "agent", agent, "outcome", wire(outcome), "ms", ms, "reason", reason);
        }
    }

    /**
     * A failed attempt will be retried after a backoff (log {@code task.retry}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param task the task's id
     * @param attempt the number of the attempt that failed
     * @param reason why it failed
     * @param backoffMs the wait before the task is queued again, in milliseconds
     */
    record TaskRetried(long nanos, long task, int attempt, String reason, long backoffMs) implements PoolEvent {
        public String name() { return "task.retry"; }
        public Map<String, Object> fields() {
            return map("task", task, "attempt", attempt, "reason", reason, "backoffMs", backoffMs);
        }
    }

    /**
     * A task used up its attempts and was dead-lettered (log {@code task.deadletter}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param task the task's id
     * @param attempt the number of its last attempt
     * @param reason why the last attempt failed
     */
    record TaskDeadLettered(long nanos, long task, int attempt, String reason) implements PoolEvent {
        public String name() { return "task.deadletter"; }
        public Map<String, Object> fields() { return map("task", task, "attempt", attempt, "reason", reason); }
    }

    /**
     * The auto-scaler changed a type's target (log {@code scale.decision}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param type the agent type
     * @param from the previous target, in agents
     * @param to the new target, in agents
     * @param reason what drove it, such as the queue or the forecast
     * @param queue the type's queued tasks at the decision
     * @param utilization the busy share of the type's capacity, 0 to 1 (logged to 3 decimals)
     */
    record ScaleDecision(long nanos, String type, int from, int to, String reason, int queue, double utilization)
            implements PoolEvent {
        public String name() { return "scale.decision"; }
        public Map<String, Object> fields() {
            return map("type", type, "from", from, "to", to, "reason", reason, "queue", queue,
                    "utilization", Math.round(utilization * 1000) / 1000.0);
        }
    }

    /**
     * The health monitor found a running task without progress (log {@code health.stuck}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param agent the agent running it, which is then failed
     * @param task the task's id
     * @param silentMs time since its last progress, in milliseconds
     */
    record HealthStuck(long nanos, String agent, long task, long silentMs) implements PoolEvent {
        public String name() { return "health.stuck"; }
        public Map<String, Object> fields() { return map("agent", agent, "task", task, "silentMs", silentMs); }
    }

    /**
     * A failed agent will be replaced after a backoff (log {@code health.restart}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param agent the failed agent's id
     * @param replacement the id the replacement will have
     * @param backoffMs the wait before the replacement spawns, in milliseconds
     * @param type the agent type
     * @param reason why the agent failed
     */
    record HealthRestart(long nanos, String agent, String replacement, long backoffMs, String type, String reason)
            implements PoolEvent {
        public String name() { return "health.restart"; }
        public Map<String, Object> fields() {
            return map("agent", agent, "replacement", replacement, "backoffMs", backoffMs, "type", type,
                    "reason", reason);
        }
    }

    /**
     * A type's circuit opened (too many agent failures within the restart window) or closed again (a probe
     * spawn succeeded); log {@code health.circuit_open} or {@code health.circuit_closed}.
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param type the agent type
     * @param open true if the circuit opened, false if it closed
     * @param failures agent failures within the restart window
     * @param cause the last agent failure of the type (why init or a run failed), or null
     */
    record CircuitChanged(long nanos, String type, boolean open, int failures, String cause) implements PoolEvent {
        public String name() { return open ? "health.circuit_open" : "health.circuit_closed"; }
        public Map<String, Object> fields() { return map("type", type, "failures", failures, "cause", cause); }
    }

    /**
     * The pool started from a journal: what it found and did.
     *
     * @param nanos       the pool clock time, in nanoseconds
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
     * @param nanos  the pool clock time, in nanoseconds
     * @param task   the dead-lettered task's id
     * @param type   its agent type
     * @param reason {@code count} (more than deadLetterMax) or {@code age} (older than deadLetterRetention)
     */
    record DeadLetterEvicted(long nanos, long task, String type, String reason) implements PoolEvent {
        public String name() { return "deadletter.evict"; }
        public Map<String, Object> fields() { return map("task", task, "type", type, "reason", reason); }
    }

    /**
     * A periodic summary, every {@code statsInterval} (log {@code pool.stats}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param agents live agents counted by state name, immutable
     * @param queue tasks waiting in the queue
     */
    record PoolStats(long nanos, Map<String, Integer> agents, int queue) implements PoolEvent {
        /**
         * Copies the counts, so the event is immutable.
         *
         * @param nanos the pool clock time, in nanoseconds
         * @param agents live agents counted by state name
         * @param queue tasks waiting in the queue
         */
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
     * A queued task is held back by a rate-limited resource (log {@code resource.wait}). Emitted when the
     * hold starts or its reason changes, not on every dispatch pass.
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param task the task's id
     * @param resource the resource key
     * @param reason {@code paused}, {@code requests_per_minute}, {@code tokens_per_minute} or {@code
     *     concurrency}
     * @param waitMs how long until the resource has room, in milliseconds, or -1 when that depends on a
     *     running task ending (concurrency)
     */
    record ResourceWait(long nanos, long task, String resource, String reason, long waitMs) implements PoolEvent {
        public String name() { return "resource.wait"; }
        public Map<String, Object> fields() {
            return map("task", task, "resource", resource, "reason", reason, "waitMs", waitMs);
        }
    }

    /**
     * A provider refused a call on a resource (429), so the resource pauses (log {@code resource.pause}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param resource the resource key
     * @param ms the pause, in milliseconds: the hint, capped by the resource's maxPause
     * @param hintMs the provider's retry-after hint, in milliseconds, or null when there was none
     * @param task the id of the task whose call was refused
     */
    record ResourcePause(long nanos, String resource, long ms, Long hintMs, long task) implements PoolEvent {
        public String name() { return "resource.pause"; }
        public Map<String, Object> fields() {
            return map("resource", resource, "ms", ms, "hint", hintMs, "task", task);
        }
    }

    /**
     * A budget stopped a task: refused before it started ({@code running} false: it ends FAILED) or cancelled
     * while running (it ends CANCELLED); log {@code budget.stop}.
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param task the task's id
     * @param tenant its tenant
     * @param scope {@code task} or {@code tenant}: whose budget
     * @param unit {@code tokens} or {@code cost}
     * @param spent what was (or would have been) spent, in {@code unit}
     * @param limit the budget, in {@code unit}
     * @param running whether the task was running (cancelled) rather than waiting (refused)
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
     * An attempt's usage was charged to its tenant (log {@code tenant.spend}).
     *
     * @param nanos the pool clock time, in nanoseconds
     * @param tenant the tenant
     * @param task the task's id
     * @param tokens tokens this attempt used, over all its resources
     * @param cost their cost at the pool's prices
     * @param totalTokens the tenant's tokens so far
     * @param totalCost the tenant's cost so far
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
