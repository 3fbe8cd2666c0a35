package io.trinity.pool.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import java.util.Locale;
import java.util.Objects;

/**
 * Micrometer meters for one pool, computed from its events: register it as the pool's listener
 * when you build the pool, and bind it to a registry.
 *
 * <pre>{@code
 * TrinityPoolMetrics metrics = TrinityPoolMetrics.builder().tags("pool", "main").build();
 * AgentPool pool = AgentPool.builder()
 *         .register("code", CodeAgent::new)
 *         .listener(metrics)
 *         .build();
 * metrics.bindTo(registry);
 * ...
 * pool.close();
 * metrics.close();   // removes the pool's meters from the registry
 * }</pre>
 *
 * <table>
 *   <caption>Meters (tags in braces)</caption>
 *   <tr><td>{@value #AGENTS}{type,state}</td><td>gauge: live agents</td></tr>
 *   <tr><td>{@value #QUEUE_SIZE}{type}</td><td>gauge: tasks waiting to start (queued or in a retry backoff)</td></tr>
 *   <tr><td>{@value #TASKS}{type,outcome}</td><td>counter: final states (succeeded, failed, timed_out, cancelled,
 *       dead_lettered) and rejected submits</td></tr>
 *   <tr><td>{@value #TASK_WAIT}{type}</td><td>timer: wait before each attempt starts</td></tr>
 *   <tr><td>{@value #TASK_RUN}{type}</td><td>timer: each attempt's run time</td></tr>
 *   <tr><td>{@value #SPAWNS}{type,cause}, {@value #DESTROYS}{type,reason}</td><td>counters</td></tr>
 *   <tr><td>{@value #SCALE_DECISIONS}{type}</td><td>counter: auto-scaler target changes</td></tr>
 *   <tr><td>{@value #TENANT_RUNNING}{tenant}</td><td>gauge: running attempts of the most active tenants, the
 *       rest under {@value #OTHER}</td></tr>
 *   <tr><td>{@value #RESOURCE_WAITING}{resource}</td><td>gauge: queued tasks held back by a rate-limited
 *       resource</td></tr>
 * </table>
 *
 * <p><b>Contract.</b> One binder per pool (task ids are unique within a pool only). Counts and
 * gauges are exact from the pool's first event whenever {@link #bindTo} is called; the timers
 * record from the first {@code bindTo} on, so bind before submitting work. A binder may be bound
 * to several registries. The {@code type} of the task meters is the task's type as submitted;
 * that of the agent meters, the agent type. Tag values that come from callers (task type,
 * resource) are capped at {@link Builder#maxTagValues} distinct values and tenants at
 * {@link Builder#maxTenants}; beyond, they are counted under {@value #OTHER}. The pool's own
 * agent types are outside the cap: each keeps its name once its first agent spawns. A submit
 * refused because no agent type can run its type is counted under type {@value #UNKNOWN}, so
 * made-up types take no tag value.
 *
 * <p><b>Closing.</b> A registry keeps a meter until it is removed, and hands the meter it holds
 * to anyone who registers the same name and tags, so the binder of a rebuilt pool would report
 * the old pool's values. {@link #close} removes every meter this binder registered from every
 * registry it was bound to; close it when its pool is closed (the Spring Boot starter does so
 * with the context). The pool announces no end of its own, so this is not automatic.
 *
 * <p><b>Threads.</b> {@link #onEvent} is cheap, never blocks on the registry's readers and keeps
 * bounded state (one entry per live task and per live agent). Registries read the gauges from
 * their own threads through atomics.
 */
public final class TrinityPoolMetrics implements PoolListener, MeterBinder, AutoCloseable {

