package io.trinity.pool.micrometer;

import java.util.HashSet;
import java.util.Set;

/**
 * Caps the distinct values of a tag whose values come from callers (a task's type, a resource
 * key): the first {@code max} values seen keep their name, later ones become {@code other}.
 * A pool with a {@code generic} fallback accepts any type name, so without a cap one caller
 * could create a time series per task. Used on the listener thread only.
 */
final class TagValues {

    private final int max;
    private final Set<String> known = new HashSet<>();

    TagValues(int max) {
        this.max = max;
    }

    String of(String value) {
        if (value == null) {
            return TrinityPoolMetrics.OTHER;
        }
        if (known.contains(value)) {
            return value;
        }
        if (known.size() < max && !value.equals(TrinityPoolMetrics.OTHER)) {
            known.add(value);
            return value;
        }
        return TrinityPoolMetrics.OTHER;
    }
}
