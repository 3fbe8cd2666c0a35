package io.trinity.pool;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, immutable copies of JSON-like values: maps with string keys, lists, strings, numbers,
 * booleans and null. Anything else (a live object, a stream, a byte array) is refused with the
 * path where it was found, because task data must survive a journal, an HTTP hop or a node.
 *
 * <p>The rules, each chosen so a value reads back the same after a trip through JSON:
 * <ul>
 *   <li><b>Numbers.</b> JSON has one kind of whole number and one kind of fraction, so the copy
 *       has too: {@code Integer}, {@code Short}, {@code Byte} and {@code Long} become
 *       {@code Long}; {@code Float} and {@code Double} become {@code Double} (a {@code Float}
 *       widens exactly: {@code 0.1f} reads back as {@code 0.10000000149011612}) and must be
 *       finite; {@code BigInteger} and {@code BigDecimal} are kept as they are. Other
 *       {@code Number} types ({@code AtomicLong}, ...) are refused. Read a number back with
 *       {@code ((Number) value).intValue()}, never with a cast to {@code Integer}.</li>
 *   <li><b>Lists.</b> Any {@code Collection} or {@code Object[]} becomes an unmodifiable
 *       {@code List} in iteration order (a {@code Set}'s order is its own). Elements may be
 *       null (JSON null), as map values may; map keys may not.</li>
 *   <li><b>Enums</b> become their {@link Enum#name() name}.</li>
 *   <li><b>Depth.</b> Maps and lists may nest at most {@link #MAX_DEPTH} levels, the top map
 *       counting as one. Deeper data, or data that contains itself (a cycle, found by identity),
 *       is refused with an {@link IllegalArgumentException} naming the path, instead of a
 *       {@code StackOverflowError} somewhere later.</li>
 *   <li><b>Sharing.</b> A map or list reached twice without a cycle (a shared branch) is copied
 *       once and shared in the copy, which is safe because the copy is immutable.</li>
 * </ul>
 */
public final class PlainData {

    /**
     * The most levels that maps and lists may nest inside one another, the top map counting as
     * one. Far beyond any real task input, far below what a recursive JSON reader or writer
     * (the journal, a process worker, a browser) handles safely.
     */
    public static final int MAX_DEPTH = 100;

    /** Paths longer than this many segments are shortened in messages (their middle elided). */
    private static final int PATH_SEGMENTS_SHOWN = 16;

    private PlainData() {
    }

    /**
     * Copies a map of plain values, deeply; map order is kept.
     *
     * @param map the map, or null for an empty one
     * @param path where the map sits, for error messages, such as {@code "data"}
     * @return an unmodifiable deep copy
     * @throws IllegalArgumentException naming the path of the first value that is not plain
     *                                  data, nests deeper than {@link #MAX_DEPTH}, or contains itself
     */
    public static Map<String, Object> copyOf(Map<String, ?> map, String path) {
        if (map == null) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) new Copier(path).copy(map);
        return copy;
    }

    /**
     * Copies one plain value, deeply.
     *
     * @param value the value, may be null
     * @param path where the value sits, for error messages, such as {@code "data.items[2]"}
     * @return an immutable copy, normalised as the class comment says
     * @throws IllegalArgumentException as {@link #copyOf(Map, String)}
     */
    public static Object copyValue(Object value, String path) {
        return new Copier(path).copy(value);
    }

    /**
     * One copy. Keeps the maps and lists being copied (the path from the top) to detect a cycle
     * and name where it is; path strings are built only for a message, never per element.
     */
    private static final class Copier {
        private final String root;
        /** Containers from the top down to the one being copied, and how each was reached. */
        private final List<Object> open = new ArrayList<>();
        private final List<Object> steps = new ArrayList<>();
        /** Shared branches already copied; made on the first nested container only. */
        private IdentityHashMap<Object, Copied> done;
        /** Levels of maps and lists in the value last copied (0 for a scalar). */
        private int height;

        private record Copied(Object copy, int height) {
        }

        Copier(String root) {
            this.root = root;
        }

        Object copy(Object value) {
            height = 0;
            if (value == null || value instanceof String || value instanceof Boolean) {
                return value;
            }
            if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                return ((Number) value).longValue();
            }
            if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException(path() + ": numbers must be finite (got " + d + ")");
                }
                return d;
            }
            if (value instanceof BigInteger || value instanceof BigDecimal) {
                return value;
            }
            if (value instanceof Enum<?> e) {
                return e.name();
            }
            if (value instanceof Map<?, ?> || value instanceof Collection<?> || value instanceof Object[]) {
                return container(value);
            }
            throw new IllegalArgumentException(path() + ": only maps, lists, strings, numbers, booleans and null"
                    + " may travel with a task (got " + value.getClass().getTypeName()
                    + "); put binary data in an Attachment");
        }

        private Object container(Object value) {
            for (int i = 0; i < open.size(); i++) {
                if (open.get(i) == value) {
                    throw new IllegalArgumentException(path() + ": a cycle: this " + kind(value) + " is "
                            + path(i) + ", which contains it; task data must be a tree (copy the "
                            + kind(value) + " instead of putting it inside itself)");
                }
            }
            int depth = open.size() + 1;
            Copied shared = done == null ? null : done.get(value);
            if (shared != null) {
                if (depth - 1 + shared.height > MAX_DEPTH) {
                    throw tooDeep(depth - 1 + shared.height);
                }
                height = shared.height;
                return shared.copy;
            }
            if (depth > MAX_DEPTH) {
                throw tooDeep(depth);
            }
            open.add(value);
            int below = 0;
            Object copy;
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException(path() + ": map keys must be strings (got "
                                + (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + ")");
                    }
                    steps.add(key);
                    out.put(key, copy(e.getValue()));
                    steps.removeLast();
                    below = Math.max(below, height);
                }
                copy = Collections.unmodifiableMap(out);
            } else {
                Collection<?> items = value instanceof Object[] array ? Arrays.asList(array)
                        : (Collection<?>) value;
                List<Object> out = new ArrayList<>(items.size());
                int i = 0;
                for (Object o : items) {
                    steps.add(i++);
                    out.add(copy(o));
                    steps.removeLast();
                    below = Math.max(below, height);
                }
                copy = Collections.unmodifiableList(out);
            }
            open.removeLast();
            height = below + 1;
            if (depth > 1) {
                if (done == null) {
                    done = new IdentityHashMap<>();
                }
                done.put(value, new Copied(copy, height));
            }
            return copy;
        }

        private IllegalArgumentException tooDeep(int depth) {
            return new IllegalArgumentException(path() + ": maps and lists nest " + depth
                    + " levels deep here, more than the " + MAX_DEPTH + " allowed (PlainData.MAX_DEPTH);"
                    + " flatten the data, or send it as an Attachment");
        }

        private static String kind(Object container) {
            return container instanceof Map<?, ?> ? "map" : "list";
        }

        /** The path of the value being copied. */
        private String path() {
            return path(steps.size());
        }

        /** The path made of the first {@code n} steps, its middle elided when long. */
        private String path(int n) {
            StringBuilder sb = new StringBuilder(root);
            int half = PATH_SEGMENTS_SHOWN / 2;
            for (int i = 0; i < n; i++) {
                if (n > PATH_SEGMENTS_SHOWN && i == half) {
                    sb.append(".(").append(n - 2 * half).append(" more levels)");
                    i = n - half - 1;
                    continue;
                }
                Object step = steps.get(i);
                if (step instanceof String key) {
                    sb.append('.').append(key);
                } else {
                    sb.append('[').append(step).append(']');
                }
            }
            return sb.toString();
        }
    }
}
