package io.trinity.pool.internal;

import io.trinity.pool.DeadLetter;
import io.trinity.pool.event.PoolEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead letters, bounded by count and by age ({@code deadLetterMax},
 * {@code deadLetterRetention}). Kept in the order they arrived, so the oldest is always first:
 * adding evicts from the front past the count, and the health tick evicts from the front past
 * the age, each O(1) per letter. Every eviction is an event ({@code deadletter.evict}) so an
 * operator can tell "evicted" from "never failed". Loop-only.
 */
final class DeadLetters {

    private final Map<Long, DeadLetter> letters = new LinkedHashMap<>();
    private final int max;
    private final long retentionNanos;
    private final Events events;
    private final java.util.function.LongConsumer onEvict;

    DeadLetters(int max, long retentionNanos, Events events, java.util.function.LongConsumer onEvict) {
        this.max = max;
        this.retentionNanos = retentionNanos;
        this.events = events;
        this.onEvict = onEvict;
    }

    void add(DeadLetter letter, long now) {
        letters.put(letter.taskId(), letter);
        while (letters.size() > max) {
            evictFirst(now, "count");
        }
    }

    /** Evicts letters older than the retention. */
    void expire(long now) {
        while (!letters.isEmpty()) {
            DeadLetter first = letters.values().iterator().next();
            if (now - first.nanos() < retentionNanos) {
                return;
            }
            evictFirst(now, "age");
        }
    }

    private void evictFirst(long now, String why) {
        Iterator<DeadLetter> it = letters.values().iterator();
        DeadLetter gone = it.next();
        it.remove();
        onEvict.accept(gone.taskId());
        events.emit(() -> new PoolEvent.DeadLetterEvicted(now, gone.taskId(), gone.task().type(), why));
    }

    DeadLetter get(long taskId) {
        return letters.get(taskId);
    }

    DeadLetter remove(long taskId) {
        return letters.remove(taskId);
    }

    List<DeadLetter> all() {
        return new ArrayList<>(letters.values());
    }

    int size() {
        return letters.size();
    }
}
