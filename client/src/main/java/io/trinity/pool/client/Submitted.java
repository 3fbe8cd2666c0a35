package io.trinity.pool.client;

import io.trinity.pool.TaskState;

/**
 * The answer to a submit.
 *
 * @param id      the task's id
 * @param state   its state when the server answered
 * @param created false when an earlier request with the same idempotency key created it
 */
public record Submitted(String id, TaskState state, boolean created) {
}
