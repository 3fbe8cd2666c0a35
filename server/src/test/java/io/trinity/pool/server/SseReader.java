package io.trinity.pool.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Reads a Server-Sent Events stream on a virtual thread; the test takes events with a timeout. */
final class SseReader implements AutoCloseable {

    /** One event: its id and its data (an event-log JSON object). */
    record Event(String id, String data) {
        JsonNode json() {
            try {
                return Http.JSON.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("event data is not JSON: " + data, e);
            }
        }

        long seq() {
            return Long.parseLong(id);
        }

        String ev() {
            return json().path("ev").asText();
        }

        long task() {
            return json().path("task").asLong(-1);
        }
    }

    private static final Event CLOSED = new Event("-1", "{}");

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final InputStream body;
    final int status;

    SseReader(Http http, String key, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder b = http.request("/v1/events", key).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = http.client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        this.status = r.statusCode();
        this.body = r.body();
        Thread.ofVirtual().start(this::read);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, data.toString()));
                    }
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        } catch (IOException ignored) {
            // the test closed the stream
        } finally {
            events.add(CLOSED);
        }
    }

    /** The next event, failing the test after {@code timeout}; null when the stream ended. */
    Event next(Duration timeout) throws InterruptedException {
        Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + timeout);
        }
        return e == CLOSED ? null : e;
    }

    /** Events up to and including the first that matches, in order. */
    java.util.List<Event> until(Predicate<Event> match, Duration timeout) throws InterruptedException {
        java.util.List<Event> seen = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (e == null) {
                throw new AssertionError("stream ended before the event; saw " + seen);
            }
            seen.add(e);
            if (match.test(e)) {
                return seen;
            }
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
