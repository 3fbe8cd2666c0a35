package io.trinity.pool.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /v1/tasks}. The server checks every field; this builder only keeps
 * what was set. The tenant is the key's, never part of a request.
 *
 * <pre>{@code
 * TaskRequest.builder("generic").input(Map.of("op", "count", "text", text)).priority(5)
 *         .timeout(Duration.ofSeconds(30)).build();
 * }</pre>
 */
public record TaskRequest(String type, Map<String, Object> input, Integer priority, String affinity,
                          Duration timeout, Integer maxAttempts, List<String> skills) {

    public TaskRequest {
        Objects.requireNonNull(type, "type");
        input = input == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(input));
        skills = skills == null ? List.of() : List.copyOf(skills);
    }

    public static TaskRequest of(String type, Map<String, ?> input) {
        return builder(type).input(input).build();
    }

    public static Builder builder(String type) {
        return new Builder(type);
    }

    /** The JSON object the server takes; unset fields are left out. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        if (!input.isEmpty()) {
            m.put("input", input);
        }
        if (priority != null) {
            m.put("priority", priority);
        }
        if (affinity != null) {
            m.put("affinity", affinity);
        }
        if (timeout != null) {
            m.put("timeout", timeout.toMillis() + "ms");
        }
        if (maxAttempts != null) {
            m.put("maxAttempts", maxAttempts);
        }
        if (!skills.isEmpty()) {
            m.put("skills", skills);
        }
        return m;
    }

    /** Builds a {@link TaskRequest}. */
    public static final class Builder {
        private final String type;
        private Map<String, Object> input = Map.of();
        private Integer priority;
        private String affinity;
        private Duration timeout;
        private Integer maxAttempts;
        private List<String> skills = List.of();

        private Builder(String type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder input(Map<String, ?> input) {
            this.input = new LinkedHashMap<>(Objects.requireNonNull(input, "input"));
            return this;
        }

        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public Builder affinity(String affinity) {
            this.affinity = affinity;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder skill(String skill) {
            this.skills = List.of(skill);
            return this;
        }

        public TaskRequest build() {
            return new TaskRequest(type, input, priority, affinity, timeout, maxAttempts, skills);
        }
    }
}
