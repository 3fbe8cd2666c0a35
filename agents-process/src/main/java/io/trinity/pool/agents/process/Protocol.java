package io.trinity.pool.agents.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.TaskContext;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Lines protocol between a {@link ProcessAgent} and its worker (see
 * {@code docs/process-agents.md}): encodes requests and decodes the worker's lines into
 * {@link Message}s. Every request is one compact JSON object on one line; Jackson escapes
 * newlines inside strings, so a line is always a whole message.
 */
final class Protocol {

    /** What a worker may say. {@code id} is null when the worker did not echo it. */
    sealed interface Message permits Ready, Progress, Result, Error, Cancelled, Unknown {
    }

    record Ready(Map<String, Object> info) implements Message {
    }

    record Progress(Long id, double fraction, String note) implements Message {
    }

    record Result(Long id, Payload output) implements Message {
    }

    record Error(Long id, String message, boolean retryable) implements Message {
    }

    record Cancelled(Long id) implements Message {
    }

    /** A type this version does not know; ignored so workers can add line types later. */
    record Unknown(String type) implements Message {
    }

    /** A line that is JSON but breaks the protocol (a known type with a bad field). */
    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message);
        }
    }

    /** A line that is not a JSON object at all (a stray print to stdout). */
    static final class NotJsonException extends Exception {
        NotJsonException(String message) {
            super(message);
        }
    }

    private final ObjectMapper mapper;

    Protocol(int maxLineBytes) {
        this.mapper = JsonMapper.builder()
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        // Lines are bounded by maxLineBytes already; Jackson's own string cap must not be lower.
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Math.max(maxLineBytes, StreamReadConstraints.DEFAULT_MAX_STRING_LEN))
                .build());
    }

    String taskLine(long id, TaskContext ctx) {
        ObjectNode line = mapper.createObjectNode();
        line.put("type", "task");
        line.put("id", id);
        line.put("taskId", ctx.taskId());
        line.put("attempt", ctx.attempt());
        line.put("taskType", ctx.type());
        line.set("input", mapper.valueToTree(ctx.data()));
        ObjectNode attachments = line.putObject("attachments");
        ctx.input().attachments().forEach((name, a) -> attachments.putObject(name)
                .put("mediaType", a.mediaType())
                .put("base64", Base64.getEncoder().encodeToString(a.bytes())));
        TraceContext.traceparent().ifPresent(tp -> line.put("traceparent", tp)); // the task's trace, when traced
        return write(line);
    }

    String cancelLine(long id) {
        return write(mapper.createObjectNode().put("type", "cancel").put("id", id));
    }

    String stopLine() {
        return write(mapper.createObjectNode().put("type", "stop"));
    }

    private String write(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a protocol line: " + e.getOriginalMessage(), e);
        }
    }

    Message parse(String line) throws ProtocolException, NotJsonException {
        JsonNode node;
        try {
            node = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            throw new NotJsonException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new NotJsonException("not a JSON object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException("field 'type' must be a string (got " + type + ")");
        }
        Long id = id(node);
        return switch (type.asText()) {
            case "ready" -> new Ready(object(node, "info"));
            case "progress" -> new Progress(id, fraction(node), text(node, "note", false));
            case "result" -> new Result(id, payload(node));
            case "error" -> new Error(id, text(node, "message", true), bool(node, "retryable"));
            case "cancelled" -> new Cancelled(id);
            default -> new Unknown(type.asText());
        };
    }

    private static Long id(JsonNode node) throws ProtocolException {
        JsonNode id = node.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.canConvertToExactIntegral() || !id.canConvertToLong()) {
            throw new ProtocolException("field 'id' must be the integer id of the request (got " + id + ")");
        }
        return id.asLong();
    }

    private static double fraction(JsonNode node) throws ProtocolException {
        JsonNode f = node.get("fraction");
        if (f == null || f.isNull()) {
            return -1;
        }
        if (!f.isNumber()) {
            throw new ProtocolException("progress field 'fraction' must be a number in 0..1 (got " + f + ")");
        }
        return Math.min(1.0, f.asDouble());
    }

    private static String text(JsonNode node, String field, boolean required) throws ProtocolException {
        JsonNode t = node.get(field);
        if (t == null || t.isNull()) {
            if (required) {
                throw new ProtocolException("field '" + field + "' is required");
            }
            return null;
        }
        if (!t.isTextual()) {
            throw new ProtocolException("field '" + field + "' must be a string (got " + t + ")");
        }
        return t.asText();
    }

    private static boolean bool(JsonNode node, String field) throws ProtocolException {
        JsonNode b = node.get(field);
        if (b == null || b.isNull()) {
            return false;
        }
        if (!b.isBoolean()) {
            throw new ProtocolException("field '" + field + "' must be true or false (got " + b + ")");
        }
        return b.asBoolean();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(JsonNode node, String field) throws ProtocolException {
        JsonNode o = node.get(field);
        if (o == null || o.isNull()) {
            return Map.of();
        }
        if (!o.isObject()) {
            throw new ProtocolException("field '" + field + "' must be an object (got " + abbreviate(o.toString()) + ")");
        }
        return mapper.convertValue(o, Map.class);
    }

    private Payload payload(JsonNode node) throws ProtocolException {
        Map<String, Object> data = object(node, "output");
        Map<String, Attachment> attachments = new LinkedHashMap<>();
        JsonNode parts = node.get("attachments");
        if (parts != null && !parts.isNull()) {
            if (!parts.isObject()) {
                throw new ProtocolException("result field 'attachments' must be an object of name -> {mediaType, base64}");
            }
            for (Map.Entry<String, JsonNode> e : parts.properties()) {
                attachments.put(e.getKey(), attachment(e.getKey(), e.getValue()));
            }
        }
        try {
            return Payload.of(data, attachments);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("result field 'output' is not plain data: " + e.getMessage());
        }
    }

    private static Attachment attachment(String name, JsonNode part) throws ProtocolException {
        String where = "result attachment '" + name + "'";
        if (part == null || !part.isObject()) {
            throw new ProtocolException(where + " must be an object {mediaType, base64}");
        }
        JsonNode mediaType = part.get("mediaType");
        JsonNode base64 = part.get("base64");
        if (mediaType == null || !mediaType.isTextual() || base64 == null || !base64.isTextual()) {
            throw new ProtocolException(where + " needs string fields 'mediaType' and 'base64'");
        }
        try {
            return Attachment.of(mediaType.asText(), Base64.getDecoder().decode(base64.asText()));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(where + ": " + e.getMessage());
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
