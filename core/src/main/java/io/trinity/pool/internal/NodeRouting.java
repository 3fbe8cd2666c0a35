package io.trinity.pool.internal;

import io.trinity.pool.Task;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.balance.LoadBalancer;
import io.trinity.pool.balance.TaskRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Network-aware placement in a clustered pool, wrapped around whichever balancer places a task:
 * when the task knows its origin node and the candidates know theirs, the balancer chooses among
 * the candidates on the origin node only; when none of those has room, the task goes to the
 * least-loaded candidate on another node (the balancer is not asked: a remote agent is a
 * fallback, and the lightest one keeps the remote share of any one node small).
 *
 * <p>A task with an affinity key placed by the affinity balancer is left to that balancer: its
 * home agent is where the key last ran, and that is the locality worth keeping.
 *
 * <p>Called only once an agent has reported a node ({@link PoolState#nodesSeen}), so a pool
 * that is not clustered never reaches it. Loop only; the scratch list is reused, never kept.
 */
final class NodeRouting {

    private static final Comparator<io.trinity.pool.agent.AgentView> BY_LOAD = Balancers.byLoad();

    private final List<AgentSlot> local = new ArrayList<>();

    /**
     * Chooses the agent for a task among {@code free} (its type's candidates, all with room).
     *
     * @return the agent, or null when the balancer left the task queued (its hold then applies)
     */
    AgentSlot select(TaskRequest request, List<AgentSlot> free, LoadBalancer balancer, String balancerName) {
        Task task = request.task();
        String origin = task.origin().orElse(null);
        if (origin == null || (Balancers.AFFINITY.equals(balancerName) && task.affinityKey().isPresent())) {
            return (AgentSlot) balancer.select(request, free);
        }
        boolean anyNode = false;
        for (int i = 0; i < free.size(); i++) {
            AgentSlot slot = free.get(i);
            if (slot.node != null) {
                anyNode = true;
                if (slot.node.equals(origin)) {
                    local.add(slot);
                }
            }
        }
        if (!local.isEmpty()) {
            try {
                return (AgentSlot) balancer.select(request, local);
            } finally {
                local.clear();
            }
        }
        if (!anyNode) {
            return (AgentSlot) balancer.select(request, free);
        }
        return lightest(free, request.previousAgent());
    }

    /**
     * The lightest candidate by {@link Balancers#byLoad()}, the first on a tie; like the built-in
     * balancers, a retry avoids the agent its previous attempt failed on when another one exists.
     */
    private static AgentSlot lightest(List<AgentSlot> free, String previous) {
        AgentSlot best = null;
        for (int i = 0; i < free.size(); i++) {
            AgentSlot slot = free.get(i);
            if (free.size() > 1 && slot.id.equals(previous)) {
                continue;
            }
            if (best == null || BY_LOAD.compare(slot, best) < 0) {
                best = slot;
            }
        }
        return best;
    }
}
