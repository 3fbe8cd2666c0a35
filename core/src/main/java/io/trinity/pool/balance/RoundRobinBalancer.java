package io.trinity.pool.balance;

import io.trinity.pool.agent.AgentView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands tasks to the eligible agents in turn. Each agent type has its own cursor, so a burst
 * of one type does not skew the rotation of another. The cursor indexes the candidate list
 * the pool passes (O(1) per dispatch); when agents fill up or join, the list changes length
 * and the rotation carries on over the new list rather than tracking agent identities,
 * which is fair on average and never scans.
 */
final class RoundRobinBalancer implements LoadBalancer {

    /** Next position per agent type; types are few and registered, so this stays small. */
    private final Map<String, long[]> cursors = new HashMap<>();

    RoundRobinBalancer(BalancerContext context) {
        // Round robin needs no clock, randomness or settings; the factory shape is shared.
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
        long[] cursor = cursors.computeIfAbsent(task.type(), t -> new long[1]);
        int index = (int) Math.floorMod(cursor[0]++, (long) pool.size());
        return pool.get(index);
    }
}
