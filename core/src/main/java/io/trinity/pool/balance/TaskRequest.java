package io.trinity.pool.balance;

import io.trinity.pool.Task;

/**
 * What a balancer knows about a task it places.
 *
 * @param id            the pool's task id
 * @param task          the task
 * @param attempt       1 for the first attempt
 * @param previousAgent the agent of the previous failed attempt, or null; a retry prefers a
 *                      different agent
 * @param typeInFlight  tasks running on agents of the task's type, or -1 when unknown
 * @param typeAgents    live agents of the task's type, or -1 when unknown; with
 *                      {@code typeInFlight} it gives the average load in O(1)
 * @param heldNanos     how long this attempt has been held back for an agent so far (see
 *                      {@link LoadBalancer#hold}), 0 when it is not held, {@link Long#MAX_VALUE}
 *                      once its hold is over: the pool will not hold it again, so place it
 */
public record TaskRequest(long id, Task task, int attempt, String previousAgent, int typeInFlight, int typeAgents,
                          long heldNanos) {

    /**
     * A request of a task that is not held back.
     *
     * @param id the pool's task id
     * @param task the task
     * @param attempt 1 for the first attempt
     * @param previousAgent the agent of the previous failed attempt, or null
     * @param typeInFlight tasks running on agents of the task's type, or -1 when unknown
     * @param typeAgents live agents of the task's type, or -1 when unknown
     */
    public TaskRequest(long id, Task task, int attempt, String previousAgent, int typeInFlight, int typeAgents) {
        this(id, task, attempt, previousAgent, typeInFlight, typeAgents, 0);
    }

    /**
     * A request without type-wide load figures (both -1).
     *
     * @param id the pool's task id
     * @param task the task
     * @param attempt 1 for the first attempt
     * @param previousAgent the agent of the previous failed attempt, or null
     */
    public TaskRequest(long id, Task task, int attempt, String previousAgent) {
        this(id, task, attempt, previousAgent, -1, -1, 0);
    }

    /** {@return the task's agent type} */
    public String type() {
        return task.type();
    }

    /** {@return the task's skill, its type unless it names one} */
    public String skill() {
        return task.skill();
    }
}
