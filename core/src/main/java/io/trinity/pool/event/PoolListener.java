package io.trinity.pool.event;

/**
 * Receives every {@link PoolEvent}, in order, one at a time, on the pool's callback executor
 * (virtual threads by default) — never on the control loop. Each listener has its own bounded
 * buffer ({@code PoolConfig.listenerBuffer}, 65,536 events by default): a listener that falls
 * that far behind loses the events that do not fit (they are counted, and a warning is logged
 * once), it never slows the pool down.
 *
 * <p>Shutdown waits for listeners, but not for ever: once the pool has terminated and its
 * journal is closed, each listener has 5 seconds to receive the events still queued for it. When
 * {@code shutdown()}'s future completes, every event that was not dropped has been delivered to
 * every listener that kept up. A listener still behind then (stuck inside {@code onEvent}, or
 * waiting for a callback executor it holds itself) is logged with the number of events it has not
 * received; those stay queued and are delivered, in order, if it ever returns, after the future
 * completed. So do not wait for the pool's shutdown inside {@code onEvent}: {@code
 * shutdown(drain).get()} there lasts those 5 seconds (the shutdown waits for this very listener),
 * and {@code close()} there begins the shutdown and throws {@link IllegalStateException} instead of
 * waiting. Call {@code shutdown(drain)} and return.
 *
 * <p>Anything thrown here, an {@link Error} such as an
 * {@code AssertionError} or {@code NoClassDefFoundError} included, is logged and stops neither the
 * pool nor the listener: it still receives every later event. A {@link VirtualMachineError} (out of
 * memory, stack overflow) is also rethrown on the callback thread once the events queued for the
 * listener have been delivered.
 */
@FunctionalInterface
public interface PoolListener {
    /**
     * Receives one event.
     *
     * @param event the event, never null
     */
    void onEvent(PoolEvent event);
}
