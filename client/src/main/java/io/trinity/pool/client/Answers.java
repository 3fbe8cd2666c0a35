package io.trinity.pool.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.PoolShutdownException;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.TaskRejectedException;
import io.trinity.pool.TaskState;
import io.trinity.pool.TenantLimitException;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the server's answers: views from JSON, and error answers as the library's exceptions. */
final class Answers {

    private Answers() {
    }

    /**
     * The exception for an error answer: 429 queue full or tenant limit and 503 are the
     * library's own ({@link QueueFullException}, {@link TenantLimitException},
     * {@link PoolShutdownException}); a 400 on {@code type} is a {@link TaskRejectedException},
     * any other 400 an {@link IllegalArgumentException} naming the field, as the library's
     * builders throw; the rest is a {@link PoolApiException}.
     */
    static RuntimeException error(ObjectMapper mapper, int status, HttpHeaders headers, String body) {
        JsonNode j;
        try {
            j = mapper.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            j = mapper.createObjectNode();
        }
        return error(status, headers, j, body == null || body.isBlank() ? "HTTP " + status : body);
    }

    /** {@link #error(ObjectMapper, int, HttpHeaders, String)} of an answer already read, {@code fallback} its text. */
    static RuntimeException error(int status, HttpHeaders headers, JsonNode j, String fallback) {
        String message = j.path("error").asText(fallback);
        String field = j.hasNonNull("field") ? j.get("field").asText() : null;
        String reason = j.hasNonNull("reason") ? j.get("reason").asText() : null;
        long retryAfter = headers.firstValue("Retry-After").map(Answers::seconds).orElse(0L);
        if (status == 429 && "queue_full".equals(reason)) {
            return new QueueFullException(j.path("depth").asInt(), j.path("capacity").asInt());
        }
        if (status == 429 && "tenant_limit".equals(reason)) {
            return new TenantLimitException(j.path("tenant").asText(), j.path("limit").asInt());
        }
        if (status == 503) {
            return new PoolShutdownException(message);
        }
        if (status == 400 && field != null && (field.equals("type") || field.endsWith("].type"))) { // a batch's tasks[i].type
            return new TaskRejectedException(message);
        }
        if (status == 400) {
            return new IllegalArgumentException(message + (field != null ? " [field: " + field + "]" : ""));
        }
        return new PoolApiException(status, message, field, reason, retryAfter);
    }

    static TaskView task(JsonNode j, ObjectMapper mapper) {
        List<String> reasons = new ArrayList<>();
        j.path("reasons").forEach(r -> reasons.add(r.asText()));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = j.hasNonNull("result") ? mapper.convertValue(j.get("result"), Map.class) : null;
        return new TaskView(j.path("id").asText(), j.path("type").asText(), j.path("tenant").asText(),
                TaskState.valueOf(j.path("state").asText()), j.path("attempts").asInt(), j.path("priority").asInt(),
                instant(j.get("submittedAt")), instant(j.get("startedAt")), instant(j.get("endedAt")), result,
                j.hasNonNull("error") ? j.get("error").asText() : null, List.copyOf(reasons));
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }

    private static long seconds(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
