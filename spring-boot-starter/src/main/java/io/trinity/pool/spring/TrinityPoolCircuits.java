package io.trinity.pool.spring;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which agent types have their circuit open, learnt from the pool's
 * {@link PoolEvent.CircuitChanged} events (a snapshot does not carry circuit state). A
 * listener of the auto-configured pool; the health indicator reads it.
 */
public final class TrinityPoolCircuits implements PoolListener {

    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    @Override
    public void onEvent(PoolEvent event) {
        if (event instanceof PoolEvent.CircuitChanged c) {
            if (c.open()) {
                open.put(c.type(), c.failures());
            } else {
                open.remove(c.type());
            }
        }
    }

    /** Types whose circuit is open now, by name, with the failures that opened it. */
    public Map<String, Integer> open() {
        return new TreeMap<>(open);
    }
}
