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
 *       warm count between <b>warmPoolMin</b> and <b>warmPoolMax</b> to forecast demand.</li>
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

    public static final int DEFAULT_MAX_AGENTS = 16;
    public static final int DEFAULT_WARM_POOL = 3;
    public static final int DEFAULT_WARM_POOL_MIN = 1;
    public static final int DEFAULT_WARM_POOL_MAX = 6;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_SPAWN_RATE = 10;
    public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_STUCK_AFTER = Duration.ofSeconds(30);
    public static final int DEFAULT_QUEUE_CAPACITY = 100;
    public static final String DEFAULT_BALANCER = Balancers.LEAST_LOADED;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(30);
    public static final Duration DEFAULT_AGING_STEP = Duration.ofSeconds(1);
    public static final Duration DEFAULT_SCALE_INTERVAL = Duration.ofSeconds(1);
    public static final double DEFAULT_TARGET_UTILIZATION = 0.75;
    public static final Duration DEFAULT_SCALE_DOWN_WINDOW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RESTART_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RESTART_BACKOFF_MAX = Duration.ofSeconds(60);
    public static final int DEFAULT_RESTART_INTENSITY = 5;
    public static final Duration DEFAULT_RESTART_WINDOW = Duration.ofSeconds(60);
    public static final int DEFAULT_PREEMPT_PRIORITY = 100;
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_QUALITY_WINDOW = 20;
    public static final double DEFAULT_QUALITY_MARGIN = 0.25;
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
     * What a queued task of a type whose circuit is open does. {@code WAIT} (the default): it
     * stays queued while the circuit probes for a healthy agent, and fails with the circuit's
     * cause only once it has waited {@link #circuitMaxWait()}; a transient crash storm then costs
     * no work, and a type that cannot start at all (a bad key, a missing class) still fails its
     * tasks within that bound. {@code FAIL_FAST}: every queued and new task of the type fails at
     * once, which frees callers soonest but fails work a retry would have saved.
     */
    public enum CircuitMode { FAIL_FAST, WAIT }

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
    private final BalancerSettings balancerSettings;
    private final int maxAttempts;
    private final Duration retryBackoff;
    private final Duration retryBackoffMax;
    private final Duration agingStep;
    private final Duration scaleInterval;
    private final double targetUtilization;
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
        balancerSettings = b.balancerSettings;
        maxAttempts = b.maxAttempts;
        retryBackoff = b.retryBackoff;
        retryBackoffMax = b.retryBackoffMax;
        agingStep = b.agingStep;
        scaleInterval = b.scaleInterval;
        targetUtilization = b.targetUtilization;
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

    public static PoolConfig ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /**
     * A builder from {@code trinity.pool.*} properties such as {@code trinity.pool.max-agents=4}
     * (keys and duration forms: {@link PoolConfigLoader}); other keys are ignored.
     *
     * @throws IllegalArgumentException for an unknown {@code trinity.pool.*} key (naming the
     *         closest valid one) or a bad value (naming key and value)
     */
    public static Builder from(Map<String, String> properties) {
        return PoolConfigLoader.load(properties, Map.of());
    }

    /** {@link #from(Map)} for a {@link Properties} file. */
    public static Builder from(Properties properties) {
        return PoolConfigLoader.load(PoolConfigLoader.strings(properties), Map.of());
    }

    /**
     * {@link #from(Properties)} with {@code TRINITY_POOL_*} variables of {@code env} (usually
     * {@code System.getenv()}) overriding the properties: {@code TRINITY_POOL_MAX_AGENTS}
     * overrides {@code trinity.pool.max-agents}.
     */
    public static Builder fromEnvironment(Map<String, String> env, Properties base) {
        return PoolConfigLoader.load(PoolConfigLoader.strings(base), env);
    }

    /** A builder that starts from {@code config}. */
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
        b.balancerSettings = c.balancerSettings;
        b.maxAttempts = c.maxAttempts;
        b.retryBackoff = c.retryBackoff;
        b.retryBackoffMax = c.retryBackoffMax;
        b.agingStep = c.agingStep;
        b.scaleInterval = c.scaleInterval;
        b.targetUtilization = c.targetUtilization;
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

    public int maxAgents() { return maxAgents; }
    public int warmPool() { return warmPool; }
    public int warmPoolMin() { return warmPoolMin; }
    public int warmPoolMax() { return warmPoolMax; }
    public Duration idleTimeout() { return idleTimeout; }
    public int spawnRate() { return spawnRate; }
    public Duration healthInterval() { return healthInterval; }
    public Duration stuckAfter() { return stuckAfter; }
    public int queueCapacity() { return queueCapacity; }
    public String balancer() { return balancer; }
    public BalancerSettings balancerSettings() { return balancerSettings; }
    public int maxAttempts() { return maxAttempts; }
    public Duration retryBackoff() { return retryBackoff; }
    public Duration retryBackoffMax() { return retryBackoffMax; }
    public Duration agingStep() { return agingStep; }
    public Duration scaleInterval() { return scaleInterval; }
    public double targetUtilization() { return targetUtilization; }
    public Duration scaleDownWindow() { return scaleDownWindow; }
    public Duration restartBackoff() { return restartBackoff; }
    public Duration restartBackoffMax() { return restartBackoffMax; }
    public int restartIntensity() { return restartIntensity; }
    public Duration restartWindow() { return restartWindow; }
    public CircuitMode circuitMode() { return circuitMode; }
    public int preemptPriority() { return preemptPriority; }
    public Duration statsInterval() { return statsInterval; }
    public int qualityWindow() { return qualityWindow; }
    public double qualityMargin() { return qualityMargin; }
    public long seed() { return seed; }
    /** Tenants configured by name; others get {@link TenantConfig#of}. */
    public Map<String, TenantConfig> tenants() { return tenants; }
    /** The settings of {@code tenant}: its registered config, or weight 1 and no limits. */
    public TenantConfig tenant(String tenant) {
        TenantConfig t = tenants.get(tenant);
        return t != null ? t : TenantConfig.of(tenant);
    }
    public Map<String, ResourceLimit> resourceLimits() { return resourceLimits; }
    public Prices prices() { return prices; }
    public Duration fairnessCredit() { return fairnessCredit; }
    /** Events each listener may fall behind before events for it are dropped and counted. */
    public int listenerBuffer() { return listenerBuffer; }
    /** Most dead letters kept; the oldest is evicted beyond it. */
    public int deadLetterMax() { return deadLetterMax; }
    /** Age at which a dead letter is evicted. */
    public Duration deadLetterRetention() { return deadLetterRetention; }
    /** Provider refusals (429) a task may meet, each requeued without spending an attempt, before it fails. */
    public int maxRateLimitRequeues() { return maxRateLimitRequeues; }
    /** In {@link CircuitMode#WAIT}, the longest a queued task waits on an open circuit before failing. */
    public Duration circuitMaxWait() { return circuitMaxWait; }

    @Override
    public String toString() {
        return "PoolConfig[maxAgents=" + maxAgents + ", warmPool=" + warmPool + " (" + warmPoolMin + ".."
                + warmPoolMax + "), idleTimeout=" + idleTimeout + ", spawnRate=" + spawnRate + "/s, healthInterval="
                + healthInterval + ", stuckAfter=" + stuckAfter + ", queueCapacity=" + queueCapacity
                + ", balancer=" + balancer + ", maxAttempts=" + maxAttempts + "]";
    }

    /** Builds a {@link PoolConfig}. Starts at the seed defaults. */
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
        private BalancerSettings balancerSettings = BalancerSettings.DEFAULTS;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;
        private Duration agingStep = DEFAULT_AGING_STEP;
        private Duration scaleInterval = DEFAULT_SCALE_INTERVAL;
        private double targetUtilization = DEFAULT_TARGET_UTILIZATION;
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

        /** Adds or replaces a tenant's weight, limits and budget. */
        public Builder tenant(TenantConfig t) {
            tenants.put(Objects.requireNonNull(t, "tenant").name(), t);
            return this;
        }

        /** Adds or replaces the limits of one resource (by its key). */
        public Builder resourceLimit(ResourceLimit l) {
            resourceLimits.put(Objects.requireNonNull(l, "resourceLimit").resource(), l);
            return this;
        }

        /** Sets the price of 1,000 tokens of {@code resource}, for cost budgets and spend. */
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

        public Builder fairnessCredit(Duration v) { fairnessCredit = nonNegative("fairnessCredit", v); return this; }

        public Builder maxAgents(int v) { maxAgents = atLeast("maxAgents", v, 1); explicit.add("maxAgents"); return this; }
        /** Sets the warm pool; min and max follow it unless set explicitly. */
        public Builder warmPool(int v) { warmPool = atLeast("warmPool", v, 0); explicit.add("warmPool"); return this; }
        public Builder warmPoolMin(int v) { warmPoolMin = atLeast("warmPoolMin", v, 0); explicit.add("warmPoolMin"); return this; }
        public Builder warmPoolMax(int v) { warmPoolMax = atLeast("warmPoolMax", v, 0); explicit.add("warmPoolMax"); return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = positive("idleTimeout", v); return this; }
        public Builder spawnRate(int v) { spawnRate = atLeast("spawnRate", v, 1); return this; }
        public Builder healthInterval(Duration v) { healthInterval = positive("healthInterval", v); return this; }
        public Builder stuckAfter(Duration v) { stuckAfter = positive("stuckAfter", v); return this; }
        public Builder queueCapacity(int v) { queueCapacity = atLeast("queueCapacity", v, 1); return this; }
        public Builder balancer(String v) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("balancer must be a balancer name such as '"
                        + Balancers.LEAST_LOADED + "' (got " + (v == null ? "null" : "'" + v + "'") + ")");
            }
            balancer = v;
            return this;
        }
        public Builder balancerSettings(BalancerSettings v) { balancerSettings = Objects.requireNonNull(v, "balancerSettings"); return this; }
        public Builder maxAttempts(int v) {
            if (v < 1 || v > Task.MAX_ATTEMPTS_LIMIT) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and " + Task.MAX_ATTEMPTS_LIMIT + " (got " + v + ")");
            }
            maxAttempts = v;
            return this;
        }
        public Builder retryBackoff(Duration v) { retryBackoff = nonNegative("retryBackoff", v); explicit.add("retryBackoff"); return this; }
        public Builder retryBackoffMax(Duration v) { retryBackoffMax = nonNegative("retryBackoffMax", v); explicit.add("retryBackoffMax"); return this; }
        public Builder agingStep(Duration v) { agingStep = positive("agingStep", v); return this; }
        public Builder scaleInterval(Duration v) { scaleInterval = positive("scaleInterval", v); return this; }
        public Builder targetUtilization(double v) {
            if (!(v > 0 && v <= 1)) {
                throw new IllegalArgumentException("targetUtilization must be in (0, 1] (got " + v + ")");
            }
            targetUtilization = v;
            return this;
        }
        public Builder scaleDownWindow(Duration v) { scaleDownWindow = nonNegative("scaleDownWindow", v); return this; }
        public Builder restartBackoff(Duration v) { restartBackoff = nonNegative("restartBackoff", v); explicit.add("restartBackoff"); return this; }
        public Builder restartBackoffMax(Duration v) { restartBackoffMax = nonNegative("restartBackoffMax", v); explicit.add("restartBackoffMax"); return this; }
        public Builder restartIntensity(int v) { restartIntensity = atLeast("restartIntensity", v, 1); return this; }
        public Builder restartWindow(Duration v) { restartWindow = positive("restartWindow", v); return this; }
        public Builder circuitMode(CircuitMode v) { circuitMode = Objects.requireNonNull(v, "circuitMode"); return this; }
        /** Tasks with at least this priority may preempt lower-priority running work. */
        public Builder preemptPriority(int v) { preemptPriority = v; return this; }
        public Builder statsInterval(Duration v) { statsInterval = positive("statsInterval", v); return this; }
        public Builder qualityWindow(int v) { qualityWindow = atLeast("qualityWindow", v, 2); return this; }
        public Builder qualityMargin(double v) {
            if (!(v > 0 && v < 1)) {
                throw new IllegalArgumentException("qualityMargin must be in (0, 1) (got " + v + ")");
            }
            qualityMargin = v;
            return this;
        }
        /** Seeds the pool's randomness (balancer sampling, retry jitter) so runs replay. */
        public Builder seed(long v) { seed = v; return this; }
        /** Events a listener may fall behind before further events for it are dropped (counted). */
        public Builder listenerBuffer(int v) { listenerBuffer = atLeast("listenerBuffer", v, 1); return this; }
        /** Most dead letters kept; 0 keeps none (each is evicted at once, with its event). */
        public Builder deadLetterMax(int v) { deadLetterMax = atLeast("deadLetterMax", v, 0); return this; }
        /** How long a dead letter is kept. */
        public Builder deadLetterRetention(Duration v) { deadLetterRetention = positive("deadLetterRetention", v); return this; }
        /** Provider refusals (429) a task may meet before it fails; 0 fails it at the first. */
        public Builder maxRateLimitRequeues(int v) { maxRateLimitRequeues = atLeast("maxRateLimitRequeues", v, 0); return this; }
        /** In {@link CircuitMode#WAIT}, the longest a queued task waits on an open circuit. */
        public Builder circuitMaxWait(Duration v) { circuitMaxWait = positive("circuitMaxWait", v); return this; }

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
