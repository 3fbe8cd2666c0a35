package io.trinity.pool.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the server refuses, with the status and the JSON body the client gets:
 * {@code {"error": "...", "field": "..."}} plus any extra fields. Thrown from handlers and
 * turned into the response in one place ({@link Errors}); it carries no stack trace since it
 * is a normal answer, not a fault.
 */
final class ApiError extends RuntimeException {

    private final int status;
    private final String field;
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    ApiError(int status, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    static ApiError badRequest(String field, String message) {
        return new ApiError(400, message, field);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message, null);
    }

    ApiError with(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    ApiError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }

    /** The response body. */
    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", getMessage());
        if (field != null) {
            body.put("field", field);
        }
        body.putAll(extra);
        return body;
    }
}
