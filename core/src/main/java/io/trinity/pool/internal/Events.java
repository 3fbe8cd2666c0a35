package io.trinity.pool.internal;

import io.trinity.pool.Durations;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import io.trinity.pool.time.PoolClock;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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

    /** True when the calling thread is inside one of these listeners, delivering an event. Any thread. */
    boolean onListenerThread() {
        for (ListenerChannel c : channels) {
            if (c.onDrainingThread()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code then} on {@code executor} once every listener has received every event emitted
     * so far, or once {@code patience} has passed, whichever comes first; only once. When the
     * patience passes first, every listener still behind is logged (what it has not received,
     * and whether it is stuck inside {@code onEvent}); its events stay queued and are delivered
     * if it ever returns. Any thread, but {@code clock}'s timer is scheduled on the calling one.
     *
     * @return what is known of the wait: {@link Wait#behind()} once the patience passed
     */
    Wait afterDelivered(Runnable then, Duration patience, PoolClock clock, Executor executor) {
        Wait w = new Wait(then, executor);
        if (channels.length == 0) {
            w.finish(null);
            return w;
        }
        w.timer = clock.schedule(patience, () -> w.patienceOver(patience));
        for (int i = 0; i < channels.length; i++) {
            int index = i;
            channels[i].offerMarker(() -> w.reached(index));
        }
        return w;
    }

    /** One bounded wait for every listener to catch up (shutdown's). */
    final class Wait {
        private final Runnable then;
        private final Executor executor;
        private final AtomicIntegerArray reached = new AtomicIntegerArray(channels.length);
        private final AtomicInteger left = new AtomicInteger(channels.length);
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile PoolClock.Timer timer;
        private volatile List<String> behind = List.of();

        private Wait(Runnable then, Executor executor) {
            this.then = then;
            this.executor = executor;
        }

        /** {@return the listeners still behind when the patience passed, one line each; empty if none was} */
        List<String> behind() {
            return behind;
        }

        private void reached(int channel) {
            reached.set(channel, 1);
            if (left.decrementAndGet() == 0) {
                finish(null);
            }
        }

        /** Timer callback: short, it only hands the report and {@code then} to the executor. */
        private void patienceOver(Duration patience) {
            if (finished.get()) {
                return;
            }
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < channels.length; i++) {
                if (reached.get(i) == 0) {
                    lines.add(channels[i].describeLag());
                }
            }
            if (!lines.isEmpty()) {
                finish(() -> {
                    behind = List.copyOf(lines);
                    for (String line : lines) {
                        Engine.LOG.warn("{} {} after the pool terminated; shutdown completes without waiting for it."
                                + " Its queued events are still delivered, in order, if it returns (after shutdown"
                                + " completed). Make onEvent quick, hand slow work to a thread of its own, and do not wait"
                                + " for the pool's shutdown inside onEvent", line, Durations.format(patience));
                    }
                });
            }
        }

        private void finish(Runnable first) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            PoolClock.Timer t = timer;
            if (first == null && t != null) {
                t.cancel();
            }
            executor.execute(first == null ? then : () -> {
                first.run();
                then.run();
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
