package io.trinity.pool;

import io.trinity.pool.agent.AgentState;
import java.util.List;
import java.util.Map;

/**
 * A consistent reading of a pool.
 *
 * @param nanos        pool clock time of the reading
 * @param agents       every live agent
 * @param queued       tasks waiting in the queue
 * @param running      attempts in flight
 * @param waitingRetry tasks waiting out a retry backoff
 * @param tasksByState accepted tasks counted by state (final states are totals so far)
 * @param spawns       agents spawned so far
 * @param destroys     agents removed so far (destroyed or failed)
 */
public record PoolSnapshot(long nanos, List<AgentInfo> agents, int queued, int running, int waitingRetry,
                           Map<TaskState, Long> tasksByState, long spawns, long destroys) {

    public PoolSnapshot {
        agents = List.copyOf(agents);
        tasksByState = Map.copyOf(tasksByState);
    }

    /** One agent as seen in a snapshot. */
    public record AgentInfo(String id, String type, AgentState state, int inFlight, int capacity, boolean warm) {
    }

    public long count(AgentState state) {
        return agents.stream().filter(a -> a.state() == state).count();
    }

    public long count(String type) {
        return agents.stream().filter(a -> a.type().equals(type)).count();
    }

    public long tasks(TaskState state) {
        return tasksByState.getOrDefault(state, 0L);
    }
}
