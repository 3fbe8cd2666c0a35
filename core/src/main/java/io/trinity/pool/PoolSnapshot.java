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
 * @param localDispatches  attempts started on an agent on the node where their task was submitted; counted
 *                     only when both the task's origin ({@link Task#origin()}) and the agent's node are known
 * @param remoteDispatches attempts started on an agent on another node than their task's origin (both known)
 */
public record PoolSnapshot(long nanos, List<AgentInfo> agents, int queued, int running, int waitingRetry,
                           Map<TaskState, Long> tasksByState, long spawns, long destroys, long localDispatches,
                           long remoteDispatches) {

    /**
     * Copies the lists and maps, so the snapshot is immutable.
     *
     * @param nanos pool clock time of the reading, in nanoseconds
     * @param agents every live agent
     * @param queued tasks waiting in the queue
     * @param running attempts in flight
     * @param waitingRetry tasks waiting out a retry backoff
     * @param tasksByState accepted tasks counted by state (final states are totals so far)
     * @param spawns agents spawned so far
     * @param destroys agents removed so far (destroyed or failed)
     * @param localDispatches attempts started on their task's origin node
     * @param remoteDispatches attempts started on another node than their task's origin
     */
    public PoolSnapshot {
        agents = List.copyOf(agents);
        tasksByState = Map.copyOf(tasksByState);
    }

    /**
     * A snapshot of a pool that is not clustered: no local or remote dispatches.
     *
     * @param nanos pool clock time of the reading, in nanoseconds
     * @param agents every live agent
     * @param queued tasks waiting in the queue
     * @param running attempts in flight
     * @param waitingRetry tasks waiting out a retry backoff
     * @param tasksByState accepted tasks counted by state (final states are totals so far)
     * @param spawns agents spawned so far
     * @param destroys agents removed so far (destroyed or failed)
     */
    public PoolSnapshot(long nanos, List<AgentInfo> agents, int queued, int running, int waitingRetry,
                        Map<TaskState, Long> tasksByState, long spawns, long destroys) {
        this(nanos, agents, queued, running, waitingRetry, tasksByState, spawns, destroys, 0, 0);
    }

    /**
     * One agent as seen in a snapshot.
     *
     * @param id the agent's id, unique within the pool, such as {@code code-3}
     * @param type its agent type
     * @param state its lifecycle state
     * @param inFlight attempts it is running
     * @param capacity attempts it may run at once
     * @param warm whether it counts toward the warm pool (kept READY, not reclaimed when idle)
     * @param node the node (machine) it runs on ({@link io.trinity.pool.agent.Agent#node()}), or null when the
     *     pool is not clustered
     */
    public record AgentInfo(String id, String type, AgentState state, int inFlight, int capacity, boolean warm,
                            String node) {

        /**
         * An agent of a pool that is not clustered (no node).
         *
         * @param id the agent's id, unique within the pool, such as {@code code-3}
         * @param type its agent type
         * @param state its lifecycle state
         * @param inFlight attempts it is running
         * @param capacity attempts it may run at once
         * @param warm whether it counts toward the warm pool (kept READY, not reclaimed when idle)
         */
        public AgentInfo(String id, String type, AgentState state, int inFlight, int capacity, boolean warm) {
            this(id, type, state, inFlight, capacity, warm, null);
        }
    }

    /**
     * Counts live agents in a state.
     *
     * @param state the state
     * @return agents in it, 0 or more
     */
    public long count(AgentState state) {
        return agents.stream().filter(a -> a.state() == state).count();
    }

    /**
     * Counts live agents of a type, whatever their state.
     *
     * @param type the agent type
     * @return agents of it, 0 or more
     */
    public long count(String type) {
        return agents.stream().filter(a -> a.type().equals(type)).count();
    }

    /**
     * Counts accepted tasks in a state; final states count every task that reached them so far.
     *
     * @param state the state
     * @return tasks in it, 0 if none
     */
    public long tasks(TaskState state) {
        return tasksByState.getOrDefault(state, 0L);
    }
}
