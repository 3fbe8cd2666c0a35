package io.trinity.pool;

import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.balance.LoadBalancer;
import io.trinity.pool.event.PoolListener;
import io.trinity.pool.internal.Engine;
import io.trinity.pool.spawn.SpawnStrategy;
import io.trinity.pool.time.PoolClock;
import io.trinity.pool.time.VirtualClock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * Assembles an {@link AgentPool}: config, agent types, balancers, listeners, clock and executors; get one
 * from {@link AgentPool#builder()}. {@link #build()} starts the pool. Not thread-safe.
 */
public final class PoolBuilder {

    private PoolConfig config = PoolConfig.ofDefaults();
    private final Map<String, AgentType> types = new LinkedHashMap<>();
    private final Map<String, LoadBalancer.Factory> balancers = new LinkedHashMap<>(Balancers.builtIn());
    private final List<PoolListener> listeners = new ArrayList<>();
    private final List<SpawnStrategy> spawnStrategies = new ArrayList<>();
    private PoolClock clock = PoolClock.system();
    private Executor agentExecutor;
    private Executor loopExecutor;
    private Executor callbackExecutor;
    private boolean deterministic;
    private io.trinity.pool.journal.Journal journal;
    private IntSupplier agentLimit;

    PoolBuilder() {
    }

    /**
     * Sets the pool's settings. Default {@link PoolConfig#ofDefaults()}.
     *
     * @param config the settings, not null
     * @return this builder
     */
    public PoolBuilder config(PoolConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        return this;
    }

    /**
     * Registers an agent type with default per-type settings ({@link AgentType#of}).
     *
     * @param type the type name tasks use, not blank
     * @param factory creates the type's agents, not null
     * @return this builder
     * @throws IllegalArgumentException if a type of this name is already registered
     */
    public PoolBuilder register(String type, AgentFactory factory) {
        return register(AgentType.of(type, factory));
    }

    /**
     * Registers an agent type with its per-type settings. A task whose type is not registered runs on the
     * {@code generic} type if one is registered, and is refused otherwise.
     *
     * @param type the type, not null
     * @return this builder
     * @throws IllegalArgumentException if a type of this name is already registered
     */
    public PoolBuilder register(AgentType type) {
        Objects.requireNonNull(type, "type");
        if (types.putIfAbsent(type.name(), type) != null) {
            throw new IllegalArgumentException("agent type '" + type.name() + "' is registered twice;"
                    + " register each type once");
        }
        return this;
    }

    /**
     * Adds a balancer tasks (or {@link PoolConfig#balancer()}) can name, or replaces one, built-ins included
     * ({@link Balancers#builtIn()}).
     *
     * @param name the name tasks use, not null
     * @param factory makes the balancer for each pool built, not null
     * @return this builder
     */
    public PoolBuilder balancer(String name, LoadBalancer.Factory factory) {
        balancers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(factory, "factory"));
        return this;
    }

    /**
     * Adds a listener for every {@link io.trinity.pool.event.PoolEvent}. Listeners are called in the order
     * added, each event in order; they must be quick (see {@link PoolListener}).
     *
     * @param listener the listener, not null
     * @return this builder
     */
    public PoolBuilder listener(PoolListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Adds a spawning strategy. With none added the pool uses on-demand spawning plus the warm pool; adding
     * any replaces that default set with exactly the ones added, consulted in order.
     *
     * @param strategy the strategy, not null
     * @return this builder
     */
    public PoolBuilder spawnStrategy(SpawnStrategy strategy) {
        spawnStrategies.add(Objects.requireNonNull(strategy, "strategy"));
        return this;
    }

    /**
     * Sets the clock every timeout, backoff and tick uses. Default {@link PoolClock#system()}.
     *
     * @param clock the clock, not null
     * @return this builder
     */
    public PoolBuilder clock(PoolClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Sets where agent work (init, tasks, close) runs. Default: the pool's own reused virtual threads
     * (see docs/architecture.md, "Agent threads").
     *
     * @param executor the executor, not null; it must not run work on the caller unless the pool is
     *     deterministic
     * @return this builder
     */
    public PoolBuilder agentExecutor(Executor executor) {
        this.agentExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Sets where the control loop's drains run; drains never overlap. Default: one dedicated platform thread.
     *
     * @param executor the executor, not null
     * @return this builder
     */
    public PoolBuilder loopExecutor(Executor executor) {
        this.loopExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Where user code runs: task futures are completed (so stages a caller attached run there)
     * and listeners are fed, never on the control loop. Default: a virtual thread per
     * completion and per listener drain; in deterministic mode, the calling thread after each
     * loop batch. It must not run tasks inline on the loop's thread.
     *
     * @param executor where callbacks run, not null
     * @return this builder
     */
    public PoolBuilder callbackExecutor(Executor executor) {
        this.callbackExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Makes the pool durable: every accepted task is stored in {@code journal} before
     * {@code submit} returns, every attempt and final state after it, and on build the pool
     * recovers what the journal holds (see docs/durability.md). The pool owns the journal from
     * here on and closes it when its shutdown completes. Implementations: trinity-pool-journal.
     *
     * @param journal the journal, not null
     * @return this builder
     */
    public PoolBuilder journal(io.trinity.pool.journal.Journal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
        return this;
    }

    /**
     * The journal given to {@link #journal(io.trinity.pool.journal.Journal)}, for a layer that
     * builds the pool and reads its journal beside it, such as the server listing tasks from before
     * a restart ({@link io.trinity.pool.journal.Journal#tasks}). The pool still owns it and closes it.
     *
     * @return the journal, or empty for a pool in memory only
     */
    public java.util.Optional<io.trinity.pool.journal.Journal> journal() {
        return java.util.Optional.ofNullable(journal);
    }

    /**
     * Sets a live cap on the pool's agents beside {@link PoolConfig#maxAgents()}: the pool may have at most
     * {@code min(maxAgents, limit.getAsInt())} agents, counting starting and leaving ones. A cluster uses it
     * for the sum of its live nodes' capacities. The control loop reads it whenever it weighs a spawn, so it
     * must be quick, thread-safe and must not block (read a volatile field). A value below the current
     * count only stops spawns: no agent is removed for it (idle ones leave by their idle timeout as
     * always); a raised value is seen at the next dispatch or scale tick. A negative value at run time
     * counts as 0. Default: none (only {@code maxAgents}).
     *
     * @param limit the live cap, not null; it must not return a negative value now
     * @return this builder
     * @throws IllegalArgumentException if {@code limit} is null or returns a negative value
     */
    public PoolBuilder agentLimit(IntSupplier limit) {
        if (limit == null) {
            throw new IllegalArgumentException("agentLimit must not be null; omit agentLimit for no cap beyond"
                    + " maxAgents");
        }
        int now = limit.getAsInt();
        if (now < 0) {
            throw new IllegalArgumentException("agentLimit must return >= 0 (got " + now + "); return 0 to stop"
                    + " spawning, or omit agentLimit for no cap beyond maxAgents");
        }
        this.agentLimit = limit;
        return this;
    }

    /**
     * Deterministic mode for tests and simulation: virtual time, and both the loop and agent work run on the
     * calling thread (use {@link io.trinity.pool.agent.AsyncAgent}s such as the simulated agent for work that
     * takes time). A run then replays exactly from its seed.
     *
     * <p>With a journal whose writes complete on a thread of its own (the SQLite/PostgreSQL journal),
     * the pool handles each write's outcome on that thread, which then runs the loop there; a
     * {@link VirtualClock} is not thread-safe, so advance it only while {@link AgentPool#journalBacklog()}
     * reads 0 (nothing is out), or use a journal that completes its writes before {@code write} returns.
     *
     * @param clock the virtual clock the test advances, not null
     * @return this builder
     */
    public PoolBuilder deterministic(VirtualClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.loopExecutor = Runnable::run;
        this.agentExecutor = Runnable::run;
        this.deterministic = true;
        return this;
    }

    /**
     * Starts a pool: its control loop runs from now on and the warm pool begins to spawn.
     *
     * @return the running pool; close it to stop its agents
     * @throws IllegalStateException if no agent type is registered
     * @throws IllegalArgumentException if the config names a balancer that is not registered (naming the
     *     property or variable it was read from, if it was), or if a type's {@link AgentType#minAgents()}, or
     *     all types' together, exceed {@link PoolConfig#maxAgents()}
     */
    public AgentPool build() {
        if (types.isEmpty()) {
            throw new IllegalStateException("no agent types registered; call register(type, factory) at least once");
        }
        checkMinAgentsFit();
        if (!balancers.containsKey(config.balancer())) {
            String source = config.balancerSource();
            throw new IllegalArgumentException((source == null ? "" : source + ": ") + "balancer '" + config.balancer()
                    + "' is not known; choose one of " + balancers.keySet() + " or register it with"
                    + " PoolBuilder.balancer(name, factory)");
        }
        return new Engine(config, Map.copyOf(types), new LinkedHashMap<>(balancers), List.copyOf(listeners),
                List.copyOf(spawnStrategies), clock, agentExecutor, loopExecutor, callbackExecutor,
                deterministic, journal, agentLimit);
    }

    /**
     * Types' minimums the pool's cap could never hold are refused rather than quietly capped: a
     * floor that does not hold shows up only as cold starts, and {@link AgentType} already refuses
     * a minAgents above its own maxAgents.
     */
    private void checkMinAgentsFit() {
        long sum = 0;
        List<String> parts = new ArrayList<>();
        for (AgentType t : types.values()) {
            if (t.minAgents() > config.maxAgents()) {
                throw new IllegalArgumentException("agent type '" + t.name() + "' keeps minAgents=" + t.minAgents()
                        + " alive, more than the pool's maxAgents=" + config.maxAgents() + " allows; lower minAgents of '"
                        + t.name() + "' or raise maxAgents");
            }
            if (t.minAgents() > 0) {
                sum += t.minAgents();
                parts.add(t.name() + "=" + t.minAgents());
            }
        }
        if (sum > config.maxAgents()) {
            throw new IllegalArgumentException("the agent types' minAgents add up to " + sum + " (" + String.join(", ", parts)
                    + "), more than the pool's maxAgents=" + config.maxAgents() + " allows; lower some minAgents or raise"
                    + " maxAgents");
        }
    }
}
