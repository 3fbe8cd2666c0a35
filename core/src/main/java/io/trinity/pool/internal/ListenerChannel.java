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
 * <p>Nothing a listener throws may leave the drain before the counter is released: a drain that
 * died holding it would never be scheduled again, and every later event and marker (shutdown's
 * among them) would wait forever. So any {@link Throwable} is caught and logged, and delivery
 * goes on; a {@link VirtualMachineError} (out of memory, stack overflow) is rethrown, once the
 * drain has delivered what was queued and let go of the counter, so the executor's thread still
 * learns of it.
 *
 * <p>Markers ({@link #offerMarker}) are never dropped and run in order after the events offered
 * before them: shutdown uses one per listener to learn that every event reached its listener.
 * A listener that never returns holds its marker back for good, so shutdown waits for markers
 * only so long ({@link Events#afterDelivered}) and then reports who is behind from
 * {@link #describeLag()}.
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
    /** The thread draining now, or null: to tell that a call comes from inside this listener. */
    private volatile Thread drainingThread;
    /** The event the listener is handling now, or null: to say where a listener that is behind is stuck. */
    private volatile PoolEvent current;

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

    /** True when the calling thread is inside this listener (delivering one of its events). */
    boolean onDrainingThread() {
        return drainingThread == Thread.currentThread();
    }

    /**
     * Where this listener stands, for a log line: the events it has not received (queued, not
     * dropped) and where it is: inside {@code onEvent}, or not yet run by its executor.
     */
    String describeLag() {
        PoolEvent now = current;
        long lost = dropped.get();
        return "pool listener " + listener + " has not received " + size.get() + " events"
                + (now != null ? " (it is still inside onEvent(" + now.name() + "))"
                        : " (its callback executor has not run it)")
                + (lost == 0 ? "" : "; " + lost + " more were dropped while it was behind");
    }

    private void schedule() {
        if (wip.getAndIncrement() == 0) {
            executor.execute(drainTask);
        }
    }

    private void drain() {
        Throwable fatal = null;
        int missed = 1;
        for (;;) {
            drainingThread = Thread.currentThread();
            Object item;
            while ((item = queue.poll()) != null) {
                Throwable t;
                if (item instanceof PoolEvent e) {
                    size.decrementAndGet();
                    t = deliver(e);
                } else {
                    t = runMarker((Runnable) item);
                }
                if (fatal == null && t instanceof VirtualMachineError) {
                    fatal = t;
                }
            }
            drainingThread = null; // before the release: the next drain may run on another thread at once
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                break;
            }
        }
        if (fatal != null) {
            throw (VirtualMachineError) fatal;
        }
    }

    /** Delivers one event; returns what the listener threw (already logged), or null. Never throws. */
    private Throwable deliver(PoolEvent e) {
        current = e;
        try {
            listener.onEvent(e);
            return null;
        } catch (Throwable t) {
            try {
                if (t instanceof VirtualMachineError) {
                    Engine.LOG.error("pool listener {} threw {} on {}; it still receives the events after it, and the"
                            + " error is rethrown on this thread once they are delivered", listener, t, e.name(), t);
                } else {
                    Engine.LOG.warn("pool listener {} threw {} on {}; it still receives the events after it and the"
                            + " pool goes on; catch what onEvent can throw, or fix the listener", listener, t, e.name(), t);
                }
            } catch (Throwable logging) {
                // Logging failed too (out of memory?): nothing more can be said; delivery must go on.
            }
            return t;
        } finally {
            current = null;
        }
    }

    /** Runs a marker; what it throws (a bug, or an executor that refused) is logged and returned. Never throws. */
    private static Throwable runMarker(Runnable marker) {
        try {
            marker.run();
            return null;
        } catch (Throwable t) {
            try {
                Engine.LOG.error("pool listener channel: a delivery marker failed (a bug); the events after it are"
                        + " still delivered", t);
            } catch (Throwable logging) {
                // as in deliver
            }
            return t;
        }
    }
}
