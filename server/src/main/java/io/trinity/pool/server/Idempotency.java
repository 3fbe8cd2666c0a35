package io.trinity.pool.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Idempotency keys: the same {@code Idempotency-Key} from the same tenant within the window
 * names the task the first request created, never a second one. Keys live for {@code ttl}
 * after first use and at most {@code max} are kept (the least recently written go first).
 */
final class Idempotency {

    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    /** What a request with a key gets: the task id, and whether this request created it. */
    record Outcome(long taskId, boolean created) {
    }

    private final Cache<String, Long> keys;

    Idempotency(Duration ttl, int max) {
        this.keys = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(max).build();
    }

    /**
     * The task already submitted under {@code key} by {@code tenant}, or the one {@code submit}
     * creates now. Two requests racing with one key create one task: the second waits for the
     * first. If {@code submit} throws, nothing is remembered.
     */
    Outcome submitOnce(String tenant, String key, LongSupplier submit) {
        if (!KEY.matcher(key).matches()) {
            throw ApiError.badRequest("Idempotency-Key", "Idempotency-Key must be 1 to 255 visible ASCII characters"
                    + " (got " + Views.quote(key) + ")");
        }
        boolean[] created = new boolean[1];
        long id = keys.asMap().computeIfAbsent(tenant + '\n' + key, k -> {
            created[0] = true;
            return submit.getAsLong();
        });
        return new Outcome(id, created[0]);
    }
}
