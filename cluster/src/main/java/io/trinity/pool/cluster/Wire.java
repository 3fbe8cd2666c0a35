package io.trinity.pool.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.RateLimitedException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * What travels in the assignment rows: a task as its plain data, and an attempt's end (output,
 * usage, quality, or the failure with the kind of exception the pool must see on the scheduler,
 * so retries, circuit breakers and provider pauses behave as if the agent were local).
 */
final class Wire {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private Wire() {
    }

    static String task(Task task) {
        return write(task.toPlainData());
    }

    static Task task(String json) {
        return Task.fromPlainData(read(json));
    }

    /** The end of an attempt as a node reports it. */
    record Outcome(Payload output, Map<String, Long> usage, double quality, String failure, String kind,
                   String resource, long retryAfterMillis) {

        static Outcome success(Payload output, Map<String, Long> usage, double quality) {
            return new Outcome(output, usage, quality, null, null, null, -1);
        }

        static Outcome failure(Throwable error, Map<String, Long> usage, double quality) {
            String kind = "failed";
            String resource = null;
            long retry = -1;
            if (error instanceof RateLimitedException r) {
                kind = "rate-limited";
                resource = r.resource();
                retry = r.retryAfter().map(Duration::toMillis).orElse(-1L);
            } else if (error instanceof NonRetryableException) {
                kind = "non-retryable";
            } else if (error instanceof AgentBrokenException) {
                kind = "broken";
            } else if (error instanceof CancellationException) {
                kind = "cancelled";
            }
            String message = error.getMessage() != null ? error.getMessage() : error.getClass().getName();
            return new Outcome(null, usage, quality, message, kind, resource, retry);
        }

        boolean succeeded() {
            return failure == null;
        }

        /** The exception the scheduler's pool sees for a failed attempt. */
        RuntimeException exception(String node) {
            String m = failure + " (on node " + node + ")";
            return switch (kind) {
                case "rate-limited" -> new RateLimitedException(resource,
                        retryAfterMillis < 0 ? null : Duration.ofMillis(retryAfterMillis), m, null);
                case "non-retryable" -> new NonRetryableException(m);
                case "broken" -> new AgentBrokenException(m);
                case "cancelled" -> new CancellationException(m);
                default -> new RemoteFailure(m);
            };
        }

        String toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (output != null) {
                m.put("output", payload(output));
            }
            if (!usage.isEmpty()) {
                m.put("usage", usage);
            }
            if (!Double.isNaN(quality)) {
                m.put("quality", quality);
            }
            if (failure != null) {
                m.put("failure", failure);
                m.put("kind", kind);
                if (resource != null) {
                    m.put("resource", resource);
                }
                if (retryAfterMillis >= 0) {
                    m.put("retryAfterMillis", retryAfterMillis);
                }
            }
            return write(m);
        }

        @SuppressWarnings("unchecked")
        static Outcome fromJson(String json) {
            Map<String, Object> m = read(json);
            Map<String, Long> usage = new LinkedHashMap<>();
            ((Map<String, Object>) m.getOrDefault("usage", Map.of()))
                    .forEach((k, v) -> usage.put(k, ((Number) v).longValue()));
            double quality = m.get("quality") instanceof Number q ? q.doubleValue() : Double.NaN;
            if (m.get("failure") instanceof String f) {
                long retry = m.get("retryAfterMillis") instanceof Number n ? n.longValue() : -1;
                return new Outcome(null, usage, quality, f, (String) m.getOrDefault("kind", "failed"),
                        (String) m.get("resource"), retry);
            }
            return new Outcome(payload((Map<String, Object>) m.getOrDefault("output", Map.of())), usage, quality,
                    null, null, null, -1);
        }
    }

    /** An attempt that failed on another node with an ordinary (retryable) exception. */
    static final class RemoteFailure extends RuntimeException {
        RemoteFailure(String message) {
            super(message, null, false, false);
        }
    }

    static Map<String, Object> payload(Payload p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", p.data());
        if (!p.attachments().isEmpty()) {
            Map<String, Object> att = new LinkedHashMap<>();
            p.attachments().forEach((k, a) -> att.put(k, Map.of("mediaType", a.mediaType(),
                    "base64", Base64.getEncoder().encodeToString(a.bytes()))));
            m.put("attachments", att);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static Payload payload(Map<String, Object> m) {
        Map<String, Attachment> att = new LinkedHashMap<>();
        ((Map<String, Map<String, String>>) m.getOrDefault("attachments", Map.of())).forEach((k, a) ->
                att.put(k, Attachment.of(a.get("mediaType"), Base64.getDecoder().decode(a.get("base64")))));
        return Payload.of((Map<String, Object>) m.getOrDefault("data", Map.of()), att);
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage(), e);
        }
    }
}
