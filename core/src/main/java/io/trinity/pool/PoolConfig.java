package io.trinity.pool;

import io.trinity.pool.balance.BalancerSettings;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.budget.Prices;
import io.trinity.pool.limit.ResourceLimit;
import io.trinity.pool.tenant.TenantConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Immutable pool settings. Build with {@link #custom()}; {@link #ofDefaults()} gives the seed
 * defaults. A setter refuses a bad single value, {@link Builder#build()} a bad combination;
 * every message names the setting and the value. {@link #from(Map)} reads the same settings
 * from {@code trinity.pool.*} properties ({@link PoolConfigLoader} lists the keys).
 *
 * <p>Defaults yield to explicit settings: a warm pool or backoff bound left at its default is
 * fitted to what was set ({@code custom().maxAgents(4)} lowers the default warmPoolMax of 6 to
 * 4), while two explicit settings that conflict are refused, naming both.
 *
 * <h2>Tuning guide</h2>
 * <ul>
 *   <li><b>maxAgents</b> caps live agents, counting SPAWNING and DESTROYING ones. It is the
 *       pool's hard resource bound; size it to what the host (or provider quota) can run.</li>
 *   <li><b>warmPool</b> agents are kept READY and never reclaimed by the idle timeout, so a
 *       task arriving after a quiet spell starts without a cold start. The pool adapts the
 *       warm count between <b>warmPoolMin</b> and <b>warmPoolMax</b> to forecast demand. Once a
 *       type's flow has been seen for a {@code scaleDownWindow}, the auto-scaler sizes it by Erlang C
 *       and the spare agents of that size are its warm pool: only its share of warmPoolMin is kept
 *       on top of its busy agents, so lower {@code targetWait}, not raise
 *       warmPoolMax, to keep more spare agents for a steady flow.</li>
 *   <li><b>idleTimeout</b>: an agent without work this long is destroyed (unless it is part
 *       of the warm pool or its type's minimum). Shorter saves agent-seconds, longer saves
 *       cold starts.</li>
 *   <li><b>spawnRate</b> bounds spawns in any sliding second, protecting the host (and
 *       provider) from a thundering herd; further spawns wait and are coalesced.</li>
 *   <li><b>queueCapacity</b> bounds pending tasks: a full queue refuses new tasks at once
 *       with {@link QueueFullException}; it never blocks the caller and never drops work.</li>
 *   <li><b>agingStep</b>: a waiting task gains one priority point per step, so a low
 *       priority is delayed, never starved.</li>
 *   <li><b>healthInterval</b> / <b>stuckAfter</b>: a task silent (no progress) for
 *       stuckAfter is found at the next health check, so detection takes between stuckAfter
 *       and stuckAfter + healthInterval.</li>
 *   <li><b>tenant</b>s share each agent type by weight, with optional queued and running
 *       limits and budgets ({@link TenantConfig}); unnamed tenants get weight 1 and no
 *       limits. <b>fairnessCredit</b> is how much agent time (per unit of weight) a tenant
 *       coming back from idle may take ahead of busy tenants: larger favours bursty light
 *       tenants, 0 is strict weighted fair queueing.</li>
 *   <li><b>resourceLimit</b>s pace rate-limited resources such as a provider's model
 *       ({@link ResourceLimit}); <b>price</b>s turn their tokens into cost for budgets.</li>
 * </ul>
 */
public final class PoolConfig {

    /** Default of {@link Builder#maxAgents(int)}: {@value} live agents. */
    public static final int DEFAULT_MAX_AGENTS = 16;
    /** Default of {@link Builder#warmPool(int)}: {@value} agents kept READY. */
    public static final int DEFAULT_WARM_POOL = 3;
    /** Default of {@link Builder#warmPoolMin(int)}: {@value}. */
    public static final int DEFAULT_WARM_POOL_MIN = 1;
    /** Default of {@link Builder#warmPoolMax(int)}: {@value}; {@code maxAgents} must be at least this. */
    public static final int DEFAULT_WARM_POOL_MAX = 6;
    /** Default of {@link Builder#idleTimeout(Duration)}: 60 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Default of {@link Builder#spawnRate(int)}: {@value} spawns per second. */
    public static final int DEFAULT_SPAWN_RATE = 10;
    /** Default of {@link Builder#healthInterval(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(5);
    /** Default of {@link Builder#stuckAfter(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_STUCK_AFTER = Duration.ofSeconds(30);
    /** Default of {@link Builder#queueCapacity(int)}: {@value} pending tasks. */
    public static final int DEFAULT_QUEUE_CAPACITY = 100;
    /** Default of {@link Builder#balancer(String)}: {@value}. */
    public static final String DEFAULT_BALANCER = Balancers.LEAST_LOADED;
    /** Default of {@link Builder#maxAttempts(int)}: {@value} attempts per task. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Default of {@link Builder#retryBackoff(Duration)}: 200 milliseconds. */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);
    /** Default of {@link Builder#retryBackoffMax(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(30);
    /** Default of {@link Builder#agingStep(Duration)}: 1 second per priority point. */
    public static final Duration DEFAULT_AGING_STEP = Duration.ofSeconds(1);
    /** Default of {@link Builder#scaleInterval(Duration)}: 1 second. */
    public static final Duration DEFAULT_SCALE_INTERVAL = Duration.ofSeconds(1);
    /** Default of {@link Builder#targetUtilization(double)}: {@value}. */
    public static final double DEFAULT_TARGET_UTILIZATION = 0.75;
    /** Default of {@link Builder#targetWait(Duration)}: 700 milliseconds. */
    public static final Duration DEFAULT_TARGET_WAIT = Duration.ofMillis(700);
    /** Default of {@link Builder#scaleDownWindow(Duration)}: 60 seconds. */
    public static final Duration DEFAULT_SCALE_DOWN_WINDOW = Duration.ofSeconds(60);
    /** Default of {@link Builder#restartBackoff(Duration)}: 1 second. */
    public static final Duration DEFAULT_RESTART_BACKOFF = Duration.ofSeconds(1);
    /** Default of {@link Builder#restartBackoffMax(Duration)}: 60 seconds. */
    public static final Duration DEFAULT_RESTART_BACKOFF_MAX = Duration.ofSeconds(60);
    /** Default of {@link Builder#restartIntensity(int)}: {@value} failures per window. */
    public static final int DEFAULT_RESTART_INTENSITY = 5;
    /** Default of {@link Builder#restartWindow(Duration)}: 60 seconds. */
    public static final Duration DEFAULT_RESTART_WINDOW = Duration.ofSeconds(60);
    /** Default of {@link Builder#preemptPriority(int)}: {@value}. */
    public static final int DEFAULT_PREEMPT_PRIORITY = 100;
    /** Default of {@link Builder#statsInterval(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(5);
    /** Default of {@link Builder#qualityWindow(int)}: {@value} results. */
    public static final int DEFAULT_QUALITY_WINDOW = 20;
    /** Default of {@link Builder#qualityMargin(double)}: {@value}. */
    public static final double DEFAULT_QUALITY_MARGIN = 0.25;
    /** Default of {@link Builder#fairnessCredit(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_FAIRNESS_CREDIT = Duration.ofSeconds(30);
    /** Events a listener may fall behind before further events for it are dropped (and counted). */
    public static final int DEFAULT_LISTENER_BUFFER = 65_536;
    /** Dead letters kept; past it the oldest is evicted (event {@code deadletter.evict}). */
    public static final int DEFAULT_DEAD_LETTER_MAX = 10_000;
    /** How long a dead letter is kept before it is evicted. */
    public static final Duration DEFAULT_DEAD_LETTER_RETENTION = Duration.ofHours(24);
    /** Provider refusals (429) a task may meet before it fails with the provider's last answer. */
    public static final int DEFAULT_MAX_RATE_LIMIT_REQUEUES = 20;
    /** In {@link CircuitMode#WAIT}, how long a queued task waits on an open circuit before it fails. */
    public static final Duration DEFAULT_CIRCUIT_MAX_WAIT = Duration.ofSeconds(60);

    /**
     * What a queued task of a type whose circuit is open does. A type's circuit opens after
     * {@link PoolConfig#restartIntensity()} agent failures within {@link PoolConfig#restartWindow()}.
     * {@code WAIT} (the default) loses the least work; {@code FAIL_FAST} frees callers soonest.
     */
    public enum CircuitMode {
        /**
         * Queued and new tasks of the type end FAILED at once, with a reason naming the open
         * circuit and its cause, until a probe spawn succeeds and closes it: callers learn at
         * once, but work a retry would have saved is failed.
         */
        FAIL_FAST,
        /**
         * Tasks of the type stay queued while the circuit probes for a healthy agent; they fail
         * with the circuit's cause only when the type cannot start at all (its last spawn failed
         * in init and no agent is up) and they have waited {@link PoolConfig#circuitMaxWait()}.
         */
        WAIT
    }

    private final int maxAgents;
    private final int warmPool;
    private final int warmPoolMin;
    private final int warmPoolMax;
    private final Duration idleTimeout;
    private final int spawnRate;
    private final Duration healthInterval;
    private final Duration stuckAfter;
    private final int queueCapacity;
    private final String balancer;
    /** The property or variable {@link #balancer} was read from, or null: the pool build's message names it. */
    private final String balancerSource;
    private final BalancerSettings balancerSettings;
    private final int maxAttempts;
    private final Duration retryBackoff;
    private final Duration retryBackoffMax;
    private final Duration agingStep;
    private final Duration scaleInterval;
    private final double targetUtilization;
    private final Duration targetWait;
    private final Duration scaleDownWindow;
    private final Duration restartBackoff;
    private final Duration restartBackoffMax;
    private final int restartIntensity;
    private final Duration restartWindow;
    private final CircuitMode circuitMode;
    private final int preemptPriority;
    private final Duration statsInterval;
    private final int qualityWindow;
    private final double qualityMargin;
    private final long seed;
    private final Map<String, TenantConfig> tenants;
    private final Map<String, ResourceLimit> resourceLimits;
    private final Prices prices;
    private final Duration fairnessCredit;
    private final int listenerBuffer;
    private final int deadLetterMax;
    private final Duration deadLetterRetention;
    private final int maxRateLimitRequeues;
    private final Duration circuitMaxWait;
    /** Settings given explicitly, so a copy keeps fitting the defaults that were not. */
    private final Set<String> explicit;

    private PoolConfig(Builder b) {
        maxAgents = b.maxAgents;
        warmPool = b.warmPool;
        warmPoolMin = b.warmPoolMin;
        warmPoolMax = b.warmPoolMax;
        idleTimeout = b.idleTimeout;
        spawnRate = b.spawnRate;
        healthInterval = b.healthInterval;
        stuckAfter = b.stuckAfter;
        queueCapacity = b.queueCapacity;
        balancer = b.balancer;
        balancerSource = b.balancerSource;
        balancerSettings = b.balancerSettings;
        maxAttempts = b.maxAttempts;
        retryBackoff = b.retryBackoff;
        retryBackoffMax = b.retryBackoffMax;
        agingStep = b.agingStep;
        scaleInterval = b.scaleInterval;
        targetUtilization = b.targetUtilization;
        targetWait = b.targetWait;
        scaleDownWindow = b.scaleDownWindow;
        restartBackoff = b.restartBackoff;
        restartBackoffMax = b.restartBackoffMax;
        restartIntensity = b.restartIntensity;
        restartWindow = b.restartWindow;
        circuitMode = b.circuitMode;
        preemptPriority = b.preemptPriority;
        statsInterval = b.statsInterval;
        qualityWindow = b.qualityWindow;
        qualityMargin = b.qualityMargin;
        seed = b.seed;
        listenerBuffer = b.listenerBuffer;
        deadLetterMax = b.deadLetterMax;
        deadLetterRetention = b.deadLetterRetention;
        maxRateLimitRequeues = b.maxRateLimitRequeues;
        circuitMaxWait = b.circuitMaxWait;
        tenants = Map.copyOf(b.tenants);
        resourceLimits = Map.copyOf(b.resourceLimits);
        prices = new Prices(b.prices);
        fairnessCredit = b.fairnessCredit;
        explicit = Set.copyOf(b.explicit);
    }

    /**
     * {@return the seed defaults, the {@code DEFAULT_*} constants of this class} Equivalent to {@code
     * custom().build()}.
     */
    public static PoolConfig ofDefaults() {
        return custom().build();
    }

    /** {@return a new builder holding the seed defaults} */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * A builder from {@code trinity.pool.*} properties such as {@code trinity.pool.max-agents=4}
     * (keys and duration forms: {@link PoolConfigLoader}); other keys are ignored.
     *
     * @param properties the properties, by key
     * @return a builder holding them, on top of the seed defaults
     * @throws IllegalArgumentException for an unknown {@code trinity.pool.*} key (naming the
     *         closest valid one) or a bad value (naming key and value)
     */
    public static Builder from(Map<String, String> properties) {
        return PoolConfigLoader.load(properties, Map.of());
    }

    /**
     * {@link #from(Map)} for a {@link Properties} file.
     *
     * @param properties the properties
     * @return a builder holding them, on top of the seed defaults
     */
    public static Builder from(Properties properties) {
        return PoolConfigLoader.load(PoolConfigLoader.strings(properties), Map.of());
    }

    /**
     * {@link #from(Properties)} with {@code TRINITY_POOL_*} variables of {@code env} (usually
     * {@code System.getenv()}) overriding the properties: {@code TRINITY_POOL_MAX_AGENTS}
     * overrides {@code trinity.pool.max-agents}.
     *
     * @param env the environment variables
     * @param base the properties they override
     * @return a builder holding both, on top of the seed defaults
     */
    public static Builder fromEnvironment(Map<String, String> env, Properties base) {
        return PoolConfigLoader.load(PoolConfigLoader.strings(base), env);
    }

    /**
     * A builder that starts from every setting of {@code c}, tenants, resource limits and prices included, to
     * change a copy; {@code c} itself is not affected.
     *
     * @param c the settings to copy, not null
     * @return a new builder
     */
    public static Builder from(PoolConfig c) {
        Builder b = new Builder();
        b.maxAgents = c.maxAgents;
        b.warmPool = c.warmPool;
        b.warmPoolMin = c.warmPoolMin;
        b.warmPoolMax = c.warmPoolMax;
        b.idleTimeout = c.idleTimeout;
        b.spawnRate = c.spawnRate;
        b.healthInterval = c.healthInterval;
        b.stuckAfter = c.stuckAfter;
        b.queueCapacity = c.queueCapacity;
        b.balancer = c.balancer;
        b.balancerSource = c.balancerSource;
        b.balancerSettings = c.balancerSettings;
        b.maxAttempts = c.maxAttempts;
        b.retryBackoff = c.retryBackoff;
        b.retryBackoffMax = c.retryBackoffMax;
        b.agingStep = c.agingStep;
        b.scaleInterval = c.scaleInterval;
        b.targetUtilization = c.targetUtilization;
        b.targetWait = c.targetWait;
        b.scaleDownWindow = c.scaleDownWindow;
        b.restartBackoff = c.restartBackoff;
        b.restartBackoffMax = c.restartBackoffMax;
        b.restartIntensity = c.restartIntensity;
        b.restartWindow = c.restartWindow;
        b.circuitMode = c.circuitMode;
        b.preemptPriority = c.preemptPriority;
        b.statsInterval = c.statsInterval;
        b.qualityWindow = c.qualityWindow;
        b.qualityMargin = c.qualityMargin;
        b.seed = c.seed;
        b.tenants.putAll(c.tenants);
        b.resourceLimits.putAll(c.resourceLimits);
        b.prices.putAll(c.prices.asMap());
        b.fairnessCredit = c.fairnessCredit;
        b.listenerBuffer = c.listenerBuffer;
        b.deadLetterMax = c.deadLetterMax;
        b.deadLetterRetention = c.deadLetterRetention;
        b.maxRateLimitRequeues = c.maxRateLimitRequeues;
        b.circuitMaxWait = c.circuitMaxWait;
        b.explicit.addAll(c.explicit);
        b.unfit();
        return b;
    }

    /** {@return the cap on live agents, SPAWNING and DESTROYING ones included} */
    public int maxAgents() { return maxAgents; }
    /** {@return the number of agents kept READY at start, the adaptive warm pool's starting size} */
    public int warmPool() { return warmPool; }
    /** {@return the lower bound of the adaptive warm pool} */
    public int warmPoolMin() { return warmPoolMin; }
    /** {@return the upper bound of the adaptive warm pool, at most {@link #maxAgents()}} */
    public int warmPoolMax() { return warmPoolMax; }
    /**
     * {@return how long an agent outside the warm pool and its type's minimum may go without work before it
     * is destroyed}
     */
    public Duration idleTimeout() { return idleTimeout; }
    /** {@return the most spawns in any sliding one-second window} */
    public int spawnRate() { return spawnRate; }
    /** {@return the period of the health monitor} */
    public Duration healthInterval() { return healthInterval; }
    /**
     * {@return how long a running task may go without progress before it is stuck, unless its type sets its
     * own}
     */
    public Duration stuckAfter() { return stuckAfter; }
    /** {@return the most pending tasks; beyond it {@code submit} throws {@link QueueFullException}} */
    public int queueCapacity() { return queueCapacity; }
    /** {@return the name of the balancer used by tasks that name none} */
    public String balancer() { return balancer; }
    /**
     * The property or environment variable the balancer's name was read from ({@link PoolConfigLoader}), or
     * null when it was set on the builder or left at its default. A balancer name can only be checked when
     * the pool is built (custom balancers are registered on the {@link PoolBuilder}), so that message names it.
     */
    String balancerSource() { return balancerSource; }
    /** {@return the tuning shared by the built-in balancers} */
    public BalancerSettings balancerSettings() { return balancerSettings; }
    /** {@return the attempts a task gets unless it sets its own, 1 to {@link Task#MAX_ATTEMPTS_LIMIT}} */
    public int maxAttempts() { return maxAttempts; }
    /** {@return the delay before the first retry; it doubles per attempt, with equal jitter} */
    public Duration retryBackoff() { return retryBackoff; }
    /** {@return the longest delay between two attempts} */
    public Duration retryBackoffMax() { return retryBackoffMax; }
    /** {@return the waiting time that raises a queued task's effective priority by one point} */
    public Duration agingStep() { return agingStep; }
    /** {@return the period of the auto-scaler's tick} */
    public Duration scaleInterval() { return scaleInterval; }
    /** {@return the busy share of agent capacity the auto-scaler aims at for a steady flow, in (0, 1]} */
    public double targetUtilization() { return targetUtilization; }
    /**
     * {@return the queue wait the auto-scaler sizes a steady flow for: by the Erlang-C (M/M/c) model of a
     * type's measured arrival rate and service time, at most 1% of its tasks wait longer than this}
     */
    public Duration targetWait() { return targetWait; }
    /**
     * {@return the window whose highest recommendation a scale-down follows, so a noisy load does not make
     * the pool churn}
     */
    public Duration scaleDownWindow() { return scaleDownWindow; }
    /** {@return the delay before a failed agent is replaced; it doubles while its type keeps failing} */
    public Duration restartBackoff() { return restartBackoff; }
    /** {@return the longest delay before a failed agent is replaced} */
    public Duration restartBackoffMax() { return restartBackoffMax; }
    /** {@return the agent failures of one type within {@link #restartWindow()} that open its circuit} */
    public int restartIntensity() { return restartIntensity; }
    /** {@return the sliding window in which {@link #restartIntensity()} failures are counted} */
    public Duration restartWindow() { return restartWindow; }
    /** {@return what tasks of a type whose circuit is open do} */
    public CircuitMode circuitMode() { return circuitMode; }
    /**
     * {@return the priority from which a task may preempt lower-priority running work on a preemptible type}
     */
    public int preemptPriority() { return preemptPriority; }
    /** {@return the period of the {@code pool.stats} event} */
    public Duration statsInterval() { return statsInterval; }
    /** {@return the number of recent results an agent's quality score is taken over} */
    public int qualityWindow() { return qualityWindow; }
    /**
     * {@return how far, as a share, an agent's recent score may fall below its peers' before it is recycled}
     */
    public double qualityMargin() { return qualityMargin; }
    /**
     * {@return the seed of the pool's randomness (balancer sampling, retry jitter), so a virtual-time run
     * replays}
     */
    public long seed() { return seed; }
    /**
     * {@return the tenants configured by name, immutable} A tenant not in this map gets {@link
     * TenantConfig#of(String)}: weight 1, no limits, no budget.
     */
    public Map<String, TenantConfig> tenants() { return tenants; }
    /**
     * The settings of a tenant: its configured ones, or weight 1 and no limits.
     *
     * @param tenant the tenant's name, as tasks carry it
     * @return the tenant's settings, never null
     */
    public TenantConfig tenant(String tenant) {
        TenantConfig t = tenants.get(tenant);
        if (t != null) {
            return t;
        }
        // the defaults of an unlisted tenant, built once per run of its tasks rather than per call
        // (this is on every submit and dispatch); one entry, so any number of tenants costs nothing
        TenantConfig last = lastUnlisted;
        if (last != null && last.name().equals(tenant)) {
            return last;
        }
        last = TenantConfig.of(tenant);
        lastUnlisted = last;
        return last;
    }

    /** The last unlisted tenant's defaults; immutable, so a racy read sees a whole one or null. */
    private transient volatile TenantConfig lastUnlisted;
    /** {@return the pacing limits by resource key, immutable; a resource without an entry is not paced} */
    public Map<String, ResourceLimit> resourceLimits() { return resourceLimits; }
    /** {@return the price per 1,000 tokens of each priced resource, for cost budgets and spend} */
    public Prices prices() { return prices; }
    /**
     * {@return the agent time per unit of weight that a tenant coming back from idle may take ahead of busy
     * tenants} 0 is strict weighted fair queueing.
     */
    public Duration fairnessCredit() { return fairnessCredit; }
    /**
     * {@return the events each listener may fall behind before further events for it are dropped, {@code >= 1}}
     * Dropped events are counted and warned about once; a slow listener never slows the pool.
     */
    public int listenerBuffer() { return listenerBuffer; }
    /**
     * {@return the most dead letters kept, {@code >= 0}} Beyond it the oldest is evicted (event {@code
     * deadletter.evict}, reason {@code count}); 0 keeps none.
     */
    public int deadLetterMax() { return deadLetterMax; }
    /**
     * {@return the age at which a dead letter is evicted (event {@code deadletter.evict}, reason {@code age}),
     * {@code > 0}}
     */
    public Duration deadLetterRetention() { return deadLetterRetention; }
    /**
     * {@return the provider refusals (429) a task may meet before it fails with the provider's last answer,
     * {@code >= 0}} Each refusal requeues the task without spending an attempt.
     */
    public int maxRateLimitRequeues() { return maxRateLimitRequeues; }
    /**
     * {@return in {@link CircuitMode#WAIT}, the longest a queued task of a type that cannot start waits on its
     * open circuit before it fails with the circuit's cause, {@code > 0}} Unused in {@link
     * CircuitMode#FAIL_FAST}.
     */
    public Duration circuitMaxWait() { return circuitMaxWait; }

    @Override
    public String toString() {
        return "PoolConfig[maxAgents=" + maxAgents + ", warmPool=" + warmPool + " (" + warmPoolMin + ".."
                + warmPoolMax + "), idleTimeout=" + idleTimeout + ", spawnRate=" + spawnRate + "/s, healthInterval="
                + healthInterval + ", stuckAfter=" + stuckAfter + ", queueCapacity=" + queueCapacity
                + ", balancer=" + balancer + ", maxAttempts=" + maxAttempts + "]";
    }

    /**
     * Builds a {@link PoolConfig}. Starts at the seed defaults (the {@code DEFAULT_*} constants). Each setter
     * refuses a bad value at once with an {@link IllegalArgumentException} naming the setting and the value;
     * {@link #build()} refuses bad combinations. Not thread-safe: use it on one thread, then share the
     * immutable result.
     */
    public static final class Builder {
        private int maxAgents = DEFAULT_MAX_AGENTS;
        private int warmPool = DEFAULT_WARM_POOL;
        private int warmPoolMin = DEFAULT_WARM_POOL_MIN;
        private int warmPoolMax = DEFAULT_WARM_POOL_MAX;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int spawnRate = DEFAULT_SPAWN_RATE;
        private Duration healthInterval = DEFAULT_HEALTH_INTERVAL;
        private Duration stuckAfter = DEFAULT_STUCK_AFTER;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private String balancer = DEFAULT_BALANCER;
        private String balancerSource;
        private BalancerSettings balancerSettings = BalancerSettings.DEFAULTS;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;
        private Duration agingStep = DEFAULT_AGING_STEP;
        private Duration scaleInterval = DEFAULT_SCALE_INTERVAL;
        private double targetUtilization = DEFAULT_TARGET_UTILIZATION;
        private Duration targetWait = DEFAULT_TARGET_WAIT;
        private Duration scaleDownWindow = DEFAULT_SCALE_DOWN_WINDOW;
        private Duration restartBackoff = DEFAULT_RESTART_BACKOFF;
        private Duration restartBackoffMax = DEFAULT_RESTART_BACKOFF_MAX;
        private int restartIntensity = DEFAULT_RESTART_INTENSITY;
        private Duration restartWindow = DEFAULT_RESTART_WINDOW;
        private CircuitMode circuitMode = CircuitMode.WAIT;
        private int preemptPriority = DEFAULT_PREEMPT_PRIORITY;
        private Duration statsInterval = DEFAULT_STATS_INTERVAL;
        private int qualityWindow = DEFAULT_QUALITY_WINDOW;
        private double qualityMargin = DEFAULT_QUALITY_MARGIN;
        private long seed = 42;
        private final Map<String, TenantConfig> tenants = new LinkedHashMap<>();
        private final Map<String, ResourceLimit> resourceLimits = new LinkedHashMap<>();
        private final Map<String, Double> prices = new LinkedHashMap<>();
        private Duration fairnessCredit = DEFAULT_FAIRNESS_CREDIT;
        private int listenerBuffer = DEFAULT_LISTENER_BUFFER;
        private int deadLetterMax = DEFAULT_DEAD_LETTER_MAX;
        private Duration deadLetterRetention = DEFAULT_DEAD_LETTER_RETENTION;
        private int maxRateLimitRequeues = DEFAULT_MAX_RATE_LIMIT_REQUEUES;
        private Duration circuitMaxWait = DEFAULT_CIRCUIT_MAX_WAIT;
        private final Set<String> explicit = new HashSet<>();

        private Builder() {
        }

        /**
         * Adds or replaces a tenant's weight, limits and budget, keyed by its name.
         *
         * @param t the tenant's settings, not null
         * @return this builder
         */
        public Builder tenant(TenantConfig t) {
            tenants.put(Objects.requireNonNull(t, "tenant").name(), t);
            return this;
        }

        /**
         * Adds or replaces the pacing limits of one resource, keyed by {@link ResourceLimit#resource()}.
         *
         * @param l the resource's limits, not null
         * @return this builder
         */
        public Builder resourceLimit(ResourceLimit l) {
            resourceLimits.put(Objects.requireNonNull(l, "resourceLimit").resource(), l);
            return this;
        }

        /**
         * Sets the price of 1,000 tokens of a resource, for cost budgets and spend. An unpriced resource
         * costs nothing.
         *
         * @param resource the resource key, e.g. {@code "openai:gpt-4o"}, not blank
         * @param per1kTokens the price of 1,000 tokens, in the budget's currency, finite and {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if the key is blank or the price negative or not finite
         */
        public Builder price(String resource, double per1kTokens) {
            if (resource == null || resource.isBlank()) {
                throw new IllegalArgumentException("price needs a resource key such as 'openai:gpt-4o' (got "
                        + (resource == null ? "null" : "'" + resource + "'") + ")");
            }
            if (Double.isNaN(per1kTokens) || Double.isInfinite(per1kTokens) || per1kTokens < 0) {
                throw new IllegalArgumentException("price of resource '" + resource
                        + "' must be a finite number >= 0 per 1000 tokens (got " + per1kTokens + ")");
            }
            prices.put(resource, per1kTokens);
            return this;
        }

        /**
         * Sets the agent time per unit of weight that a tenant coming back from idle may take ahead of busy
         * tenants: larger favours bursty light tenants, 0 is strict weighted fair queueing. Default {@link
         * #DEFAULT_FAIRNESS_CREDIT 30 s}.
         *
         * @param v the credit, {@code >= 0}
         * @return this builder
         */
        public Builder fairnessCredit(Duration v) { fairnessCredit = nonNegative("fairnessCredit", v); return this; }

        /**
         * Sets the cap on live agents, SPAWNING and DESTROYING ones included: the pool's hard resource bound.
         * Warm-pool settings left at their defaults shrink to fit it. Default {@value #DEFAULT_MAX_AGENTS}.
         *
         * @param v the cap, {@code >= 1}
         * @return this builder
         */
        public Builder maxAgents(int v) { maxAgents = atLeast("maxAgents", v, 1); explicit.add("maxAgents"); return this; }
        /**
         * Sets the number of agents kept READY, never reclaimed by the idle timeout; the pool then adapts it
         * to forecast demand between {@code warmPoolMin} and {@code warmPoolMax}, which follow it unless set
         * explicitly. Default {@value #DEFAULT_WARM_POOL}.
         *
         * @param v the starting warm pool, {@code >= 0}
         * @return this builder
         */
        public Builder warmPool(int v) { warmPool = atLeast("warmPool", v, 0); explicit.add("warmPool"); return this; }
        /**
         * Sets the lower bound of the adaptive warm pool. Default {@value #DEFAULT_WARM_POOL_MIN}.
         *
         * @param v the bound, {@code >= 0} and at most {@code warmPool} at {@link #build()}
         * @return this builder
         */
        public Builder warmPoolMin(int v) { warmPoolMin = atLeast("warmPoolMin", v, 0); explicit.add("warmPoolMin"); return this; }
        /**
         * Sets the upper bound of the adaptive warm pool. Default {@value #DEFAULT_WARM_POOL_MAX}.
         *
         * @param v the bound, {@code >= 0}, at least {@code warmPool} and at most {@code maxAgents} at {@link
         *     #build()}
         * @return this builder
         */
        public Builder warmPoolMax(int v) { warmPoolMax = atLeast("warmPoolMax", v, 0); explicit.add("warmPoolMax"); return this; }
        /**
         * Sets how long an agent may go without work before it is destroyed, unless it belongs to the warm
         * pool or its type's minimum. Shorter saves agent time, longer saves cold starts. Default 60 s.
         *
         * @param v the timeout, {@code > 0}
         * @return this builder
         */
        public Builder idleTimeout(Duration v) { idleTimeout = positive("idleTimeout", v); return this; }
        /**
         * Sets the most spawns in any sliding one-second window; further spawns wait and are coalesced, so a
         * burst cannot start a herd. Default {@value #DEFAULT_SPAWN_RATE}.
         *
         * @param v spawns per second, {@code >= 1}
         * @return this builder
         */
        public Builder spawnRate(int v) { spawnRate = atLeast("spawnRate", v, 1); return this; }
        /**
         * Sets the period of the health monitor: a stuck task is found between {@code stuckAfter} and {@code
         * stuckAfter + healthInterval} after its last progress. Default 5 s.
         *
         * @param v the period, {@code > 0}
         * @return this builder
         */
        public Builder healthInterval(Duration v) { healthInterval = positive("healthInterval", v); return this; }
        /**
         * Sets how long a running task may go without progress before the health monitor fails its agent; a
         * type may set its own ({@link AgentType#withStuckAfter(Duration)}). Default 30 s.
         *
         * @param v the threshold, {@code > 0}
         * @return this builder
         */
        public Builder stuckAfter(Duration v) { stuckAfter = positive("stuckAfter", v); return this; }
        /**
         * Sets the most pending tasks; a full queue refuses new tasks at once with {@link
         * QueueFullException}, never blocking the caller and never dropping work. Default {@value
         * #DEFAULT_QUEUE_CAPACITY}.
         *
         * @param v the capacity, {@code >= 1}
         * @return this builder
         */
        public Builder queueCapacity(int v) { queueCapacity = atLeast("queueCapacity", v, 1); return this; }
        /**
         * Sets the balancer used by tasks that name none, by registered name (built-ins in {@link
         * Balancers}). An unknown name is refused when the pool is built, since balancers of its own are
         * registered on the {@link PoolBuilder}. Default {@value #DEFAULT_BALANCER}.
         *
         * @param v the balancer's name, not blank
         * @return this builder
         */
        public Builder balancer(String v) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("balancer must be a balancer name such as '"
                        + Balancers.LEAST_LOADED + "' (got " + (v == null ? "null" : "'" + v + "'") + ")");
            }
            balancer = v;
            balancerSource = null;
            return this;
        }
        /** For {@link PoolConfigLoader}: the property or variable the balancer's name was just read from. */
        Builder balancerSource(String source) { balancerSource = source; return this; }
        /**
         * Sets the tuning of the built-in balancers. Default {@link BalancerSettings#DEFAULTS}.
         *
         * @param v the settings, not null
         * @return this builder
         */
        public Builder balancerSettings(BalancerSettings v) { balancerSettings = Objects.requireNonNull(v, "balancerSettings"); return this; }
        /**
         * Sets the attempts a task gets unless it sets its own; after the last one it is dead-lettered.
         * Default {@value #DEFAULT_MAX_ATTEMPTS}.
         *
         * @param v attempts, 1 to {@link Task#MAX_ATTEMPTS_LIMIT}
         * @return this builder
         */
        public Builder maxAttempts(int v) {
            if (v < 1 || v > Task.MAX_ATTEMPTS_LIMIT) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and " + Task.MAX_ATTEMPTS_LIMIT + " (got " + v + ")");
            }
            maxAttempts = v;
            return this;
        }
        /**
         * Sets the delay before the first retry; it doubles per attempt up to {@code retryBackoffMax}, with
         * equal jitter. Default 200 ms.
         *
         * @param v the delay, {@code >= 0}
         * @return this builder
         */
        public Builder retryBackoff(Duration v) { retryBackoff = nonNegative("retryBackoff", v); explicit.add("retryBackoff"); return this; }
        /**
         * Sets the longest delay between two attempts. Default 30 s.
         *
         * @param v the cap, {@code >= 0} and at least {@code retryBackoff} at {@link #build()}
         * @return this builder
         */
        public Builder retryBackoffMax(Duration v) { retryBackoffMax = nonNegative("retryBackoffMax", v); explicit.add("retryBackoffMax"); return this; }
        /**
         * Sets the waiting time that raises a queued task's effective priority by one point, so a low
         * priority is delayed, never starved. Default 1 s.
         *
         * @param v the step, {@code > 0}
         * @return this builder
         */
        public Builder agingStep(Duration v) { agingStep = positive("agingStep", v); return this; }
        /**
         * Sets the period of the auto-scaler's tick. Default 1 s.
         *
         * @param v the period, {@code > 0}
         * @return this builder
         */
        public Builder scaleInterval(Duration v) { scaleInterval = positive("scaleInterval", v); return this; }
        /**
         * Sets the busy share of agent capacity the auto-scaler aims at for a steady flow; lower keeps more
         * headroom. Default {@value #DEFAULT_TARGET_UTILIZATION}.
         *
         * @param v the share, in (0, 1]
         * @return this builder
         */
        public Builder targetUtilization(double v) {
            if (!(v > 0 && v <= 1)) {
                throw new IllegalArgumentException("targetUtilization must be in (0, 1] (got " + v + ")");
            }
            targetUtilization = v;
            return this;
        }
        /**
         * Sets the queue wait the auto-scaler sizes a steady flow for: it keeps the fewest agents for which,
         * by the Erlang-C (M/M/c) model of the type's measured arrival rate and mean service time, at most 1%
         * of the tasks wait longer than this (and never fewer than {@code targetUtilization} asks for). Lower
         * buys shorter waits with more idle agents; 0 aims at almost no task waiting. Service times less
         * variable than exponential ones wait less than the model says. A wait of a cold start or more also
         * means waiting tasks that running work starts within it get no on-demand agent, and a scale-down
         * no longer keeps the most agents busy at any moment of its window (see the auto-scaler). Default
         * 700 ms.
         *
         * @param v the wait, {@code >= 0}
         * @return this builder
         */
        public Builder targetWait(Duration v) { targetWait = nonNegative("targetWait", v); return this; }
        /**
         * Sets the window whose highest recommendation a scale-down follows, so a noisy load does not make
         * the pool churn; 0 scales down at once. Default 60 s.
         *
         * @param v the window, {@code >= 0}
         * @return this builder
         */
        public Builder scaleDownWindow(Duration v) { scaleDownWindow = nonNegative("scaleDownWindow", v); return this; }
        /**
         * Sets the delay before a failed agent is replaced; it doubles while its type keeps failing, up to
         * {@code restartBackoffMax}. Default 1 s.
         *
         * @param v the delay, {@code >= 0}
         * @return this builder
         */
        public Builder restartBackoff(Duration v) { restartBackoff = nonNegative("restartBackoff", v); explicit.add("restartBackoff"); return this; }
        /**
         * Sets the longest delay before a failed agent is replaced. Default 60 s.
         *
         * @param v the cap, {@code >= 0} and at least {@code restartBackoff} at {@link #build()}
         * @return this builder
         */
        public Builder restartBackoffMax(Duration v) { restartBackoffMax = nonNegative("restartBackoffMax", v); explicit.add("restartBackoffMax"); return this; }
        /**
         * Sets how many agent failures of one type within {@code restartWindow} open its circuit. Default
         * {@value #DEFAULT_RESTART_INTENSITY}.
         *
         * @param v failures, {@code >= 1}
         * @return this builder
         */
        public Builder restartIntensity(int v) { restartIntensity = atLeast("restartIntensity", v, 1); return this; }
        /**
         * Sets the sliding window in which a type's agent failures are counted. Default 60 s.
         *
         * @param v the window, {@code > 0}
         * @return this builder
         */
        public Builder restartWindow(Duration v) { restartWindow = positive("restartWindow", v); return this; }
        /**
         * Sets what tasks of a type whose circuit is open do. Default {@link CircuitMode#WAIT}.
         *
         * @param v the mode, not null
         * @return this builder
         */
        public Builder circuitMode(CircuitMode v) { circuitMode = Objects.requireNonNull(v, "circuitMode"); return this; }
        /**
         * Sets the priority from which a task may preempt lower-priority running work on a preemptible type;
         * the preempted task goes back to the queue. Default {@value #DEFAULT_PREEMPT_PRIORITY}. It is compared
         * with {@link Task#priority()}, so it takes the same range; to let no task preempt a type's work, make
         * the type not preemptible ({@link AgentType#withPreemptible(boolean)}).
         *
         * @param v the priority, from {@link Task#MIN_PRIORITY} to {@link Task#MAX_PRIORITY}
         * @return this builder
         * @throws IllegalArgumentException if {@code v} is outside that range
         */
        public Builder preemptPriority(int v) {
            if (v < Task.MIN_PRIORITY || v > Task.MAX_PRIORITY) {
                throw new IllegalArgumentException("preemptPriority must be between " + Task.MIN_PRIORITY + " and "
                        + Task.MAX_PRIORITY + ", the range of task priorities (got " + v + "); to stop preemption,"
                        + " make the types not preemptible with AgentType.withPreemptible(false)");
            }
            preemptPriority = v;
            return this;
        }
        /**
         * Sets the period of the {@code pool.stats} event. Default 5 s.
         *
         * @param v the period, {@code > 0}
         * @return this builder
         */
        public Builder statsInterval(Duration v) { statsInterval = positive("statsInterval", v); return this; }
        /**
         * Sets the number of recent results an agent's quality score is taken over. Default {@value
         * #DEFAULT_QUALITY_WINDOW}.
         *
         * @param v results, {@code >= 2}
         * @return this builder
         */
        public Builder qualityWindow(int v) { qualityWindow = atLeast("qualityWindow", v, 2); return this; }
        /**
         * Sets how far, as a share, an agent's recent score may fall below its peers' before it is recycled.
         * Default {@value #DEFAULT_QUALITY_MARGIN}.
         *
         * @param v the margin, in (0, 1)
         * @return this builder
         */
        public Builder qualityMargin(double v) {
            if (!(v > 0 && v < 1)) {
                throw new IllegalArgumentException("qualityMargin must be in (0, 1) (got " + v + ")");
            }
            qualityMargin = v;
            return this;
        }
        /**
         * Seeds the pool's randomness (balancer sampling, retry jitter) so a virtual-time run replays
         * exactly. Default 42.
         *
         * @param v the seed
         * @return this builder
         */
        public Builder seed(long v) { seed = v; return this; }
        /**
         * Sets how many events each listener may fall behind before further events for it are dropped;
         * dropped events are counted and warned about once, so a slow listener never slows the pool. Default
         * {@value #DEFAULT_LISTENER_BUFFER}.
         *
         * @param v events, {@code >= 1}
         * @return this builder
         */
        public Builder listenerBuffer(int v) { listenerBuffer = atLeast("listenerBuffer", v, 1); return this; }
        /**
         * Sets the most dead letters kept; beyond it the oldest is evicted (event {@code deadletter.evict}).
         * Default {@value #DEFAULT_DEAD_LETTER_MAX}.
         *
         * @param v dead letters, {@code >= 0}; 0 keeps none (each is evicted at once, with its event)
         * @return this builder
         */
        public Builder deadLetterMax(int v) { deadLetterMax = atLeast("deadLetterMax", v, 0); return this; }
        /**
         * Sets how long a dead letter is kept before it is evicted (event {@code deadletter.evict}). Default
         * 24 h.
         *
         * @param v the age, {@code > 0}
         * @return this builder
         */
        public Builder deadLetterRetention(Duration v) { deadLetterRetention = positive("deadLetterRetention", v); return this; }
        /**
         * Sets how many provider refusals (429) a task may meet, each requeued without spending an attempt,
         * before it fails with the provider's last answer. Default {@value #DEFAULT_MAX_RATE_LIMIT_REQUEUES}.
         *
         * @param v refusals, {@code >= 0}; 0 fails the task at the first
         * @return this builder
         */
        public Builder maxRateLimitRequeues(int v) { maxRateLimitRequeues = atLeast("maxRateLimitRequeues", v, 0); return this; }
        /**
         * Sets, in {@link CircuitMode#WAIT}, how long a queued task of a type that cannot start (its last
         * spawn failed in init and no agent is up) waits on the open circuit before it fails with the
         * circuit's cause. Default 60 s.
         *
         * @param v the wait, {@code > 0}
         * @return this builder
         */
        public Builder circuitMaxWait(Duration v) { circuitMaxWait = positive("circuitMaxWait", v); return this; }

        /**
         * Checks the combination of settings and builds the immutable config.
         *
         * @return the config
         * @throws IllegalArgumentException naming the settings and values, if {@code warmPoolMin >
         *     warmPoolMax}, {@code warmPool} is outside them, {@code maxAgents < warmPoolMax}, or a backoff's
         *     max is below its start
         */
        public PoolConfig build() {
            // Fit a copy, so this builder stays as the caller left it and can be changed and built again.
            Builder b = from(new PoolConfig(this));
            b.fit();
            b.check();
            return new PoolConfig(b);
        }

        /** Moves the defaults of settings not given explicitly to fit the ones that were. */
        private void fit() {
            if (!explicit.contains("warmPoolMax")) {
                warmPoolMax = Math.min(warmPoolMax, maxAgents);
                warmPoolMax = Math.max(warmPoolMax, explicit.contains("warmPool") ? warmPool : 0);
                warmPoolMax = Math.max(warmPoolMax, explicit.contains("warmPoolMin") ? warmPoolMin : 0);
            }
            if (!explicit.contains("warmPoolMin")) {
                warmPoolMin = Math.min(warmPoolMin, explicit.contains("warmPool") ? warmPool : warmPoolMax);
            }
            if (!explicit.contains("warmPool")) {
                warmPool = Math.max(warmPoolMin, Math.min(warmPool, warmPoolMax));
            }
            if (!explicit.contains("retryBackoffMax")) {
                retryBackoffMax = max(retryBackoffMax, retryBackoff);
            } else if (!explicit.contains("retryBackoff")) {
                retryBackoff = min(retryBackoff, retryBackoffMax);
            }
            if (!explicit.contains("restartBackoffMax")) {
                restartBackoffMax = max(restartBackoffMax, restartBackoff);
            } else if (!explicit.contains("restartBackoff")) {
                restartBackoff = min(restartBackoff, restartBackoffMax);
            }
        }

        /** Undoes {@link #fit()} on a copy, so its defaults fit the copy's own settings. */
        private void unfit() {
            if (!explicit.contains("warmPool")) { warmPool = DEFAULT_WARM_POOL; }
            if (!explicit.contains("warmPoolMin")) { warmPoolMin = DEFAULT_WARM_POOL_MIN; }
            if (!explicit.contains("warmPoolMax")) { warmPoolMax = DEFAULT_WARM_POOL_MAX; }
            if (!explicit.contains("retryBackoff")) { retryBackoff = DEFAULT_RETRY_BACKOFF; }
            if (!explicit.contains("retryBackoffMax")) { retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX; }
            if (!explicit.contains("restartBackoff")) { restartBackoff = DEFAULT_RESTART_BACKOFF; }
            if (!explicit.contains("restartBackoffMax")) { restartBackoffMax = DEFAULT_RESTART_BACKOFF_MAX; }
        }

        /** After {@link #fit()} only explicit settings can conflict; the messages name them. */
        private void check() {
            // Explicit settings first: the message should name what the caller set, not a default that followed it.
            for (boolean explicitFirst : new boolean[] {true, false}) {
                fitsMaxAgents("warmPool", warmPool, explicitFirst);
                fitsMaxAgents("warmPoolMin", warmPoolMin, explicitFirst);
                fitsMaxAgents("warmPoolMax", warmPoolMax, explicitFirst);
            }
            if (warmPoolMin > warmPoolMax) {
                throw new IllegalArgumentException("warmPoolMin must be <= warmPoolMax (got warmPoolMin=" + warmPoolMin
                        + ", warmPoolMax=" + warmPoolMax + "); lower warmPoolMin or raise warmPoolMax");
            }
            if (warmPool < warmPoolMin || warmPool > warmPoolMax) {
                throw new IllegalArgumentException("warmPool must be between warmPoolMin and warmPoolMax (got warmPool="
                        + warmPool + ", warmPoolMin=" + warmPoolMin + ", warmPoolMax=" + warmPoolMax
                        + "); change warmPool or the bound it is outside");
            }
            if (retryBackoffMax.compareTo(retryBackoff) < 0) {
                throw new IllegalArgumentException("retryBackoffMax must be >= retryBackoff (got retryBackoffMax="
                        + retryBackoffMax + ", retryBackoff=" + retryBackoff + "); lower retryBackoff or raise retryBackoffMax");
            }
            if (restartBackoffMax.compareTo(restartBackoff) < 0) {
                throw new IllegalArgumentException("restartBackoffMax must be >= restartBackoff (got restartBackoffMax="
                        + restartBackoffMax + ", restartBackoff=" + restartBackoff
                        + "); lower restartBackoff or raise restartBackoffMax");
            }
        }

        private void fitsMaxAgents(String name, int v, boolean onlyExplicit) {
            if (maxAgents < v && (explicit.contains(name) || !onlyExplicit)) {
                throw new IllegalArgumentException("maxAgents must be >= " + name + " (got maxAgents=" + maxAgents
                        + (explicit.contains("maxAgents") ? "" : " (the default)") + ", " + name + "=" + v
                        + "); lower " + name + " or raise maxAgents");
            }
        }

        private static Duration max(Duration a, Duration b) { return a.compareTo(b) >= 0 ? a : b; }
        private static Duration min(Duration a, Duration b) { return a.compareTo(b) <= 0 ? a : b; }

        private static int atLeast(String name, int v, int min) {
            if (v < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + " (got " + v + ")");
            }
            return v;
        }

        private static Duration positive(String name, Duration v) {
            if (v == null || v.isZero() || v.isNegative()) {
                throw new IllegalArgumentException(name + " must be > 0 (got " + v + ")");
            }
            return v;
        }

        private static Duration nonNegative(String name, Duration v) {
            if (v == null || v.isNegative()) {
                throw new IllegalArgumentException(name + " must be >= 0 (got " + v + ")");
            }
            return v;
        }
    }
}
