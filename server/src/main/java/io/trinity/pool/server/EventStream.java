package io.trinity.pool.server;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * {@code GET /v1/events}: the pool's events as Server-Sent Events, each an event-log JSON
 * object with its sequence number as the SSE id. {@code Last-Event-ID} (or the query
 * parameter {@code lastEventId}, for clients that cannot set headers) resumes after that id
 * from the events the server still holds. A comment goes out every {@code heartbeat} so
 * proxies keep the stream open and a vanished client is noticed.
 *
 * <p>Each stream runs on its own virtual thread and reads its own bounded queue, so a slow
 * client delays nobody; one that falls too far behind is ended and may resume.
 */
final class EventStream implements Consumer<SseClient> {

    private final EventFeed feed;
    private final Duration heartbeat;
    private final Redaction redaction;
    private final LongAdder sent = new LongAdder();
    private final AtomicInteger open = new AtomicInteger();

    EventStream(EventFeed feed, Duration heartbeat, Redaction redaction) {
        this.feed = feed;
        this.heartbeat = heartbeat;
        this.redaction = redaction;
    }

    /** Runs before the stream opens, while a plain error answer can still be sent. */
    static void check(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            throw new ApiError(406, "this is a Server-Sent Events stream: send 'Accept: text/event-stream'", "Accept");
        }
        lastEventId(ctx);
    }

    @Override
    public void accept(SseClient client) {
        Principal viewer = Auth.principal(client.ctx());
        open.incrementAndGet();
        try (EventFeed.Subscription s = feed.subscribe(viewer, lastEventId(client.ctx()))) {
            client.sendComment("trinity events");
            for (EventFeed.Entry e : s.backlog()) {
                if (client.terminated()) {
                    return; // the client left: each further send would only log that it cannot
                }
                send(client, e, viewer);
            }
            while (!client.terminated()) {
                EventFeed.Entry e = s.next(heartbeat);
                if (e == EventFeed.END) {
                    break;
                }
                if (e == null) {
                    client.sendComment("keep-alive");
                } else {
                    send(client, e, viewer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
            open.decrementAndGet();
        }
    }

    private void send(SseClient client, EventFeed.Entry e, Principal viewer) {
        sent.increment();
        client.sendEvent("message", redaction.forViewer(e.json(), viewer), String.valueOf(e.id()));
    }

    /** Events handed to clients' connections so far, a write to a client that had gone included. */
    long sent() {
        return sent.sum();
    }

    /** Streams open now. */
    int open() {
        return open.get();
    }

    private static long lastEventId(Context ctx) {
        String raw = ctx.header("Last-Event-ID");
        String field = "Last-Event-ID";
        if (raw == null || raw.isBlank()) {
            raw = ctx.queryParam("lastEventId");
            field = "lastEventId";
        }
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        try {
            long id = Long.parseLong(raw.trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // the message below says what is allowed
        }
        throw ApiError.badRequest(field, field + " must be the id of an event received before, a whole number >= 0"
                + " (got " + Views.quote(raw) + ")");
    }
}
