package io.trinity.pool.balance;

import io.trinity.pool.agent.AgentView;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** Helpers every built-in balancer shares: the retry preference and the load order. */
final class Candidates {

    private Candidates() {
    }

    /**
     * The candidates a task should choose from: all of them, minus the agent its previous
     * attempt failed on when another candidate exists (that agent may be the cause). Returns a
     * view without copying; finding the previous agent is a scan, paid only by retries.
     */
    static List<? extends AgentView> forAttempt(TaskRequest task, List<? extends AgentView> candidates) {
        String previous = task.previousAgent();
        if (previous == null || candidates.size() < 2) {
            return candidates;
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).id().equals(previous)) {
                return new Without(candidates, i);
            }
        }
        return candidates;
    }

    /**
     * Orders agents lightest first: fewer in-flight tasks relative to capacity, then lower
     * recent latency. Loads are compared by cross-multiplying, so 1/3 and 2/6 tie exactly.
     */
    static int compareLoad(AgentView a, AgentView b) {
        int c = Long.compare((long) a.inFlight() * b.capacity(), (long) b.inFlight() * a.capacity());
        return c != 0 ? c : Long.compare(a.recentLatencyNanos(), b.recentLatencyNanos());
    }

    /** The lightest of a non-empty list by {@link #compareLoad}; the first wins a tie. */
    static AgentView lightest(List<? extends AgentView> agents) {
        AgentView best = agents.get(0);
        for (int i = 1; i < agents.size(); i++) {
            AgentView a = agents.get(i);
            if (compareLoad(a, best) < 0) {
                best = a;
            }
        }
        return best;
    }

    /** A list minus one index, O(1) access. */
    private static final class Without extends AbstractList<AgentView> implements RandomAccess {
        private final List<? extends AgentView> list;
        private final int skipped;

        Without(List<? extends AgentView> list, int skipped) {
            this.list = list;
            this.skipped = skipped;
        }

        @Override
        public AgentView get(int index) {
            if (index < 0 || index >= size()) {
                throw new IndexOutOfBoundsException("index " + index + " of " + size());
            }
            return list.get(index < skipped ? index : index + 1);
        }

        @Override
        public int size() {
            return list.size() - 1;
        }
    }
}
