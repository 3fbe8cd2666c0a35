package io.trinity.pool.balance;

import io.trinity.pool.agent.AgentView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands tasks to the eligible agents in turn: each dispatch goes to the candidate whose last
 * turn is oldest (never-served agents first, ties in list order). With a steady candidate
 * list this is the plain rotation A, B, C, A, ...; when agents fill up, free up or join, an
 * agent that missed its turn gets the next one, so turns stay fair. (A bare index into the
 * changing list would not: agents near the end of the list lose turns whenever it shrinks.)
 *
 * <p>Each agent type keeps its own turn counter, so a burst of one type never moves another
 * type's rotation. Cost: one map lookup per candidate up to the power-of-two threshold, then a
 * plain cursor (O(1)); state is one entry per live agent, dropped in {@link #agentRemoved}.
 */
final class RoundRobinBalancer implements LoadBalancer {

    private final Map<String, Rotation> rotations = new HashMap<>();

    private final int largeAt;

    RoundRobinBalancer(BalancerContext context) {
        this.largeAt = context.settings().powerOfTwoThreshold();
    }

    @Override
    public String name() {
        return Balancers.ROUND_ROBIN;
    }

    @Override
    public AgentView select(TaskRequest task, List<? extends AgentView> candidates) {
        if (candidates.isEmpty()) {
            return null;
        }
        List<? extends AgentView> pool = Candidates.forAttempt(task, candidates);
        Rotation rotation = rotations.computeIfAbsent(task.type(), t -> new Rotation());
        if (pool.size() >= largeAt) {
            // Thousands of agents: a cursor over the list keeps a dispatch O(1); the order of
            // a changing list drifts, so turns are fair on average rather than exactly.
            rotation.cursor = (rotation.cursor + 1) % pool.size();
            return pool.get(rotation.cursor);
        }
        AgentView next = null;
        long oldest = Long.MAX_VALUE;
        for (AgentView a : pool) {
            long turn = rotation.lastTurn.getOrDefault(a.id(), 0L);
            if (turn < oldest) {
                oldest = turn;
                next = a;
            }
        }
        rotation.lastTurn.put(next.id(), ++rotation.turns);
        return next;
    }

    @Override
    public void agentRemoved(AgentView agent) {
        Rotation rotation = rotations.get(agent.type());
        if (rotation != null) {
            rotation.lastTurn.remove(agent.id());
        }
    }

    /** Turn counter of one agent type; 0 means "never served". */
    private static final class Rotation {
        long turns;
        int cursor = -1;
        final Map<String, Long> lastTurn = new HashMap<>();
    }
}
