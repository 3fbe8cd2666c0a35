package io.trinity.pool.agents.common;

import io.trinity.pool.Attachment;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads task input fields, answering bad input with a {@link NonRetryableException} that names
 * the field, what was wrong and the value, as every built-in agent must.
 */
public final class Inputs {

    private Inputs() {
    }

    public static String requireString(TaskContext ctx, String field) {
        Object v = ctx.data().get(field);
        if (v instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw bad(field, "a non-empty string is required", v);
    }

    public static Optional<String> optString(TaskContext ctx, String field) {
        Object v = ctx.data().get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw bad(field, "must be a string", v);
    }

    public static long optLong(TaskContext ctx, String field, long dflt, long min, long max) {
        Object v = ctx.data().get(field);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            long l = n.longValue();
            if (l >= min && l <= max) {
                return l;
            }
            throw bad(field, "must be between " + min + " and " + max, v);
        }
        throw bad(field, "must be an integer", v);
    }

    public static double optDouble(TaskContext ctx, String field, double dflt, double min, double max) {
        Object v = ctx.data().get(field);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d >= min && d <= max) {
                return d;
            }
            throw bad(field, "must be between " + min + " and " + max, v);
        }
        throw bad(field, "must be a number", v);
    }

    @SuppressWarnings("unchecked")
    public static List<Object> requireList(TaskContext ctx, String field) {
        Object v = ctx.data().get(field);
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw bad(field, "a list is required", v);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> requireMap(TaskContext ctx, String field) {
        Object v = ctx.data().get(field);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw bad(field, "an object is required", v);
    }

    public static Attachment requireAttachment(TaskContext ctx, String name) {
        return ctx.attachment(name).orElseThrow(() -> new NonRetryableException("input." + name
                + ": attachment missing (attachments present: " + ctx.input().attachments().keySet() + ")"));
    }

    /** The failure every agent uses for bad input: "input.FIELD: PROBLEM (got VALUE)". */
    public static NonRetryableException bad(String field, String problem, Object value) {
        String shown = value == null ? "nothing" : value instanceof String s ? "'" + abbreviate(s) + "'"
                : abbreviate(String.valueOf(value));
        return new NonRetryableException("input." + field + ": " + problem + " (got " + shown + ")");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
