package io.trinity.pool;

import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.time.PoolClock;
import java.util.function.Predicate;

/** Opens {@link TestAgents} to tests in sub-packages. */
public final class TestAgentsAccess {
    private TestAgentsAccess() {
    }

    public static AgentFactory hanging(PoolClock clock, long ms, Predicate<TaskContext> hangs) {
        return TestAgents.hanging(clock, ms, hangs);
    }
}
