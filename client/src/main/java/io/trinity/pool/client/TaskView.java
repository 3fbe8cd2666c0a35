package io.trinity.pool.client;

import io.trinity.pool.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A task as the server reports it ({@code GET /v1/tasks/{id}}).
 *
 * @param result the agent's result data when it SUCCEEDED, else null
 * @param error  why it did not succeed, when final and not SUCCEEDED
 */
public record TaskView(String id, String type, String tenant, TaskState state, int attempts, int priority,
                       Instant submittedAt, Instant startedAt, Instant endedAt, Map<String, Object> result,
                       String error, List<String> reasons) {

    public boolean isFinal() {
        return state.isFinal();
    }
}
