package io.trinity.pool.cluster;

import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the scheduler's pool puts a new agent: on the live node with the fewest agents of its
 * type (tasks prefer agents on the node they came in on, so each node should have some of each
 * type in use), then the most room relative to its {@code --max-agents}, then the scheduler's
 * own node (its calls need no database round trip). Types that submit subtasks (coordinators) stay on the scheduler's node, where the
 * pool is. The pool's agent limit is the sum of the live nodes' {@code --max-agents}.
 */
final class Placement {

    private final String self;
    private final Set<String> localOnly;
    private final Map<String, AtomicInteger> placed = new ConcurrentHashMap<>();
    /** Agents per node and type ("node\u0000type"): each type is spread over the nodes. */
    private final Map<String, AtomicInteger> placedByType = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder localCalls = new java.util.concurrent.atomic.LongAdder();
    private volatile Map<String, NodeView> live = Map.of();
    private volatile RemoteCalls calls;

    Placement(String self, Set<String> localOnly) {
        this.self = self;
        this.localOnly = Set.copyOf(localOnly);
    }

    void use(RemoteCalls calls) {
        this.calls = calls;
        placed.clear();
        placedByType.clear();
    }

    void update(Collection<NodeView> nodes) {
        Map<String, NodeView> m = new ConcurrentHashMap<>();
        for (NodeView n : nodes) {
            if (n.alive()) {
                m.put(n.node(), n);
            }
        }
        live = m;
    }

    /** The most agents the cluster's live nodes allow together (at least the scheduler's own). */
    int limit() {
        int sum = 0;
        for (NodeView n : live.values()) {
            sum += n.maxAgents();
        }
        return sum;
    }

    /** Calls the scheduler's own node ran on its local agents. */
    long localCalls() {
        return localCalls.sum();
    }

    int placedOn(String node) {
        AtomicInteger n = placed.get(node);
        return n == null ? 0 : n.get();
    }

    AgentType place(AgentType type) {
        AgentFactory local = type.factory();
        AgentFactory placedFactory = init -> {
            String node = choose(type.name());
            AtomicInteger count = placed.computeIfAbsent(node, k -> new AtomicInteger());
            AtomicInteger ofType = placedByType.computeIfAbsent(node + '\u0000' + type.name(), k -> new AtomicInteger());
            count.incrementAndGet();
            ofType.incrementAndGet();
            Runnable release = () -> {
                count.decrementAndGet();
                ofType.decrementAndGet();
            };
            try {
                if (node.equals(self)) {
                    Agent a = local.create(init);
                    return a instanceof AsyncAgent async ? new LocalAsync(async, self, release, localCalls)
                            : new Local(a, self, release, localCalls);
                }
                NodeView n = live.get(node);
                return new RemoteAgent(init.agentId(), type.name(), node, n.incarnation(), calls, release);
            } catch (Exception | Error e) {
                release.run();
                throw e;
            }
        };
        return new AgentType(type.name(), placedFactory, type.minAgents(), type.maxAgents(), type.stuckAfter(),
                type.preemptible(), type.resources());
    }

    private String choose(String type) {
        if (localOnly.contains(type) || calls == null) {
            return self;
        }
        // the node with the fewest agents of this type (so every node soon has one: tasks prefer
        // their own node's agents), then the most room relative to its maximum, then this one
        String best = null;
        int bestOfType = Integer.MAX_VALUE;
        double bestLoad = Double.MAX_VALUE;
        for (NodeView n : live.values()) {
            int p = placedOn(n.node());
            if (p >= n.maxAgents()) {
                continue;
            }
            AtomicInteger t = placedByType.get(n.node() + '\u0000' + type);
            int ofType = t == null ? 0 : t.get();
            double load = (double) p / n.maxAgents();
            boolean better = ofType < bestOfType
                    || (ofType == bestOfType && (load < bestLoad || (load == bestLoad && n.node().equals(self))));
            if (better) {
                best = n.node();
                bestOfType = ofType;
                bestLoad = load;
            }
        }
        return best == null ? self : best;
    }

    /** A live node as the registry last saw it. */
    record NodeView(String node, String url, int maxAgents, long incarnation, boolean alive) {
    }

    /** An agent on the scheduler's own node, labelled with it. */
    private static class Local implements Agent {
        final Agent agent;
        final String node;
        final Runnable released;
        final java.util.concurrent.atomic.LongAdder calls;

        Local(Agent agent, String node, Runnable released, java.util.concurrent.atomic.LongAdder calls) {
            this.agent = agent;
            this.node = node;
            this.released = released;
            this.calls = calls;
        }

        @Override public Payload execute(TaskContext context) throws Exception {
            calls.increment();
            return agent.execute(context);
        }
        @Override public void init() throws Exception { agent.init(); }
        @Override public int capacity() { return agent.capacity(); }
        @Override public Optional<AgentSnapshot> snapshot() { return agent.snapshot(); }
        @Override public boolean respecialize(String newType) { return agent.respecialize(newType); }
        @Override public boolean alive() { return agent.alive(); }
        @Override public String node() { return node; }

        @Override
        public void close() throws Exception {
            try {
                agent.close();
            } finally {
                released.run();
            }
        }
    }

    private static final class LocalAsync extends Local implements AsyncAgent {
        LocalAsync(AsyncAgent agent, String node, Runnable released, java.util.concurrent.atomic.LongAdder calls) {
            super(agent, node, released, calls);
        }

        @Override
        public CompletionStage<Payload> executeAsync(TaskContext context) {
            calls.increment();
            return ((AsyncAgent) agent).executeAsync(context);
        }

        @Override
        public CompletionStage<Void> initAsync() {
            return ((AsyncAgent) agent).initAsync();
        }

        @Override
        public Payload execute(TaskContext context) throws Exception {
            return AsyncAgent.super.execute(context);
        }

        @Override
        public void init() throws Exception {
            agent.init();
        }
    }
}
