package io.trinity.pool.client;

import java.util.List;

/**
 * One page of {@code GET /v1/tasks}, newest first.
 *
 * @param next the cursor of the next page (pass as {@code after}), or null on the last
 */
public record TaskPage(List<TaskView> tasks, String next) {
}
