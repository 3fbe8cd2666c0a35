package io.trinity.pool.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.Task;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the body of {@code POST /v1/tasks} into a {@link Task}, refusing anything wrong with a
 * 400 that names the field and what is allowed. The tenant comes from the caller's key.
 */
final class TaskRequests {

    static final List<String> FIELDS = List.of("type", "input", "priority", "affinity", "timeout", "maxAttempts",
            "skills", "attachments");
    private static final int MAX_NAME = 256;
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");
    private static final Duration MAX_TIMEOUT = ChronoUnit.DAYS.getDuration().multipliedBy(7);

    private final ObjectMapper mapper;
    private final Set<String> types;

    TaskRequests(ObjectMapper mapper, Set<String> types) {
        this.mapper = mapper;
        this.types = Set.copyOf(types);
    }

    Task parse(JsonNode body, String tenant) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest("body", "the body must be a JSON object with at least \"type\" (got "
                    + (body == null ? "nothing" : body.getNodeType().name().toLowerCase(java.util.Locale.ROOT)) + ")");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (f.equals("tenant")) {
                throw ApiError.badRequest("tenant", "tenant may not be given: a task belongs to the tenant of the"
                        + " key that submits it");
            }
            if (!FIELDS.contains(f)) {
                throw ApiError.badRequest(f, "unknown field " + Views.quote(f) + "; allowed fields: " + FIELDS);
            }
        });
        Task.Builder b = Task.builder(type(body.get("type"))).tenant(tenant);
        JsonNode input = body.get("input");
        if (input != null && !input.isNull()) {
            if (!input.isObject()) {
                throw ApiError.badRequest("input", "input must be a JSON object (got " + kind(input) + ")");
            }
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> data = mapper.convertValue(input, Map.class);
                b.input(data);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("input", "input is not plain JSON data: " + e.getMessage());
            }
        }
        JsonNode priority = body.get("priority");
        if (priority != null && !priority.isNull()) {
            b.priority((int) whole("priority", priority, Task.MIN_PRIORITY, Task.MAX_PRIORITY));
        }
        JsonNode affinity = body.get("affinity");
        if (affinity != null && !affinity.isNull()) {
            b.affinity(name("affinity", affinity));
        }
        JsonNode timeout = body.get("timeout");
        if (timeout != null && !timeout.isNull()) {
            if (!timeout.isTextual()) {
                throw ApiError.badRequest("timeout", "timeout must be a string such as \"30s\" (got " + kind(timeout) + ")");
            }
            b.timeout(DurationParam.parse("timeout", timeout.asText(), Duration.ofMillis(1), MAX_TIMEOUT));
        }
        JsonNode attempts = body.get("maxAttempts");
        if (attempts != null && !attempts.isNull()) {
            b.maxAttempts((int) whole("maxAttempts", attempts, 1, Task.MAX_ATTEMPTS_LIMIT));
        }
        skills(b, body.get("skills"));
        attachments(b, body.get("attachments"));
        return b.build();
    }

    private String type(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiError.badRequest("type", "type is required; one of " + new TreeSet<>(types));
        }
        if (!node.isTextual() || !types.contains(node.asText())) {
            throw ApiError.badRequest("type", "type must be one of " + new TreeSet<>(types) + " (got "
                    + (node.isTextual() ? Views.quote(node.asText()) : kind(node)) + ")");
        }
        return node.asText();
    }

    private static void skills(Task.Builder b, JsonNode node) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isArray()) {
            throw ApiError.badRequest("skills", "skills must be an array of strings (got " + kind(node) + ")");
        }
        if (node.size() > 1) {
            throw ApiError.badRequest("skills", "skills may name at most one skill: the pool routes a task on one"
                    + " (got " + node.size() + ")");
        }
        if (node.size() == 1) {
            b.skill(name("skills[0]", node.get(0)));
        }
    }

    private static void attachments(Task.Builder b, JsonNode node) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw ApiError.badRequest("attachments", "attachments must be an object of name to"
                    + " {\"mediaType\", \"base64\"} (got " + kind(node) + ")");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String where = "attachments." + e.getKey();
            JsonNode a = e.getValue();
            if (e.getKey().isBlank() || !a.isObject() || !a.path("mediaType").isTextual() || !a.path("base64").isTextual()) {
                throw ApiError.badRequest(where, where + " must be {\"mediaType\": \"type/subtype\", \"base64\": \"...\"}");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(WHITESPACE.matcher(a.get("base64").asText()).replaceAll(""));
            } catch (IllegalArgumentException bad) {
                throw ApiError.badRequest(where + ".base64", where + ".base64 is not valid base64: " + bad.getMessage());
            }
            try {
                b.attach(e.getKey(), a.get("mediaType").asText(), bytes);
            } catch (IllegalArgumentException bad) {
                throw ApiError.badRequest(where + ".mediaType", bad.getMessage());
            }
        }
    }

    /**
     * A JSON number with an integral value within {@code min..max}: {@code 5}, and also {@code 5.0} or
     * {@code 1e3}, which JSON (and JSON Schema's "integer") count as the same whole numbers.
     */
    private static long whole(String field, JsonNode v, long min, long max) {
        java.math.BigDecimal d = v.isNumber() && !isNonFinite(v) ? v.decimalValue() : null;
        boolean integral = d != null && d.stripTrailingZeros().scale() <= 0;
        if (!integral || d.compareTo(java.math.BigDecimal.valueOf(min)) < 0
                || d.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            throw ApiError.badRequest(field, field + " must be a whole number from " + min + " to " + max + " (got "
                    + (d != null ? plain(d) : v.isNumber() ? v.asText() : kind(v)) + ")");
        }
        return d.longValueExact();
    }

    private static boolean isNonFinite(JsonNode v) {
        return v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue()) && !v.isBigDecimal();
    }

    /** A number as a person writes it: {@code 1.5}, {@code 2000}, not {@code 2000.0} or {@code 2E+3}. */
    private static String plain(java.math.BigDecimal d) {
        String s = d.stripTrailingZeros().toPlainString();
        return s.length() > 40 ? d.stripTrailingZeros().toString() : s;
    }

    private static String name(String field, JsonNode v) {
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > MAX_NAME) {
            throw ApiError.badRequest(field, field + " must be a non-blank string of at most " + MAX_NAME
                    + " characters (got " + (v.isTextual() ? Views.quote(v.asText()) : kind(v)) + ")");
        }
        return v.asText();
    }

    static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
