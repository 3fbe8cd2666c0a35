package io.trinity.pool.balance;

import io.trinity.pool.agent.AgentView;
import io.trinity.pool.time.PoolClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps tasks with the same affinity key on the same agent (warm caches, open sessions), with
 * consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018).
 *
 * <p>Design. Each agent type has a hash ring of {@value #VIRTUAL_NODES} virtual nodes per
 * agent, changed only in {@link #agentAdded} and {@link #agentRemoved}, so adding or losing
 * an agent moves only the keys on its arcs. A key is placed by walking clockwise from its
 * hash to the first agent that is a candidate and holds fewer than
 * {@code ceil(c x (inFlight of the type + 1) / live agents of the type)} tasks, where c is
 * {@link BalancerSettings#affinityLoadFactor()}: no agent ever takes a task that would put
 * it over c times the average, and such an agent always exists when capacity allows.
 *
 * <p>The placement is remembered as a binding key -> agent, so the key sticks to its agent
 * even after the ring or the loads change. Bindings live in a LinkedHashMap in access order:
 * every use moves a binding to the tail and stamps it with the clock, so the head is both
 * least recently used and oldest; bindings unused for {@link BalancerSettings#affinityTtl()}
 * are dropped from the head on each keyed dispatch, and beyond
 * {@link BalancerSettings#affinityMaxBindings()} the head is evicted. Removing an agent
 * drops its bindings (one scan of the bindings; removals are rare).
 *
 * <p>Delay scheduling (Zaharia et al., EuroSys 2010). When a key's bound agent is alive but
 * full or at the load bound, spilling at once would keep the key local only as often as its
 * agent happens to be free. Instead the task waits for its agent: {@link #select} returns null
 * and {@link #hold} names the agent and the rest of the delay, and the pool skips the task
 * (the tasks behind it still start) until the agent has room or the delay is over. The delay is
 * {@link BalancerSettings#affinityDelayFactor()} times the type's mean observed run time (an
 * agent frees within about one run time), capped by {@link BalancerSettings#affinityMaxDelay()},
 * which is also the delay before any run time is known. A task never waits for an agent that is
 * leaving, that is over the load bound (more than its share already: waiting would only pile
 * more on it), or that its retry avoids.
 *
 * <p>Placement by keyed demand. Each agent has a <em>keyed demand</em>: the tasks of the keys
 * bound to it, wherever they ran, counted once per task (at its first hold, or at its dispatch if
 * it never waited) and decayed with a time constant of {@value #DEMAND_RUN_TIMES} mean run times.
 * A new key, and a task that cannot wait for its agent, go to the least-loaded of the first
 * {@value #PLACEMENT_CHOICES} agents clockwise from the key's hash that are candidates under the
 * bound, and among equally loaded ones to the one with the least keyed demand (the first clockwise
 * on ties, so an idle pool places keys as plain consistent hashing does). Plain ring order put keys
 * on agents whatever their keys already asked of them: with few keys per agent some agents got
 * twice their share, and their keys waited and spilled; and a spilled task landed on whichever
 * agent came next clockwise, busying it when its own keys arrived. With one-task agents at load
 * 0.57-0.7 this keeps 0.4-3 points more of a key's tasks on its agent (scheduling bench).
 *
 * <p>Overflow: once the delay is over (or waiting is not allowed), the task goes to an agent
 * chosen as above and the binding stays put, so the key's later tasks go back to their agent as
 * soon as it has room. When no candidate is under the bound (the pool passed only agents near
 * capacity) or the type has no ring, it takes the least-loaded candidate. Tasks without a key go
 * to the least-loaded candidate too.
 *
 * <p>What waiting cannot do. A one-task agent is a single FIFO server for its keys; a held task
 * waits for its agent like a customer with a deadline (the delay), and FIFO service is what keeps
 * the most such customers (deterministic deadlines: Panwar, Towsley and Wolf, JACM 1988). So the
 * share kept on the agent is set by the agent's load, the run-time spread and the delay, and a
 * longer delay buys locality with tail latency; see the affinity part of docs/benchmarks.md.
 *
 * <p>Cost of a keyed dispatch: O(n) over the agents of the type (the average load and the
 * candidate index), plus, for a new key or a spill, a ring walk over up to
 * {@value #PLACEMENT_CHOICES} candidates, which the load bound keeps short.
 */
final class AffinityBalancer implements LoadBalancer {

    static final int VIRTUAL_NODES = 64;

    private final PoolClock clock;
    private final double loadFactor;
    private final int largeAt;
    private final long ttlNanos;
    private final LeastLoadedBalancer unkeyed;
    private final Map<String, Ring> rings = new HashMap<>();
    private final LinkedHashMap<BindingKey, Binding> bindings;
    private final double delayFactor;
    private final long maxDelayNanos;
    /** Mean run time per type (an EWMA of every attempt that ended), for the delay. */
    private final Map<String, double[]> runTime = new HashMap<>();
    /**
     * Tasks held for their key's agent, by id, with the end of their hold, in the order of their
     * first hold: a task's demand is counted at its first hold or, never held, at its dispatch.
     */
    private final LinkedHashMap<Long, Long> held = new LinkedHashMap<>();
    /** How many mean run times the keyed demand of an agent remembers (its decay time constant). */
    static final double DEMAND_RUN_TIMES = 100;
    /** How many eligible agents, clockwise from a key's hash, a placement compares by demand. */
    static final int PLACEMENT_CHOICES = 16;
    /** The hold decided by the last select that returned null, for {@link #hold}. */
    private Hold pendingHold;
    private long pendingTask;

    AffinityBalancer(BalancerContext context) {
        this.largeAt = context.settings().powerOfTwoThreshold();
        this.clock = context.clock();
        this.loadFactor = context.settings().affinityLoadFactor();
        this.ttlNanos = context.settings().affinityTtl().toNanos();
        this.unkeyed = new LeastLoadedBalancer(context);
        this.delayFactor = context.settings().affinityDelayFactor();
        this.maxDelayNanos = io.trinity.pool.Durations.saturatedNanos(context.settings().affinityMaxDelay());
        int maxBindings = context.settings().affinityMaxBindings();
        this.bindings = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<BindingKey, Binding> eldest) {
                return size() > maxBindings;
            }
        };
    }

    @Override
    public String name() {
        return Balancers.AFFINITY;
    }

    @Override
    public void agentAdded(AgentView agent) {
        Ring ring = rings.computeIfAbsent(agent.type(), t -> new Ring());
        if (ring.agents.put(agent.id(), agent) != null) {
            return; // already on the ring; keep its nodes
        }
        for (int i = 0; i < VIRTUAL_NODES; i++) {
            ring.nodes.putIfAbsent(nodeHash(agent.id(), i), agent.id());
        }
    }

    @Override
    public void agentRemoved(AgentView agent) {
        Ring ring = rings.get(agent.type());
        if (ring != null && ring.agents.remove(agent.id()) != null) {
            for (int i = 0; i < VIRTUAL_NODES; i++) {
                ring.nodes.remove(nodeHash(agent.id(), i), agent.id());
            }
            ring.demand.remove(agent.id());
            if (ring.agents.isEmpty()) {
                rings.remove(agent.type());
            }
        }
        bindings.entrySet().removeIf(e -> e.getValue().agentId.equals(agent.id())
                && e.getKey().type().equals(agent.type()));
    }

    @Override
    public Hold hold(TaskRequest task) {
        Hold h = pendingHold;
        pendingHold = null;
        return h != null && pendingTask == task.id() ? h : null;
    }

    @Override
    public void taskEnded(AgentView agent, TaskRequest task, Outcome outcome) {
        double[] mean = runTime.computeIfAbsent(agent.type(), t -> new double[] {-1});
        double took = Math.max(0, outcome.latencyNanos());
        mean[0] = mean[0] < 0 ? took : mean[0] * (1 - RUN_TIME_WEIGHT) + took * RUN_TIME_WEIGHT;
    }

    /** Weight of the newest run time in the mean: about the last 20 attempts count. */
    private static final double RUN_TIME_WEIGHT = 0.05;

    /** The longest a keyed task of this type waits for its busy agent, in nanoseconds. */
    long delayNanos(String type) {
        if (delayFactor == 0 || maxDelayNanos == 0) {
            return 0;
        }
        double[] mean = runTime.get(type);
        if (mean == null || mean[0] < 0) {
            return maxDelayNanos;
        }
        return (long) Math.min((double) maxDelayNanos, delayFactor * mean[0]);
    }

    /**
     * The hold of a keyed task whose agent cannot take it now, or null to place it elsewhere at
     * once: the agent is leaving, over the load bound, avoided by the retry, or the delay is over.
     */
    private Hold holdFor(TaskRequest task, AgentView home, long limit) {
        if (!home.state().isAvailable() || home.inFlight() > limit || home.id().equals(task.previousAgent())) {
            return null;
        }
        long left = delayNanos(task.type()) - task.heldNanos();
        return left > 0 ? new Hold(home.id(), java.time.Duration.ofNanos(left)) : null;
    }

    @Override
    public AgentView select(TaskRequest task, List<? extends AgentView> candidates) {
        pendingHold = null;
        if (candidates.isEmpty()) {
            return null;
        }
        String key = task.task().affinityKey().orElse(null);
        if (key == null) {
            return unkeyed.select(task, candidates);
        }
        long now = clock.nanoTime();
        expire(now);
        List<? extends AgentView> pool = Candidates.forAttempt(task, candidates);
        Ring ring = rings.get(task.type());
        boolean large = pool.size() >= largeAt && task.typeAgents() > 0 && task.typeInFlight() >= 0;
        java.util.function.Function<String, AgentView> eligible;
        long limit;
        if (large) {
            // Thousands of agents: the engine's counts give the average load in O(1), and a ring
            // agent is a candidate exactly when it is available with spare capacity.
            limit = (long) Math.ceil(loadFactor * (task.typeInFlight() + 1) / task.typeAgents());
            String avoid = pool.size() < candidates.size() ? task.previousAgent() : null;
            eligible = id -> {
                AgentView a = ring == null ? null : ring.agents.get(id);
                return a != null && a.state().isAvailable() && a.hasSpareCapacity() && !id.equals(avoid) ? a : null;
            };
        } else {
            Map<String, AgentView> map = HashMap.newHashMap(pool.size());
            for (AgentView a : pool) {
                map.put(a.id(), a);
            }
            eligible = map::get;
            limit = ring == null ? 0 : ring.loadLimit(loadFactor);
        }

        double tau = demandTauNanos(task.type());
        BindingKey bindingKey = new BindingKey(task.type(), key);
        Binding binding = bindings.get(bindingKey);
        if (binding != null) {
            if (ring == null || !ring.agents.containsKey(binding.agentId)) {
                bindings.remove(bindingKey); // its agent is gone; place the key afresh
                binding = null;
            } else {
                binding.lastUsedNanos = now;
                AgentView bound = eligible.apply(binding.agentId);
                if (bound != null && bound.inFlight() < limit) {
                    placed(task, ring, binding.agentId, now, tau);
                    return bound;
                }
                Hold wait = holdFor(task, ring.agents.get(binding.agentId), limit);
                if (wait != null) {
                    if (held.put(task.id(), now + wait.maxWait().toNanos()) == null) {
                        ring.addDemand(binding.agentId, now, tau); // counted once, at its first hold
                    }
                    pendingHold = wait;
                    pendingTask = task.id();
                    return null;
                }
            }
        }
        AgentView chosen = ring == null ? null : ring.lightestWalk(hash(key), eligible, limit, now, tau);
        if (chosen == null) {
            chosen = Candidates.lightest(pool);
        }
        if (binding == null) {
            binding = new Binding(chosen.id(), now);
            bindings.put(bindingKey, binding);
        }
        placed(task, ring, binding.agentId, now, tau);
        return chosen;
    }

    /** A keyed task leaves the queue: it counts toward its key's agent's demand, once. */
    private void placed(TaskRequest task, Ring ring, String homeId, long now, double tau) {
        if (held.remove(task.id()) == null && ring != null) {
            ring.addDemand(homeId, now, tau);
        }
        // forget holds long over: a task cancelled while held never comes back here
        Iterator<Long> it = held.values().iterator();
        while (it.hasNext() && now - it.next() > maxDelayNanos) {
            it.remove();
        }
    }

    /** Time constant of the keyed demand: {@value #DEMAND_RUN_TIMES} mean run times of the type. */
    private double demandTauNanos(String type) {
        double[] mean = runTime.get(type);
        return DEMAND_RUN_TIMES * (mean == null || mean[0] <= 0 ? 1e9 : mean[0]);
    }

    private void expire(long now) {
        Iterator<Binding> it = bindings.values().iterator();
        while (it.hasNext()) {
            if (now - it.next().lastUsedNanos < ttlNanos) {
                return; // the rest were used later
            }
            it.remove();
        }
    }

    /** Live bindings (expired ones go at the next keyed dispatch). */
    int bindingCount() {
        return bindings.size();
    }

    /** The agent a key is bound to, or null; does not count as a use. */
    String boundAgent(String type, String key) {
        BindingKey k = new BindingKey(type, key);
        for (Map.Entry<BindingKey, Binding> e : bindings.entrySet()) {
            if (e.getKey().equals(k)) {
                return e.getValue().agentId;
            }
        }
        return null;
    }

    /** The keyed demand of an agent now (tasks of the keys bound to it, decayed); 0 when unknown. */
    double keyedDemand(String type, String agentId) {
        Ring ring = rings.get(type);
        return ring == null ? 0 : ring.demandOf(agentId, clock.nanoTime(), demandTauNanos(type));
    }

    /** Virtual nodes on the ring of one type. */
    int ringSize(String type) {
        Ring ring = rings.get(type);
        return ring == null ? 0 : ring.nodes.size();
    }

    /** FNV-1a over the UTF-16 units, then a 64-bit finaliser so near-identical keys spread. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long nodeHash(String agentId, int replica) {
        return mix(hash(agentId) + replica * 0x9E3779B97F4A7C15L);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private record BindingKey(String type, String key) {
    }

    private static final class Binding {
        final String agentId;
        long lastUsedNanos;

        Binding(String agentId, long lastUsedNanos) {
            this.agentId = agentId;
            this.lastUsedNanos = lastUsedNanos;
        }
    }

    /** The live agents of one type and their virtual nodes. */
    private static final class Ring {
        final TreeMap<Long, String> nodes = new TreeMap<>();
        final Map<String, AgentView> agents = new LinkedHashMap<>();

        /**
         * Keyed demand per agent: the tasks of the keys bound to it, wherever they ran, decayed
         * exponentially; {value, when} each, decayed lazily on read.
         */
        final Map<String, double[]> demand = new HashMap<>();

        double demandOf(String id, long now, double tau) {
            double[] d = demand.get(id);
            return d == null ? 0 : d[0] * Math.exp(-(now - d[1]) / tau);
        }

        void addDemand(String id, long now, double tau) {
            double[] d = demand.computeIfAbsent(id, x -> new double[2]);
            d[0] = d[0] * Math.exp(-(now - d[1]) / tau) + 1;
            d[1] = now;
        }

        /**
         * Of the first {@link #PLACEMENT_CHOICES} agents clockwise from {@code hash} that are
         * eligible and under the limit, the least loaded (in-flight over capacity), and of those the
         * one with the least keyed demand (the first clockwise on ties); null when none is.
         */
        AgentView lightestWalk(long hash, java.util.function.Function<String, AgentView> eligible, long limit,
                               long now, double tau) {
            Set<String> seen = new HashSet<>();
            AgentView best = null;
            double bestDemand = Double.MAX_VALUE;
            int compared = 0;
            List<Iterable<String>> arcs = new ArrayList<>(2);
            arcs.add(nodes.tailMap(hash, true).values());
            arcs.add(nodes.headMap(hash, false).values());
            for (Iterable<String> arc : arcs) {
                for (String id : arc) {
                    if (!seen.add(id)) {
                        continue;
                    }
                    AgentView a = eligible.apply(id);
                    if (a != null && a.inFlight() < limit) {
                        double d = demandOf(id, now, tau);
                        long c = best == null ? -1
                                : (long) a.inFlight() * best.capacity() - (long) best.inFlight() * a.capacity();
                        if (c < 0 || c == 0 && d < bestDemand) {
                            best = a;
                            bestDemand = d;
                        }
                        compared++;
                    }
                    if (compared == PLACEMENT_CHOICES || seen.size() == agents.size()) {
                        return best;
                    }
                }
            }
            return best;
        }

        /** ceil(c x average in-flight over the live agents, counting the task being placed). */
        long loadLimit(double c) {
            long total = 1;
            for (AgentView a : agents.values()) {
                total += a.inFlight();
            }
            return (long) Math.ceil(c * total / agents.size());
        }
    }
}
