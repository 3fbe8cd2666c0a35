package io.trinity.pool.internal;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One listener's bounded mailbox. The loop {@link #offer offers} events and never waits: when
 * the listener has fallen {@code capacity} events behind, the event is dropped and counted (a
 * slow listener loses events, it never stalls dispatch). A drain delivers the events in order
 * on the callback executor, one drain at a time per listener (the same work-in-progress counter
 * as {@link SerialLoop}), so a listener sees its events in order on one thread at a time.
 *
 * <p>Markers ({@link #offerMarker}) are never dropped and run in order after the events offered
 * before them: shutdown uses one per listener to learn that every event reached its listener.
 */
final class ListenerChannel {

    private final PoolListener listener;
    private final Executor executor;
    private final int capacity;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable drainTask = this::drain;

    ListenerChannel(PoolListener listener, Executor executor, int capacity) {
        this.listener = listener;
        this.executor = executor;
        this.capacity = capacity;
    }

    /** Queues an event for delivery; false (and counted) when the listener is too far behind. */
    boolean offer(PoolEvent event) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            if (dropped.getAndIncrement() == 0) {
                Engine.LOG.warn("pool listener {} fell {} events behind; events for it are dropped (and counted)"
                        + " until it catches up; make it faster or hand its work to another thread", listener, capacity);
            }
            return false;
        }
        queue.offer(event);
        schedule();
        return true;
    }

    /** Runs {@code marker} after every event offered so far has been delivered. Never dropped. */
    void offerMarker(Runnable marker) {
        queue.offer(marker);
        schedule();
    }

    long dropped() {
        return dropped.get();
    }

    private void schedule() {
        if (wip.getAndIncrement() == 0) {
            executor.execute(drainTask);
        }
    }

    private void drain() {
        int missed = 1;
        for (;;) {
            Object item;
            while ((item = queue.poll()) != null) {
                if (item instanceof PoolEvent e) {
                    size.decrementAndGet();
                    deliver(e);
                } else {
                    ((Runnable) item).run();
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void deliver(PoolEvent e) {
        try {
            listener.onEvent(e);
        } catch (RuntimeException ex) {
            Engine.LOG.warn("pool listener {} threw on {}; the pool goes on", listener, e.name(), ex);
        }
    }
}
