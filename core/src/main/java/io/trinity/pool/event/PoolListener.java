package io.trinity.pool.event;

/**
 * Receives every {@link PoolEvent}, in order, on the pool's control loop. Must be quick and
 * must not block: hand slow work (I/O, network) to another thread. An exception thrown here
 * is logged and does not stop the pool.
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
