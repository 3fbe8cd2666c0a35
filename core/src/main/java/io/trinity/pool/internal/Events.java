package io.trinity.pool.internal;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Fans events out to listeners without running them: each listener has a bounded
 * {@link ListenerChannel} drained on the callback executor, so no listener code runs on the
 * loop. Builds nothing when nobody listens. Loop-only.
 *
 * <p>Time never goes backwards in what listeners see: an event built from a time read earlier
 * in the batch than an event already emitted is re-stamped with the later time, so the log is
 * in non-decreasing {@code t} whatever order the loop's code read the clock in.
 */
final class Events {

    private final ListenerChannel[] channels;
    private long last = Long.MIN_VALUE;

    Events(List<PoolListener> listeners, Executor callbacks, int capacity) {
        this.channels = listeners.stream().map(l -> new ListenerChannel(l, callbacks, capacity))
                .toArray(ListenerChannel[]::new);
    }

    boolean enabled() {
        return channels.length > 0;
    }

    void emit(Supplier<? extends PoolEvent> event) {
        if (channels.length == 0) {
            return;
        }
        PoolEvent e = event.get();
        if (e.nanos() < last) {
            e = restamp(e, last);
        } else {
            last = e.nanos();
        }
        for (ListenerChannel c : channels) {
            c.offer(e);
        }
    }

    /** Events dropped because a listener fell behind, over all listeners. Any thread. */
    long dropped() {
        long n = 0;
        for (ListenerChannel c : channels) {
            n += c.dropped();
        }
        return n;
    }

    /** Runs {@code then} once every listener has received every event emitted so far. */
    void afterDelivered(Runnable then) {
        if (channels.length == 0) {
            then.run();
            return;
        }
        AtomicInteger left = new AtomicInteger(channels.length);
        for (ListenerChannel c : channels) {
            c.offerMarker(() -> {
                if (left.decrementAndGet() == 0) {
                    then.run();
                }
            });
        }
    }

    /** The same event at time {@code nanos}: every event record's first component is its time. */
    static PoolEvent restamp(PoolEvent e, long nanos) {
        try {
            RecordComponent[] parts = e.getClass().getRecordComponents();
            Object[] args = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                args[i] = i == 0 ? nanos : parts[i].getAccessor().invoke(e);
            }
            Constructor<?> c = e.getClass().getDeclaredConstructor(types);
            return (PoolEvent) c.newInstance(args);
        } catch (ReflectiveOperationException ex) {
            throw new IllegalStateException("cannot re-stamp event " + e + " (every PoolEvent record must start with"
                    + " its time, long nanos)", ex);
        }
    }
}
