package io.trinity.pool.internal;

import io.trinity.pool.event.PoolEvent;
import java.util.ArrayList;
import java.util.List;

/** Test access to the package-private event fan-out. */
public final class EventsAccess {

    private EventsAccess() {
    }

    /** Emits the events in this order through {@link Events} and returns what a listener received. */
    public static List<PoolEvent> emitInOrder(PoolEvent... events) {
        List<PoolEvent> seen = new ArrayList<>();
        Events fanOut = new Events(List.of(seen::add), Runnable::run, 16);
        for (PoolEvent e : events) {
            fanOut.emit(() -> e);
        }
        return seen;
    }
}
