package io.trinity.pool.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.Flow;

/**
 * Turns the lines of one SSE response into {@link EventMessage}s for one subscriber, with
 * back-pressure: a line is requested from the HTTP body only while the subscriber has demand,
 * so a slow subscriber slows the stream (and the server ends a stream that falls too far
 * behind; resume with the last id). Downstream signals come from the HTTP client's threads,
 * one at a time.
 */
final class EventRelay implements Flow.Subscriber<String>, Flow.Subscription {

    private final Flow.Subscriber<? super EventMessage> downstream;
    private final ObjectMapper mapper;
    private Flow.Subscription upstream;
    private long demand;
    private boolean lineRequested;
    private boolean cancelled;
    private boolean terminated;
    private String id;
    private final StringBuilder data = new StringBuilder();

    EventRelay(Flow.Subscriber<? super EventMessage> downstream, ObjectMapper mapper) {
        this.downstream = downstream;
        this.mapper = mapper;
    }

    void start() {
        downstream.onSubscribe(this);
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            cancel();
            fail(new IllegalArgumentException("request(n) needs n > 0 (got " + n + ")"));
            return;
        }
        synchronized (this) {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        pull();
    }

    @Override
    public void cancel() {
        Flow.Subscription up;
        synchronized (this) {
            cancelled = true;
            up = upstream;
        }
        if (up != null) {
            up.cancel();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        boolean cancel;
        synchronized (this) {
            upstream = subscription;
            cancel = cancelled;
        }
        if (cancel) {
            subscription.cancel();
        } else {
            pull();
        }
    }

    private void pull() {
        Flow.Subscription up = null;
        synchronized (this) {
            if (upstream != null && demand > 0 && !lineRequested && !cancelled && !terminated) {
                lineRequested = true;
                up = upstream;
            }
        }
        if (up != null) {
            up.request(1);
        }
    }

    @Override
    public void onNext(String line) {
        synchronized (this) {
            lineRequested = false;
        }
        EventMessage event = parse(line);
        if (event != null) {
            boolean deliver;
            synchronized (this) {
                deliver = !cancelled && !terminated;
                demand--;
            }
            if (deliver) {
                downstream.onNext(event);
            }
        }
        pull();
    }

    /** Feeds one line; returns the event a blank line completes. */
    private EventMessage parse(String line) {
        if (line.isEmpty()) {
            if (data.isEmpty()) {
                return null;
            }
            String json = data.toString();
            data.setLength(0);
            long seq = id == null ? -1 : Long.parseLong(id);
            id = null;
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = mapper.readValue(json, Map.class);
                return new EventMessage(seq, String.valueOf(fields.get("ev")),
                        fields.get("t") instanceof Number n ? n.longValue() : -1, fields, json);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("event " + seq + " is not JSON: " + json, e);
            }
        }
        if (line.startsWith(":")) {
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> id = value;
            case "data" -> {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(value);
            }
            default -> {
                // "event" and "retry" carry nothing this client needs
            }
        }
        return null;
    }

    @Override
    public void onError(Throwable throwable) {
        fail(throwable);
    }

    @Override
    public void onComplete() {
        boolean signal;
        synchronized (this) {
            signal = !terminated && !cancelled;
            terminated = true;
        }
        if (signal) {
            downstream.onComplete();
        }
    }

    /** Ends the subscriber with {@code error} (at most one terminal signal). */
    void fail(Throwable error) {
        boolean signal;
        synchronized (this) {
            signal = !terminated && !cancelled;
            terminated = true;
        }
        if (signal) {
            downstream.onError(error);
        }
    }
}
