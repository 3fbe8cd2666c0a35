package io.trinity.pool.journal.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * The JSON columns. Whole numbers come back as {@code Long}, as {@code PlainData} stores them,
 * so a task read back equals the one written.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private Json() {
    }

    static String write(Object value) {
        if (value == null) {
            return null;
        }
        // The common values of a final record (no reasons, an empty result) without Jackson: the
        // control loop encodes its batches' records, so this is on its hot path.
        if (value instanceof Map<?, ?> m && m.isEmpty()) {
            return "{}";
        }
        if (value instanceof List<?> l && l.isEmpty()) {
            return "[]";
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("journal: cannot store " + value.getClass().getName()
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Map<String, Object> map(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("journal holds malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    static List<String> strings(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return MAPPER.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("journal holds malformed JSON: " + e.getOriginalMessage(), e);
        }
    }
}