    /** Gauge: live agents, tagged {@code type} and {@code state}. */
    public static final String AGENTS = "trinity.pool.agents";
    /** Gauge: accepted tasks waiting to start (queued or in a retry backoff), tagged {@code type}. */
    public static final String QUEUE_SIZE = "trinity.pool.queue.size";
    /** Counter: tasks by final state, and rejected submits, tagged {@code type} and {@code outcome}. */
    public static final String TASKS = "trinity.pool.tasks";
    /** Timer: wait before each attempt starts, tagged {@code type}. */
    public static final String TASK_WAIT = "trinity.pool.task.wait";
    /** Timer: each attempt's run time, tagged {@code type}. */
    public static final String TASK_RUN = "trinity.pool.task.run";
    /** Counter: agents spawned, tagged {@code type} and {@code cause}. */
    public static final String SPAWNS = "trinity.pool.spawns";
    /** Counter: agents removed, tagged {@code type} and {@code reason}. */
    public static final String DESTROYS = "trinity.pool.destroys";
    /** Counter: auto-scaler target changes, tagged {@code type}. */
    public static final String SCALE_DECISIONS = "trinity.pool.scale.decisions";
    /** Gauge: running attempts of the most active tenants, tagged {@code tenant}. */
    public static final String TENANT_RUNNING = "trinity.pool.tenant.running";
    /** Gauge: queued tasks held back by a rate-limited resource, tagged {@code resource}. */
    public static final String RESOURCE_WAITING = "trinity.pool.resource.waiting";

    /** The tag value that gathers what is past a cap (tenants, task types, resources). */
    public static final String OTHER = "other";
    /** The {@code type} of a refused submit whose type no agent type of the pool can run. */
    public static final String UNKNOWN = "unknown";

    /** Default of {@link Builder#maxTenants}. */
    public static final int DEFAULT_MAX_TENANTS = 20;
    /** Default of {@link Builder#maxTagValues}. */
    public static final int DEFAULT_MAX_TAG_VALUES = 100;
    /** Default of {@link Builder#maxTrackedTasks}. */
    public static final int DEFAULT_MAX_TRACKED_TASKS = 100_000;

    private final MeterSet meters;
    private final AgentBook agents;
    private final TaskBook tasks;
    private final TenantGauge tenants;
    private final MeterSet.Counters spawns;
    private final MeterSet.Counters destroys;
    private final MeterSet.Counters scaleDecisions;

    private TrinityPoolMetrics(Builder b) {
        this.meters = new MeterSet(b.tags);
        this.agents = new AgentBook(meters);
        this.tenants = new TenantGauge(meters, b.maxTenants);
        this.tasks = new TaskBook(meters, tenants, b.maxTagValues, b.maxTrackedTasks);
        this.spawns = meters.new Counters(SPAWNS, "Agents spawned", "type", "cause");
        this.destroys = meters.new Counters(DESTROYS, "Agents removed (destroyed or failed)", "type", "reason");
        this.scaleDecisions = meters.new Counters(SCALE_DECISIONS, "Auto-scaler target changes", "type", null);
    }

    /**
     * A binder with the default caps and no common tags.
     *
     * @return a new binder, to register as the pool's listener
     */
    public static TrinityPoolMetrics create() {
        return builder().build();
    }

