package io.trinity.pool.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * A client of the {@code tri serve} HTTP API v1 (docs/service.md), on the JDK's HttpClient.
 * Thread-safe. It throws the library's exceptions where the library would: a full queue is a
 * {@link io.trinity.pool.QueueFullException}, a tenant at its limit a
 * {@link io.trinity.pool.TenantLimitException}, a draining server a
 * {@link io.trinity.pool.PoolShutdownException}, an unknown type a
 * {@link io.trinity.pool.TaskRejectedException}, other bad input an
 * {@link IllegalArgumentException}, a task that did not succeed a {@link TaskFailedException};
 * any other refusal is a {@link PoolApiException} with the status.
 *
 * <pre>{@code
 * PoolClient client = PoolClient.builder(URI.create("http://127.0.0.1:8080/")).key(key).build();
 * Submitted s = client.submit(TaskRequest.of("generic", Map.of("op", "count", "text", "a b c")));
 * TaskView done = client.await(s.id(), Duration.ofMinutes(1));
 * }</pre>
 */
public final class PoolClient {

    /** The longest wait one long-poll asks for; {@link #await} chains them. */
    static final Duration MAX_POLL = Duration.ofSeconds(60);
    /** The most tasks one {@link #submitAll} may carry (the server's limit). */
    public static final int MAX_BATCH = 1000;

    private final URI base;
    private final String key;
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper mapper = new ObjectMapper();

    private PoolClient(Builder b) {
        String s = b.base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.key = b.key;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.timeout = b.timeout;
    }

    public static Builder builder(URI base) {
        return new Builder(base);
    }

    /** Submits a task; the server answers at once with its id. */
    public Submitted submit(TaskRequest task) {
        return submit(task, null);
    }

    /**
     * Submits a task at most once per {@code idempotencyKey} (per tenant, within 24 h): a retry
     * of the same call returns the task the first one created ({@link Submitted#created()} false).
     */
    public Submitted submit(TaskRequest task, String idempotencyKey) {
        HttpRequest.Builder r = request("v1/tasks", timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(task.toJson())));
        if (idempotencyKey != null) {
            r.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> a = send(r);
        JsonNode j = read(a);
        return new Submitted(j.get("id").asText(), TaskState.valueOf(j.get("state").asText()), a.statusCode() == 202);
    }

    /**
     * Submits up to 1,000 tasks in one request ({@code POST /v1/tasks/batch}): each is accepted or
     * refused on its own, in list order, and the server stores the accepted ones in one write.
     *
     * @return one result per task, in order; a refused task carries the exception its own
     *     {@link #submit} would have thrown
     * @throws IllegalArgumentException for an empty list or more than 1,000 tasks
     */
    public List<BatchResult> submitAll(List<TaskRequest> tasks) {
        return submitAll(tasks, null);
    }

