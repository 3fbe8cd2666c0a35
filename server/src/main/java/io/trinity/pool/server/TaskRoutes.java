package io.trinity.pool.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.trinity.pool.AgentPool;
import io.trinity.pool.Submission;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** {@code /v1/tasks}: submit, read (with long-poll), cancel, list. A tenant sees only its own tasks. */
final class TaskRoutes {

    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** How long a cancel waits for the task to reach its final state before answering. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(1);
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final AgentPool pool;
    private final TaskIndex index;
    private final EventFeed feed;
    private final Idempotency idempotency;
    private final TaskRequests requests;
    private final ObjectMapper mapper;
    private final BooleanSupplier draining;
    /** The pool's journal, or null without one: then the index is all the server knows. */
    private final JournalTasks journal;
    private final Redaction redaction;
    /** The newest task id the journal held when the server started: up to it, a task is from before. */
    private final long newestAtStart;

    TaskRoutes(AgentPool pool, TaskIndex index, EventFeed feed, Idempotency idempotency, TaskRequests requests,
               ObjectMapper mapper, BooleanSupplier draining, JournalTasks journal, Redaction redaction) {
        this.pool = pool;
        this.index = index;
        this.feed = feed;
        this.idempotency = idempotency;
        this.requests = requests;
        this.mapper = mapper;
        this.draining = draining;
        this.journal = journal;
        this.redaction = redaction;
        this.newestAtStart = journal == null ? 0 : journal.newestId();
    }

    void submit(Context ctx) throws Exception {
        Principal p = Auth.principal(ctx);
        if (draining.getAsBoolean()) {
            throw Errors.draining(); // before the body is read: a draining server answers 503, not 413
        }
        Accepted a = submit(p, ctx.bodyAsBytes(), ctx.header(ORIGIN_HEADER),
                ctx.header("Idempotency-Key"));
        ctx.header("Location", a.location());
        ctx.status(a.status()).json(a.body());
    }

    /** What an accepted {@code POST /v1/tasks} answers: 202 for a new task, 200 for a known key's. */
    record Accepted(int status, String location, Map<String, Object> body) {
    }

    /**
     * {@code POST /v1/tasks} for a caller already authenticated, from the HTTP route or a call
     * that came another way ({@link PoolServer#submit}); refusals are thrown as the route throws them.
     */
    Accepted submit(Principal p, byte[] body, String origin, String key) throws java.io.IOException {
        if (draining.getAsBoolean()) {
            throw Errors.draining();
        }
        Task task = withOrigin(requests.parse(json(body), p.tenant()), origin);
        TaskHandle handle;
        boolean created = true;
        if (key == null) {
            handle = submit(task, p.tenant()).handle;
        } else {
            Idempotency.check(key, "Idempotency-Key");
            // the key travels with the task too: with a journal the pool itself keeps it across restarts
            Task keyed = withKey(task, key);
            Idempotency.Outcome o = idempotency.submitOnce(p.tenant(), key, () -> submitKeyed(keyed, p.tenant()));
            TaskIndex.Tracked t = index.get(o.taskId());
            if (t == null) {
                throw new ApiError(409, "Idempotency-Key " + Views.quote(key) + " named task " + o.taskId()
                        + ", which is no longer kept; use a new key", "Idempotency-Key");
            }
            handle = t.handle;
            created = o.created();
        }
        return new Accepted(created ? 202 : 200, "/v1/tasks/" + handle.id(), Views.accepted(handle));
    }

    /** The most tasks one {@code POST /v1/tasks/batch} may carry. */
    static final int MAX_BATCH = 1000;

