package io.trinity.pool;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, immutable copies of JSON-like values: maps with string keys, lists, strings, numbers, booleans and
 * null. Anything else (a live object, a stream, a byte array) is refused with the path where it was found,
 * because task data must survive a journal, an HTTP hop or a node. Whole numbers become {@code Long},
 * floating ones {@code Double} (finite only), big ones stay {@code BigInteger}/{@code BigDecimal}; arrays and
 * collections become lists, enums their name. Stateless and thread-safe.
 */
public final class PlainData {

    private PlainData() {
    }

    /**
     * Copies a map of plain values, deeply; map order is kept.
     *
     * @param map the map, or null for an empty one
     * @param path where the map sits, for error messages, such as {@code "data"}
     * @return an unmodifiable deep copy
     * @throws IllegalArgumentException naming the path of the first value that is not plain data
     */
    public static Map<String, Object> copyOf(Map<String, ?> map, String path) {
        if (map == null) {
            return Map.of();
        }
        return copyMap(map, path);
    }

    /**
     * Copies one plain value, deeply.
     *
     * @param value the value, may be null
     * @param path where the value sits, for error messages, such as {@code "data.items[2]"}
     * @return an immutable copy, normalised as the class comment says
     * @throws IllegalArgumentException naming the path of the first value that is not plain data
     */
    public static Object copyValue(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(path + ": numbers must be finite (got " + d + ")");
            }
            return d;
        }
        if (value instanceof BigInteger || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Map<?, ?> m) {
            return copyMap(m, path);
        }
        if (value instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            int i = 0;
            for (Object o : c) {
                out.add(copyValue(o, path + "[" + i++ + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Object[] array) {
            return copyValue(List.of(array), path);
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        throw new IllegalArgumentException(path + ": only maps, lists, strings, numbers, booleans and null"
                + " may travel with a task (got " + value.getClass().getName()
                + "); put binary data in an Attachment");
    }

    private static Map<String, Object> copyMap(Map<?, ?> map, String path) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException(path + ": map keys must be strings (got "
                        + (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + ")");
            }
            out.put(key, copyValue(e.getValue(), path + "." + key));
        }
        return Collections.unmodifiableMap(out);
    }
}