    /**
     * {@link #submitAll(List)} with an idempotency key per task ({@code idempotencyKeys} as long
     * as {@code tasks}; a null element submits that task without one).
     */
    public List<BatchResult> submitAll(List<TaskRequest> tasks, List<String> idempotencyKeys) {
        Objects.requireNonNull(tasks, "tasks");
        if (tasks.isEmpty() || tasks.size() > MAX_BATCH) {
            throw new IllegalArgumentException("a batch holds 1 to " + MAX_BATCH + " tasks (got " + tasks.size()
                    + "); split a larger one");
        }
        if (idempotencyKeys != null && idempotencyKeys.size() != tasks.size()) {
            throw new IllegalArgumentException("idempotencyKeys must have one element per task (got "
                    + idempotencyKeys.size() + " keys for " + tasks.size() + " tasks); use null for a task without");
        }
        List<Map<String, Object>> items = new java.util.ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            Map<String, Object> item = Objects.requireNonNull(tasks.get(i), "tasks holds a null task").toJson();
            if (idempotencyKeys != null && idempotencyKeys.get(i) != null) {
                item.put("idempotencyKey", idempotencyKeys.get(i));
            }
            items.add(item);
        }
        HttpResponse<String> a = send(request("v1/tasks/batch", timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("tasks", items)))));
        JsonNode results = read(a).path("results");
        List<BatchResult> out = new java.util.ArrayList<>(results.size());
        java.net.http.HttpHeaders none = java.net.http.HttpHeaders.of(Map.of(), (n, v) -> true);
        for (JsonNode r : results) {
            int status = r.path("status").asInt();
            if (status == 200 || status == 202) {
                out.add(new BatchResult(new Submitted(r.get("id").asText(), TaskState.valueOf(r.get("state").asText()),
                        status == 202), null));
            } else {
                out.add(new BatchResult(null, Answers.error(status, none, r, "HTTP " + status)));
            }
        }
        return out;
    }

    public TaskView get(String id) {
        return Answers.task(read(send(request("v1/tasks/" + path(id), timeout).GET())), mapper);
    }

    /** The task once it is final or after {@code wait} (at most 60 s), whichever comes first. */
    public TaskView get(String id, Duration wait) {
        Duration w = wait.compareTo(MAX_POLL) > 0 ? MAX_POLL : wait;
        return Answers.task(read(send(request("v1/tasks/" + path(id) + "?wait=" + w.toMillis() + "ms",
                timeout.plus(w)).GET())), mapper);
    }

    /**
     * Waits for the task to be final, long-polling. Returns it when it SUCCEEDED; throws
     * {@link TaskFailedException} (with the state and the reasons) when it ended otherwise,
     * and {@link AwaitTimeoutException} when it is not final after {@code max}.
     */
    public TaskView await(String id, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        TaskView v = get(id);
        while (!v.isFinal()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AwaitTimeoutException(v, max);
            }
            v = get(id, Duration.ofNanos(left));
        }
        if (v.state() != TaskState.SUCCEEDED) {
            throw new TaskFailedException(Long.parseLong(v.id()), v.state(), v.reasons(), null);
        }
        return v;
    }

    /** Cancels a queued or running task and returns it in its final state; 409 if it was already final. */
    public TaskView cancel(String id) {
        return Answers.task(read(send(request("v1/tasks/" + path(id), timeout.plusSeconds(10)).DELETE())), mapper);
    }

    /** One page of the caller's tasks, newest first; null arguments are left out. */
    public TaskPage list(TaskState state, String type, Integer limit, String after) {
        StringBuilder q = new StringBuilder("v1/tasks?");
        if (state != null) {
            q.append("state=").append(state.name()).append('&');
        }
        if (type != null) {
            q.append("type=").append(URLEncoder.encode(type, StandardCharsets.UTF_8)).append('&');
        }
        if (limit != null) {
            q.append("limit=").append(limit).append('&');
        }
        if (after != null) {
            q.append("after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        JsonNode j = read(send(request(q.toString(), timeout).GET()));
        List<TaskView> tasks = new ArrayList<>();
        j.get("tasks").forEach(t -> tasks.add(Answers.task(t, mapper)));
        return new TaskPage(List.copyOf(tasks), j.hasNonNull("next") ? j.get("next").asText() : null);
    }

    /** The pool's events this key may see, from now on. */
    public Flow.Publisher<EventMessage> events() {
        return events(0);
    }

    /**
     * The pool's events after {@code lastEventId} (those the server still holds), then live.
     * Each subscription is its own HTTP stream; cancel the subscription to close it. A stream
     * the server ends (shutdown, or the subscriber fell far behind) completes the subscriber;
     * resume with the id of the last event it got.
     */
    public Flow.Publisher<EventMessage> events(long lastEventId) {
        return subscriber -> {
            EventRelay relay = new EventRelay(Objects.requireNonNull(subscriber, "subscriber"), mapper);
            relay.start();
            HttpRequest r = request("v1/events", null).header("Accept", "text/event-stream")
                    .header("Last-Event-ID", String.valueOf(lastEventId)).GET().build();
            http.sendAsync(r, info -> info.statusCode() == 200
                            ? HttpResponse.BodySubscribers.fromLineSubscriber(relay)
                            : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
                                    body -> {
                                        relay.fail(Answers.error(mapper, info.statusCode(), info.headers(), body));
                                        return null;
                                    }))
                    .whenComplete((response, error) -> {
                        if (error != null) {
                            relay.fail(error);
                        }
                    });
        };
    }

    private HttpRequest.Builder request(String path, Duration requestTimeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key);
        if (requestTimeout != null) {
            b.timeout(requestTimeout);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder r) {
        try {
            return http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the pool at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + base, e);
        }
    }

    private JsonNode read(HttpResponse<String> a) {
        if (a.statusCode() / 100 != 2) {
            throw Answers.error(mapper, a.statusCode(), a.headers(), a.body());
        }
        try {
            return mapper.readTree(a.body());
        } catch (JsonProcessingException e) {
            throw new PoolApiException(a.statusCode(), "the answer is not JSON: " + e.getOriginalMessage(), null, null, 0);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the task input cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String path(String id) {
        return URLEncoder.encode(Objects.requireNonNull(id, "id"), StandardCharsets.UTF_8);
    }

    /** Settings of a client; {@link #key} is required. */
    public static final class Builder {
        private final URI base;
        private String key;
        private HttpClient http;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /** The API key ({@code Authorization: Bearer KEY}). */
        public Builder key(String key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** An HttpClient of your own (proxy, TLS, executor). */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /** Time limit of one request, long-polls add their wait (default 30 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public PoolClient build() {
            if (key == null || key.isBlank()) {
                throw new IllegalStateException("key is required: the API key the server printed or the keys file holds");
            }
            return new PoolClient(this);
        }
    }
}
