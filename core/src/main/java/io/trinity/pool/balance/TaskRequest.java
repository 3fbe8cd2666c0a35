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
 */
public record TaskRequest(long id, Task task, int attempt, String previousAgent) {

    public String type() {
        return task.type();
    }

    public String skill() {
        return task.skill();
    }
}