    /**
     * Starts configuring a binder.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Synchronized so that state written while handling one event is visible while handling
     * the next, whichever thread delivers it; the pool delivers one event at a time, so the
     * lock is never contended and readers of the meters never take it.
     */
    @Override
    public synchronized void onEvent(PoolEvent event) {
        tasks.onEvent(event);
        switch (event) {
            case PoolEvent.AgentSpawned e -> {
                agents.spawned(e);
                spawns.increment(e.type(), wire(e.cause()));
            }
            case PoolEvent.AgentStateChanged e -> agents.changed(e);
            case PoolEvent.AgentDestroyed e -> {
                agents.destroyed(e);
                destroys.increment(e.type(), wire(e.reason()));
            }
            case PoolEvent.ScaleDecision e -> scaleDecisions.increment(e.type(), null);
            case PoolEvent.PoolStats e -> tenants.rerank();
            default -> { }
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        meters.bindTo(Objects.requireNonNull(registry, "registry"));
    }

    /**
     * Removes every meter this binder registered from every registry it is bound to, so that a
     * binder bound later with the same tags (a rebuilt pool's) registers its own. Call it once
     * the pool is closed. The binder still follows the pool's events; {@link #bindTo} registers
     * its meters again. Closing twice does nothing more.
     */
    @Override
    public synchronized void close() {
        meters.unbindAll();
    }

    /** Live tasks and agents held in the bookkeeping now; both drop to 0 on an idle, empty pool. */
    synchronized int trackedTasks() {
        return tasks.tracked();
    }

    synchronized int trackedAgents() {
        return agents.tracked();
    }

    synchronized int trackedTenants() {
        return tenants.tracked();
    }

    private static String wire(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Configures a {@link TrinityPoolMetrics}; every setter refuses a bad value with a message naming it. */
    public static final class Builder {
        private Tags tags = Tags.empty();
        private int maxTenants = DEFAULT_MAX_TENANTS;
        private int maxTagValues = DEFAULT_MAX_TAG_VALUES;
        private int maxTrackedTasks = DEFAULT_MAX_TRACKED_TASKS;

        private Builder() {
        }

        /**
         * Tags added to every meter, such as the pool's name when an application runs several.
         *
         * @param tags added to those given before
         * @return this builder
         */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = this.tags.and(Objects.requireNonNull(tags, "tags"));
            return this;
        }

        /**
         * Tags added to every meter, as key-value pairs.
         *
         * @param keyValues an even number of strings, as {@link Tags#of(String...)}
         * @return this builder
         */
        public Builder tags(String... keyValues) {
            if (keyValues.length % 2 != 0) {
                throw new IllegalArgumentException("tags needs key-value pairs (got " + keyValues.length
                        + " strings); pass an even number, such as tags(\"pool\", \"main\")");
            }
            return tags(Tags.of(keyValues));
        }

        /**
         * Tenants with their own {@code tenant} tag value (the most active ones); the rest share
         * {@value TrinityPoolMetrics#OTHER}.
         *
         * @param n 0 to 10000; default {@value TrinityPoolMetrics#DEFAULT_MAX_TENANTS}
         * @return this builder
         */
        public Builder maxTenants(int n) {
            if (n < 0 || n > 10_000) {
                throw new IllegalArgumentException("maxTenants must be between 0 and 10000 (got " + n
                        + "); every tenant past it is counted under '" + OTHER + "'");
            }
            this.maxTenants = n;
            return this;
        }

        /**
         * Distinct values of each tag taken from tasks ({@code type}, {@code resource}); later
         * values are counted under {@value TrinityPoolMetrics#OTHER}. The pool's own agent types
         * do not count: each keeps its name once its first agent spawns.
         *
         * @param n 1 to 10000; default {@value TrinityPoolMetrics#DEFAULT_MAX_TAG_VALUES}
         * @return this builder
         */
        public Builder maxTagValues(int n) {
            if (n < 1 || n > 10_000) {
                throw new IllegalArgumentException("maxTagValues must be between 1 and 10000 (got " + n
                        + "); values past it are counted under '" + OTHER + "'");
            }
            this.maxTagValues = n;
            return this;
        }

        /**
         * A guard on the per-task bookkeeping: live tasks followed at once. Keep it above the
         * pool's queue capacity plus its running and retrying tasks; past it the oldest task is no
         * longer followed.
         *
         * @param n at least 1; default {@value TrinityPoolMetrics#DEFAULT_MAX_TRACKED_TASKS}
         * @return this builder
         */
        public Builder maxTrackedTasks(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxTrackedTasks must be >= 1 (got " + n
                        + "); keep it above the pool's queue capacity plus its running tasks");
            }
            this.maxTrackedTasks = n;
            return this;
        }

        /**
         * Builds the binder.
         *
         * @return a binder, to register as one pool's listener and bind to registries
         */
        public TrinityPoolMetrics build() {
            return new TrinityPoolMetrics(this);
        }
    }
}