    /**
     * {@code POST /v1/tasks/batch}: {@code {"tasks": [task, ...]}}, each element what
     * {@code POST /v1/tasks} takes plus an optional {@code idempotencyKey}. Each task is accepted or
     * refused on its own, in array order, with the status its own submit would have had; the
     * accepted ones are stored in one journal write. The answer is 200 with one result per task.
     */
    void submitBatch(Context ctx) throws Exception {
        Principal p = Auth.principal(ctx);
        if (draining.getAsBoolean()) {
            throw Errors.draining();
        }
        String header = ctx.header("Idempotency-Key");
        if (header != null) { // one key cannot name many tasks; ignoring it would let a retry duplicate them all
            throw ApiError.badRequest("Idempotency-Key", "POST /v1/tasks/batch takes no Idempotency-Key header (got "
                    + Views.quote(header) + "): set \"idempotencyKey\" on each task in \"tasks\" instead, a"
                    + " different key for each task");
        }
        JsonNode items = batchItems(json(ctx));
        int n = items.size();
        String origin = ctx.header(ORIGIN_HEADER);
        Task[] tasks = new Task[n];
        String[] keys = new String[n];
        Map<String, Object>[] results = newResults(n);
        for (int i = 0; i < n; i++) {
            try {
                JsonNode item = items.get(i);
                if (item != null && item.isObject() && item.has("idempotencyKey")) {
                    keys[i] = batchKey(item.get("idempotencyKey"), i);
                    item = ((com.fasterxml.jackson.databind.node.ObjectNode) item.deepCopy()).without("idempotencyKey");
                }
                Task t = withOrigin(requests.parse(item, p.tenant()), origin);
                tasks[i] = keys[i] == null ? t : withKey(t, keys[i]);
            } catch (ApiError e) {
                results[i] = itemError(e, i);
            }
        }
        Submission[] subs = new Submission[n];
        List<Integer> keyed = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (tasks[i] != null && keys[i] != null) {
                keyed.add(i);
            }
        }
        java.util.Set<Integer> freshKeyed = new java.util.HashSet<>();
        Runnable submitAll = () -> {
            List<Integer> order = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (tasks[i] != null && (keys[i] == null || freshKeyed.contains(i))) {
                    order.add(i);
                }
            }
            List<Submission> out = pool.submitAll(order.stream().map(i -> tasks[i]).toList());
            for (int j = 0; j < order.size(); j++) {
                subs[order.get(j)] = out.get(j);
            }
        };
        Idempotency.Outcome[] outcomes = new Idempotency.Outcome[n];
        if (keyed.isEmpty()) {
            submitAll.run();
        } else {
            Idempotency.Outcome[] o = idempotency.submitAllOnce(p.tenant(), keyed.stream().map(i -> keys[i]).toList(),
                    positions -> {
                        positions.forEach(pos -> freshKeyed.add(keyed.get(pos)));
                        submitAll.run();
                        return positions.stream().map(pos -> {
                            int i = keyed.get(pos);
                            Submission sub = subs[i];
                            return sub.isAccepted()
                                    ? new Idempotency.Outcome(sub.handle().id(), createdBy(sub.handle(), tasks[i]))
                                    : null;
                        }).toArray(Idempotency.Outcome[]::new);
                    });
            for (int j = 0; j < keyed.size(); j++) {
                outcomes[keyed.get(j)] = o[j];
            }
            if (freshKeyed.isEmpty()) { // every key was known: submitAllOnce submitted nothing
                submitAll.run();
            }
        }
        java.time.Instant at = index.now();
        int accepted = 0;
        Map<String, ApiError> refusedKeys = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            if (results[i] != null) {
                continue;
            }
            if (subs[i] != null && !subs[i].isAccepted()) {
                ApiError e = Errors.refusal(subs[i].refusal());
                if (keys[i] != null) {
                    refusedKeys.putIfAbsent(keys[i], e);
                }
                results[i] = itemError(e, i);
                continue;
            }
            TaskIndex.Tracked t;
            boolean created;
            if (keys[i] == null) {
                t = tracked(subs[i].handle(), p.tenant(), at, true);
                created = true;
            } else if (outcomes[i] == null) { // repeats a key whose first task was refused
                results[i] = itemError(refusedKeys.get(keys[i]), i);
                continue;
            } else {
                created = outcomes[i].created();
                t = subs[i] != null ? tracked(subs[i].handle(), p.tenant(), at, created)
                        : index.get(outcomes[i].taskId());
                if (t == null) {
                    results[i] = itemError(new ApiError(409, "idempotencyKey " + Views.quote(keys[i]) + " named task "
                            + outcomes[i].taskId() + ", which is no longer kept; use a new key", "idempotencyKey"), i);
                    continue;
                }
            }
            Map<String, Object> r = new LinkedHashMap<>(Views.accepted(t.handle));
            r.put("status", created ? 202 : 200);
            results[i] = r;
            accepted++;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", accepted);
        body.put("refused", n - accepted);
        body.put("results", Arrays.asList(results));
        ctx.status(200).json(body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] newResults(int n) {
        return new Map[n];
    }

    /** The index's entry for a handle, added unless this request already added it (a repeated key). */
    private TaskIndex.Tracked tracked(TaskHandle h, String tenant, java.time.Instant at, boolean created) {
        TaskIndex.Tracked t = index.get(h.id());
        return t != null && t.handle == h ? t : created ? index.add(h, tenant, at) : addKnown(h, at);
    }

    /**
     * Adds a task the pool answered a known idempotency key with (its own, from before a restart):
     * with the journal's times when the journal has it, not the moment of this repeat.
     */
    private TaskIndex.Tracked addKnown(TaskHandle h, Instant at) {
        if (journal != null) {
            java.util.Optional<TaskIndex.Tracked> stored = journal.find(h.id());
            if (stored.isPresent()) {
                return index.add(stored.get());
            }
        }
        return index.add(h, h.task().tenant(), at);
    }

    private static JsonNode batchItems(JsonNode body) {
        if (body == null || !body.isObject() || !body.has("tasks")) {
            throw ApiError.badRequest("tasks", "the body must be a JSON object {\"tasks\": [...]} holding 1 to "
                    + MAX_BATCH + " tasks, each what POST /v1/tasks takes");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("tasks")) {
                throw ApiError.badRequest(f, "unknown field " + Views.quote(f) + " in a batch; the only field is"
                        + " \"tasks\"");
            }
        });
        JsonNode items = body.get("tasks");
        if (!items.isArray() || items.isEmpty() || items.size() > MAX_BATCH) {
            throw ApiError.badRequest("tasks", "tasks must be an array of 1 to " + MAX_BATCH + " tasks (got "
                    + (items.isArray() ? items.size() + " elements" : items.getNodeType().name().toLowerCase(Locale.ROOT))
                    + "); split a larger batch");
        }
        return items;
    }

    private static String batchKey(JsonNode raw, int i) {
        String field = "tasks[" + i + "].idempotencyKey";
        if (!raw.isTextual()) {
            throw ApiError.badRequest(field, field + " must be a string (got "
                    + raw.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
        }
        Idempotency.check(raw.asText(), field);
        return raw.asText();
    }

    /** One element's error: the body its own request would have had, with its status and index. */
    private static Map<String, Object> itemError(ApiError e, int i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", e.status());
        Map<String, Object> b = e.body();
        Object field = b.get("field");
        if (field != null && !field.toString().startsWith("tasks[")) {
            b.put("field", "tasks[" + i + "]." + field);
        }
        m.putAll(b);
        return m;
    }

    /**
     * The node a cluster's front took the call on (docs/cluster.md): the pool prefers that node's
     * agents. Only a routing preference, so any caller may set it.
     */
    static final String ORIGIN_HEADER = "X-Trinity-Origin";

    private static Task withOrigin(Task task, String origin) {
        if (origin == null) {
            return task;
        }
        try {
            return task.toBuilder().origin(origin).build();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(ORIGIN_HEADER, ORIGIN_HEADER + ": " + e.getMessage());
        }
    }

    /** {@code key} passed {@link Idempotency#check}, whose limit is the task builder's. */
    private static Task withKey(Task task, String key) {
        return task.toBuilder().idempotencyKey(key).build();
    }

    /**
     * Submits a task under an idempotency key this server does not know. The pool knows keys too
     * (with a journal, across restarts) and answers a known one with the task it already has: a
     * handle holding another task than the one just given (the pool this server builds keeps the
     * very object a submit creates a task from), so the answer is a repeat's 200, not a 202.
     */
    private Idempotency.Outcome submitKeyed(Task task, String tenant) {
        java.time.Instant at = index.now();
        TaskHandle h = pool.submit(task);
        boolean created = createdBy(h, task);
        if (index.get(h.id()) == null) {
            if (created) {
                index.add(h, tenant, at);
            } else {
                addKnown(h, at);
            }
        }
        return new Idempotency.Outcome(h.id(), created);
    }

    /** Whether the pool made {@code h} from {@code submitted}, rather than answering with a task it had under its key. */
    private static boolean createdBy(TaskHandle h, Task submitted) {
        return h.task() == submitted;
    }

    /**
     * Takes into the index a task the pool accepted that did not come through this API (a
     * coordinator's subtask, a task recovered from the journal), so the tenant's keys and admin
     * keys can read, list and cancel it like the tenant's other tasks. Called at the task's
     * {@code task.submit} event, while it is normally still live; one that already ended is
     * found only through the journal (the pool forgets ended tasks without one).
     */
    void adopt(long id, String tenant, java.time.Instant submittedAt) {
        if (id <= newestAtStart && index.get(id) == null) { // recovered: its times are the journal's
            journal.find(id).ifPresent(t -> {
                if (index.get(id) == null) {
                    index.add(t);
                }
            });
        }
        if (index.get(id) == null) {
            pool.task(id).ifPresent(h -> {
                if (index.get(id) == null) {
                    index.add(h, tenant != null ? tenant : h.task().tenant(), submittedAt);
                }
            });
        }
    }

    /**
     * Takes into the index the tasks the pool recovered from its journal at start (queued, and
     * interrupted ones running again), whose {@code task.submit} events may have gone out before
     * {@link #adopt} was listening, so the tenants' queue counts hold them. Bounded by the tasks
     * the pool holds live anyway.
     */
    void adoptRecovered() {
        if (journal == null) {
            return;
        }
        for (String state : List.of("QUEUED", "RUNNING")) {
            long before = newestAtStart + 1;
            List<io.trinity.pool.journal.StoredTask> rows;
            do {
                rows = journal.page(null, state, null, before, io.trinity.pool.journal.Journal.MAX_PAGE);
                if (rows == null) {
                    return;
                }
                for (io.trinity.pool.journal.StoredTask st : rows) {
                    if (index.get(st.taskId()) == null) {
                        journal.tracked(st).ifPresent(index::add);
                    }
                    before = st.taskId();
                }
            } while (rows.size() == io.trinity.pool.journal.Journal.MAX_PAGE);
        }
    }

    private TaskIndex.Tracked submit(Task task, String tenant) {
        java.time.Instant at = index.now();
        return index.add(pool.submit(task), tenant, at);
    }

    void get(Context ctx) throws InterruptedException {
        ctx.json(read(Auth.principal(ctx), ctx.pathParam("id"), ctx.queryParam("wait")));
    }

    /**
     * {@code GET /v1/tasks/{id}[?wait=...]} for a caller already authenticated, from the HTTP
     * route or a call that came another way ({@link PoolServer#read}).
     */
    Map<String, Object> read(Principal p, String rawId, String wait) throws InterruptedException {
        TaskIndex.Tracked t = visible(p, rawId);
        if (wait != null) {
            Duration d = DurationParam.parse("wait", wait, Duration.ZERO, MAX_WAIT);
            awaitFinal(t, d);
        }
        return view(t, p);
    }

    void cancel(Context ctx) throws InterruptedException {
        TaskIndex.Tracked t = visible(Auth.principal(ctx), ctx.pathParam("id"));
        TaskState state = t.handle.state();
        if (state.isFinal()) {
            throw new ApiError(409, "task " + t.id() + " is already " + state + "; only a queued or running task can"
                    + " be cancelled", null).with("state", state.name());
        }
        t.handle.cancel();
        awaitFinal(t, CANCEL_WAIT);
        ctx.json(view(t, Auth.principal(ctx)));
    }

    void list(Context ctx) {
        Principal p = Auth.principal(ctx);
        TaskState state = state(ctx.queryParam("state"));
        String type = ctx.queryParam("type");
        int limit = (int) number(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        long before = number(ctx, "after", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        String tenant = p.isAdmin() ? ctx.queryParam("tenant") : p.tenant();
        List<io.trinity.pool.journal.StoredTask> rows = journal == null ? null
                : journal.page(tenant, state == null ? null : state.name(), type, before, limit);
        List<TaskIndex.Tracked> page;
        String next;
        if (rows != null) { // the journal holds every accepted task, from before a restart too
            page = new java.util.ArrayList<>(rows.size());
            for (io.trinity.pool.journal.StoredTask st : rows) {
                TaskIndex.Tracked known = index.get(st.taskId());
                if (known != null) {
                    page.add(known);
                } else {
                    journal.tracked(st).ifPresent(page::add);
                }
            }
            next = rows.size() == limit ? String.valueOf(rows.getLast().taskId()) : null;
        } else {
            Predicate<TaskIndex.Tracked> filter = t -> (state == null || t.handle.state() == state)
                    && (type == null || t.handle.task().type().equals(type));
            page = index.list(tenant, before, limit, filter);
            next = page.size() == limit ? String.valueOf(page.getLast().id()) : null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tasks", page.stream().map(t -> view(t, p)).toList());
        body.put("next", next);
        ctx.json(body);
    }

    /**
     * The task's view. Its state turns final on the pool's loop a moment before its future
     * completes off the loop; waiting that moment out keeps state, result and end time agreeing.
     */
    private Map<String, Object> view(TaskIndex.Tracked t, Principal viewer) {
        if (t.handle.state().isFinal() && !t.handle.result().isDone()) {
            try {
                awaitFinal(t, SETTLE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Instant startedAt = t.storedStartedAt != null ? t.storedStartedAt : feed.startedAt(t.id());
        return Views.task(t, startedAt, index.endedAt(t), viewer, redaction);
    }

    /** The task of the path's id, if the caller may see it; 404 otherwise, whoever owns it. */
    private TaskIndex.Tracked visible(Principal p, String raw) {
        TaskIndex.Tracked t = null;
        try {
            long id = Long.parseLong(raw);
            t = index.get(id);
            if (t == null) {
                // not in this process's index: a task from before a restart, kept by the pool's journal
                // with the times it holds; without one, the pool's live task (a subtask not yet adopted)
                t = journal != null ? journal.find(id).map(index::add).orElse(null)
                        : pool.task(id).map(h -> index.add(h, h.task().tenant(), index.now())).orElse(null);
            }
        } catch (NumberFormatException ignored) {
            // not an id we hand out: the same answer as an unknown one
        }
        if (t == null || !p.canSee(t.tenant)) {
            throw ApiError.notFound("no task " + Views.quote(raw) + " for this key");
        }
        return t;
    }

    private static void awaitFinal(TaskIndex.Tracked t, Duration d) throws InterruptedException {
        try {
            t.handle.result().get(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            // the view reports the state, whatever it is
        }
    }

    private JsonNode json(Context ctx) throws java.io.IOException {
        return json(ctx.bodyAsBytes());
    }

    private JsonNode json(byte[] bytes) throws java.io.IOException {
        if (bytes.length == 0) {
            throw ApiError.badRequest("body", "the body is empty; send a JSON object such as {\"type\": \"generic\","
                    + " \"input\": {...}}");
        }
        return mapper.readTree(bytes);
    }

    private static TaskState state(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return TaskState.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("state", "state must be one of " + Arrays.toString(TaskState.values())
                    + " (got " + Views.quote(raw) + ")");
        }
    }

    private static long number(Context ctx, String name, long dflt, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return dflt;
        }
        try {
            long v = Long.parseLong(raw);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // the message below says what is allowed
        }
        throw ApiError.badRequest(name, name + " must be a whole number from " + min + " to " + max + " (got "
                + Views.quote(raw) + ")");
    }
}
