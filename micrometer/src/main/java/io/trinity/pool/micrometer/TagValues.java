package io.trinity.pool.micrometer;

import java.util.HashSet;
import java.util.Set;

/**
 * Caps the distinct values of a tag whose values come from callers (a task's type, a resource
 * key): the first {@code max} values seen keep their name, later ones become {@code other}.
 * A pool with a {@code generic} fallback accepts any type name, so without a cap one caller
 * could create a time series per task.
 *
 * <p>Values the pool itself vouches for (its registered agent types, learnt as their agents
 * spawn) are {@linkplain #pin pinned}: they keep their name whatever callers sent first, and do
 * not count against the cap. Used on the listener thread only.
 */
final class TagValues {

    private final int max;
    private final Set<String> known = new HashSet<>();
    private final Set<String> pinned = new HashSet<>();

    TagValues(int max) {
        this.max = max;
    }

    String of(String value) {
        if (value == null) {
            return TrinityPoolMetrics.OTHER;
        }
        if (pinned.contains(value) || known.contains(value)) {
            return value;
        }
        if (known.size() < max && !value.equals(TrinityPoolMetrics.OTHER)) {
            known.add(value);
            return value;
        }
        return TrinityPoolMetrics.OTHER;
    }

    /**
     * Gives {@code value} its own name from now on, outside the cap (a slot it held is freed).
     *
     * @return whether it was pinned just now and had no name of its own before, so that what was
     *     counted for it so far went to {@code other}
     */
    boolean pin(String value) {
        if (value == null || value.equals(TrinityPoolMetrics.OTHER) || !pinned.add(value)) {
            return false;
        }
        return !known.remove(value);
    }
}
