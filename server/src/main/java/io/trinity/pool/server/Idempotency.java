package io.trinity.pool.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Idempotency keys: the same {@code Idempotency-Key} from the same tenant within the window
 * names the task the first request created, never a second one. Keys live for {@code ttl}
 * after first use and at most {@code max} are kept (the least recently written go first).
 *
 * <p>A key is looked up and its task submitted under the lock of the key's stripe, so two
 * requests racing with one key create one task: the second waits for the first. A batch takes
 * the stripes of all its keys (in one order, so batches cannot deadlock) and submits what is
 * new in one call.
 */
final class Idempotency {

    /**
     * The longest key: what {@link io.trinity.pool.Task.Builder#idempotencyKey} takes, so the pool (and
     * its journal, across restarts) keeps every key the API accepts.
     */
    static final int MAX_KEY = 200;
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1," + MAX_KEY + "}");
    private static final int STRIPES = 64;

    /** What a request with a key gets: the task id, and whether this request created it. */
    record Outcome(long taskId, boolean created) {
    }

    private final Cache<String, Long> keys;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    Idempotency(Duration ttl, int max) {
        this.keys = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(max).build();
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Refuses a malformed key with a 400 naming {@code field}. */
    static void check(String key, String field) {
        if (!KEY.matcher(key).matches()) {
            throw ApiError.badRequest(field, field + " must be 1 to " + MAX_KEY + " visible ASCII characters, without"
                    + " spaces (got " + (key.length() > MAX_KEY ? key.length() + " characters: " : "") + Views.quote(key)
                    + "); use a shorter key, such as a hash of a longer one");
        }
    }

    /**
     * The task already submitted under {@code key} by {@code tenant}, or what {@code submit}
     * answers now: a new task, or one the pool already had under the key (it keeps keys across
     * restarts, this map does not), which is then remembered here. If {@code submit} throws,
     * nothing is remembered.
     */
    Outcome submitOnce(String tenant, String key, Supplier<Outcome> submit) {
        check(key, "Idempotency-Key");
        String k = tenant + '\n' + key;
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            Long known = keys.getIfPresent(k);
            if (known != null) {
                return new Outcome(known, false);
            }
            Outcome o = submit.get();
            keys.put(k, o.taskId());
            return o;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The batch form of {@link #submitOnce}: for each of {@code keyList} (checked already) the
     * task known under it, or, for the keys not known, the outcomes {@code submit} returns when
     * given their positions in {@code keyList} (in order, as {@link #submitOnce}'s; null is a
     * refused task and is not remembered). A key repeated in the batch names the first one's task.
     */
    Outcome[] submitAllOnce(String tenant, List<String> keyList, Function<List<Integer>, Outcome[]> submit) {
        TreeSet<Integer> needed = new TreeSet<>();
        String[] k = new String[keyList.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = tenant + '\n' + keyList.get(i);
            needed.add(Math.floorMod(k[i].hashCode(), STRIPES));
        }
        for (int s : needed) {
            stripes[s].lock();
        }
        try {
            Outcome[] out = new Outcome[k.length];
            List<Integer> fresh = new java.util.ArrayList<>();
            java.util.Map<String, Integer> firstFresh = new java.util.HashMap<>();
            for (int i = 0; i < k.length; i++) {
                Long known = keys.getIfPresent(k[i]);
                if (known != null) {
                    out[i] = new Outcome(known, false);
                } else if (firstFresh.putIfAbsent(k[i], i) == null) {
                    fresh.add(i);
                }
            }
            Outcome[] got = fresh.isEmpty() ? new Outcome[0] : submit.apply(fresh);
            for (int j = 0; j < fresh.size(); j++) {
                if (got[j] != null) {
                    keys.put(k[fresh.get(j)], got[j].taskId());
                    out[fresh.get(j)] = got[j];
                }
            }
            for (int i = 0; i < k.length; i++) {
                if (out[i] == null) { // a repeat of a key first seen in this batch
                    Integer first = firstFresh.get(k[i]);
                    if (first != null && first != i && out[first] != null) {
                        out[i] = new Outcome(out[first].taskId(), false);
                    }
                }
            }
            return out;
        } finally {
            for (int s : needed.descendingSet()) {
                stripes[s].unlock();
            }
        }
    }

    private ReentrantLock stripe(String k) {
        return stripes[Math.floorMod(k.hashCode(), STRIPES)];
    }
}
