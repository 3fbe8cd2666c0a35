package io.trinity.pool.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Predicate;

/**
 * The tasks submitted through this server, by id and by tenant, newest first. With a journal
 * the list reads the journal instead ({@link JournalTasks}), and this index holds what was
 * submitted or read since start.
 *
 * <p>Start times are the {@link EventFeed}'s (a dispatch may be seen before the submit that
 * caused it has returned). Bounded: a task is kept for {@code retention} after submission and at most {@code max}
 * tasks are kept (the oldest go first; Caffeine decides). The per-tenant id sets follow the
 * cache through its removal listener, which runs on the thread that evicts, so a listed id is
 * always in the cache or about to be skipped. Unfinished tasks are also held in {@code active}
 * (at most queue capacity plus running) so queue counts never scan the whole index.
 */
final class TaskIndex {

    /**
     * One task as the server knows it. Timestamps fill in as events arrive; a task from before
     * this process started brings the journal's ({@link JournalTasks}).
     */
    static final class Tracked {
        final TaskHandle handle;
        final String tenant;
        final Instant submittedAt;
        /** The start the journal held when the server took the task in, or null: then the event feed's. */
        final Instant storedStartedAt;
        volatile Instant endedAt;

        Tracked(TaskHandle handle, String tenant, Instant submittedAt) {
            this(handle, tenant, submittedAt, null, null);
        }

        Tracked(TaskHandle handle, String tenant, Instant submittedAt, Instant storedStartedAt, Instant endedAt) {
            this.handle = handle;
            this.tenant = tenant;
            this.submittedAt = submittedAt;
            this.storedStartedAt = storedStartedAt;
            this.endedAt = endedAt;
        }

        long id() {
            return handle.id();
        }
    }

    private final Cache<Long, Tracked> tasks;
    private final NavigableSet<Long> all = new ConcurrentSkipListSet<>();
    private final Map<String, NavigableSet<Long>> byTenant = new ConcurrentHashMap<>();
    private final Map<Long, Tracked> active = new ConcurrentHashMap<>();
    private final PoolTime time;

    TaskIndex(Duration retention, int max, PoolTime time) {
        this.time = time;
        this.tasks = Caffeine.newBuilder()
                .expireAfterWrite(retention)
                .maximumSize(max)
                .executor(Runnable::run)
                .removalListener((Long id, Tracked t, RemovalCause cause) -> forget(id, t))
                .build();
    }

    /** The time to record as a task's submission: read it before calling submit. */
    Instant now() {
        return time.now();
    }

    Tracked add(TaskHandle handle, String tenant, Instant submittedAt) {
        return add(new Tracked(handle, tenant, submittedAt));
    }

    Tracked add(Tracked t) {
        TaskHandle handle = t.handle;
        active.put(handle.id(), t);
        tasks.put(handle.id(), t);
        all.add(handle.id());
        byTenant.computeIfAbsent(t.tenant, k -> new ConcurrentSkipListSet<>()).add(handle.id());
        handle.result().whenComplete((r, e) -> {
            if (t.endedAt == null) {
                t.endedAt = time.now();
            }
            active.remove(handle.id());
        });
        return t;
    }

    /** When the task ended: once its future is done, the first reading fixes it if the callback has not yet. */
    Instant endedAt(Tracked t) {
        if (t.endedAt == null && t.handle.result().isDone()) {
            t.endedAt = time.now();
        }
        return t.endedAt;
    }

    Tracked get(long id) {
        return tasks.getIfPresent(id);
    }

    /** Up to {@code limit} tasks of {@code tenant} (null: every tenant), newest first, older than {@code before}. */
    List<Tracked> list(String tenant, long before, int limit, Predicate<Tracked> filter) {
        NavigableSet<Long> ids = tenant == null ? all : byTenant.get(tenant);
        List<Tracked> out = new ArrayList<>(Math.min(limit, 256));
        if (ids == null) {
            return out;
        }
        for (Long id : ids.headSet(before, false).descendingSet()) {
            Tracked t = tasks.getIfPresent(id);
            if (t != null && filter.test(t)) {
                out.add(t);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** Tasks not yet final. */
    List<Tracked> active() {
        return List.copyOf(active.values());
    }

    /** Tasks of {@code tenant} not yet final, counted by state. */
    Map<TaskState, Long> activeCounts(String tenant) {
        Map<TaskState, Long> counts = new java.util.EnumMap<>(TaskState.class);
        for (Tracked t : active.values()) {
            if (t.tenant.equals(tenant)) {
                counts.merge(t.handle.state(), 1L, Long::sum);
            }
        }
        return counts;
    }

    long size() {
        return tasks.estimatedSize();
    }

    private void forget(Long id, Tracked t) {
        if (id == null) {
            return;
        }
        all.remove(id);
        if (t != null) {
            NavigableSet<Long> ids = byTenant.get(t.tenant);
            if (ids != null) {
                ids.remove(id);
            }
        }
    }
}
