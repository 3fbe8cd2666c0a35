package io.trinity.pool.balance;

import io.trinity.pool.agent.AgentView;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Sends a task to the agent with the fewest in-flight tasks relative to its capacity
 * ({@link AgentView#load()}); among equally loaded agents, the one with the lower recent
 * latency. Small candidate lists are scanned exactly. From
 * {@link BalancerSettings#powerOfTwoThreshold()} candidates on, it samples two distinct
 * agents at random and takes the lighter ("power of two choices", Mitzenmacher): O(1) per
 * dispatch with thousands of agents, and the maximum load stays within a small additive
 * term of the exact choice, while concurrent dispatches no longer herd onto one agent.
 *
 * <p>Before sampling, it looks at the last candidate: the pool appends an agent to its type's
 * candidate list when a slot frees, so with one-slot agents the last one is the most recently
 * freed. When that agent is idle it is a least-loaded choice as good as any (no candidate has
 * a load below 0) and it is taken: work stays on the agents that just ran, whose memory is
 * still in cache, and the agents beyond what the load needs get no task and can reach the
 * idle timeout, so the pool shrinks instead of every agent being kept barely busy.
 */
final class LeastLoadedBalancer implements LoadBalancer {

    private final RandomGenerator random;
    private final int sampleThreshold;

    LeastLoadedBalancer(BalancerContext context) {
        this.random = context.random();
        this.sampleThreshold = context.settings().powerOfTwoThreshold();
    }

    @Override
    public String name() {
        return Balancers.LEAST_LOADED;
    }

    @Override
    public AgentView select(TaskRequest task, List<? extends AgentView> candidates) {
        if (candidates.isEmpty()) {
            return null;
        }
        List<? extends AgentView> pool = Candidates.forAttempt(task, candidates);
        int n = pool.size();
        if (n < sampleThreshold) {
            return Candidates.lightest(pool);
        }
        AgentView last = pool.get(n - 1);
        if (last.inFlight() == 0) {
            return last;
        }
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++; // distinct from i without a retry loop
        }
        AgentView a = pool.get(i);
        AgentView b = pool.get(j);
        return Candidates.compareLoad(b, a) < 0 ? b : a;
    }
}
