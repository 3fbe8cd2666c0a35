package io.trinity.pool.internal;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import java.util.List;
import java.util.function.Supplier;

/** Fans events out to listeners; builds nothing when nobody listens. Loop-only. */
final class Events {

    private final PoolListener[] listeners;

    Events(List<PoolListener> listeners) {
        this.listeners = listeners.toArray(PoolListener[]::new);
    }

    boolean enabled() {
        return listeners.length > 0;
    }

    void emit(Supplier<? extends PoolEvent> event) {
        if (listeners.length == 0) {
            return;
        }
        PoolEvent e = event.get();
        for (PoolListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                Engine.LOG.warn("pool listener {} threw on {}; the pool goes on", l, e.name(), ex);
            }
        }
    }
}
