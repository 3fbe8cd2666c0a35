package io.trinity.pool.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.trinity.pool.event.EventLogWriter;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pool's events as the server hands them out: each gets a sequence number (the SSE event
 * id), its event-log line ({@link EventLogWriter#toLine}, so a stream carries exactly the
 * objects of an event log) and an owner, the tenant whose task it concerns.
 *
 * <p>The pool calls {@link #onEvent} off its control loop, one event at a time. The last
 * {@code capacity} events are kept in a ring for {@code Last-Event-ID} resumption. Each
 * subscriber has its own bounded queue; one that falls {@code queueCapacity} events behind is
 * ended (it may reconnect and resume from its last id), so a slow client never holds up the
 * pool's listener thread or other clients.
 *
 * <p>Owners: an event with a {@code tenant} field belongs to that tenant; one with a
 * {@code task} field to the task's tenant (learnt from its {@code task.submit}), or to admins
 * only when that task is unknown; any other event is pool-level and everyone sees it.
 */
final class EventFeed implements PoolListener {

    /** Owner of events only admins see. Tenant names are never blank, so it cannot clash. */
    static final String ADMIN_ONLY = "";

    /** One numbered event. {@code owner} null: pool-level. */
    record Entry(long id, String owner, String json) {
    }

    /** Marks a subscription's end: the feed closed or the subscriber fell too far behind. */
    static final Entry END = new Entry(-1, ADMIN_ONLY, "");

    /** A circuit's last known state. */
    record Circuit(boolean open, int failures, String cause, Instant since) {
    }

    private final PoolTime time;
    private final Entry[] ring;
    private final int queueCapacity;
    private final Object lock = new Object();
    private long lastId;
    private boolean closed;
    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();
    private final Cache<Long, String> taskTenants;
    private final Cache<Long, Instant> started;
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> agentMillis = new ConcurrentHashMap<>();
    private final LongAdder rejected = new LongAdder();
    private volatile Submitted submitted = (task, tenant, at) -> { };

    /** Told of every task the pool accepts, before its {@code task.submit} goes out to streams. */
    interface Submitted {
        void accept(long task, String tenant, Instant at);
    }

    EventFeed(PoolTime time, int capacity, int queueCapacity, int maxTasks, Duration retention) {
        this.time = time;
        this.ring = new Entry[capacity];
        this.queueCapacity = queueCapacity;
        this.taskTenants = Caffeine.newBuilder().maximumSize(maxTasks).expireAfterWrite(retention).build();
        this.started = Caffeine.newBuilder().maximumSize(maxTasks).expireAfterWrite(retention).build();
    }

    @Override
    public void onEvent(PoolEvent event) {
        Map<String, Object> fields = event.fields();
        String owner = owner(event, fields);
        if (event instanceof PoolEvent.TaskSubmitted s) {
            submitted.accept(s.task(), s.tenant(), time.at(s.nanos()));
        }
        observe(event, owner);
        String json = EventLogWriter.toLine(event, time.startNanos());
        synchronized (lock) {
            if (closed) {
                return;
            }
            Entry e = new Entry(++lastId, owner, json);
            ring[(int) (e.id % ring.length)] = e;
            for (Subscription s : subscribers) {
                s.offer(e);
            }
        }
    }

    private String owner(PoolEvent event, Map<String, Object> fields) {
        if (fields.get("tenant") instanceof String tenant) {
            if (event instanceof PoolEvent.TaskSubmitted s) {
                taskTenants.put(s.task(), tenant);
            }
            return tenant;
        }
        if (fields.get("task") instanceof Number task) {
            String tenant = taskTenants.getIfPresent(task.longValue());
            return tenant != null ? tenant : ADMIN_ONLY;
        }
        return null;
    }

    /** Keeps what the API reports beyond the snapshot: start times, circuits, agent time by tenant. */
    private void observe(PoolEvent event, String owner) {
        switch (event) {
            case PoolEvent.TaskDispatched d -> started.asMap().putIfAbsent(d.task(), time.at(d.nanos()));
            case PoolEvent.CircuitChanged c -> circuits.put(c.type(),
                    new Circuit(c.open(), c.failures(), c.cause(), time.at(c.nanos())));
            case PoolEvent.TaskRejected r -> rejected.increment();
            case PoolEvent.TaskEnded e when owner != null && !owner.isEmpty() ->
                    agentMillis.computeIfAbsent(owner, k -> new LongAdder()).add(e.ms());
            default -> {
            }
        }
    }

    /**
     * Subscribes {@code viewer} to the events after {@code afterId} it may see: those still in
     * the ring first, then live ones, with no gap and no repeat between the two.
     */
    Subscription subscribe(Principal viewer, long afterId) {
        Subscription s = new Subscription(viewer, queueCapacity);
        synchronized (lock) {
            if (closed) {
                s.queue.offer(END);
                return s;
            }
            long from = Math.max(afterId + 1, lastId - ring.length + 1);
            for (long id = Math.max(1, from); id <= lastId; id++) {
                s.backlog.add(ring[(int) (id % ring.length)]);
            }
            s.backlog.removeIf(e -> !s.visible(e));
            subscribers.add(s);
        }
        return s;
    }

    /** Ends every subscription; later events are dropped. */
    void close() {
        synchronized (lock) {
            closed = true;
            for (Subscription s : subscribers) {
                s.end();
            }
            subscribers.clear();
        }
    }

    /** Sets who is told of each accepted task ({@link Submitted}); set once, before the pool starts work. */
    void onSubmitted(Submitted submitted) {
        this.submitted = java.util.Objects.requireNonNull(submitted, "submitted");
    }

    /** The tenant of a task whose {@code task.submit} went out, while it is remembered; null otherwise. */
    String tenantOf(long task) {
        return taskTenants.getIfPresent(task);
    }

    /** When the task's first attempt started, if one did and it is still remembered. */
    Instant startedAt(long task) {
        return started.getIfPresent(task);
    }

    long lastId() {
        synchronized (lock) {
            return lastId;
        }
    }

    Map<String, Circuit> circuits() {
        return Map.copyOf(circuits);
    }

    /**
     * Tasks refused so far: at submit (queue full, tenant limit, unknown type, shutting down, not
     * stored) or shed from a full queue after they were accepted. One per {@code task.reject}
     * event, as {@code trinity_pool_tasks_total{outcome="rejected"}} counts them.
     */
    long rejected() {
        return rejected.sum();
    }

    /** Agent time used by each tenant's attempts so far, in milliseconds. */
    Map<String, Long> agentMillis() {
        Map<String, Long> out = new java.util.TreeMap<>();
        agentMillis.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** One client's view of the feed. */
    final class Subscription implements AutoCloseable {
        private final Principal viewer;
        private final BlockingQueue<Entry> queue;
        private final List<Entry> backlog = new ArrayList<>();

        private Subscription(Principal viewer, int capacity) {
            this.viewer = viewer;
            this.queue = new ArrayBlockingQueue<>(capacity + 1);
        }

        boolean visible(Entry e) {
            return e.owner == null || (e.owner.isEmpty() ? viewer.isAdmin() : viewer.canSee(e.owner));
        }

        /** The events from the ring, to send first. */
        List<Entry> backlog() {
            return backlog;
        }

        /** The next live event, {@link #END} when the stream is over, or null after {@code timeout}. */
        Entry next(Duration timeout) throws InterruptedException {
            return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void offer(Entry e) {
            if (visible(e) && queue.remainingCapacity() > 1) {
                queue.offer(e);
            } else if (visible(e)) {
                end();
            }
        }

        private void end() {
            subscribers.remove(this);
            queue.offer(END);
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}
