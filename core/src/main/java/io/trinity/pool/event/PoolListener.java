package io.trinity.pool.event;

/**
 * Receives every {@link PoolEvent}, in order, one at a time, on the pool's callback executor
 * (virtual threads by default) — never on the control loop. Each listener has its own bounded
 * buffer ({@code PoolConfig.listenerBuffer}, 65,536 events by default): a listener that falls
 * that far behind loses the events that do not fit (they are counted, and a warning is logged
 * once), it never slows the pool down. When {@code shutdown()}'s future completes, every event
 * that was not dropped has been delivered. Anything thrown here, an {@link Error} such as an
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
