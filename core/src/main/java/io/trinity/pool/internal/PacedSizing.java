package io.trinity.pool.internal;

import io.trinity.pool.limit.ResourceLimit;
import io.trinity.pool.limit.ResourcePacer;
import java.util.Map;

/**
 * How many agents a paced type can keep busy. A type whose tasks call a rate-limited provider
 * can start at most as many tasks per second as the provider's limits admit, so by Little's law
 * it has work for at most (admitted calls per second x service time) agents, and never for more
 * than the provider's concurrency limit. Agents beyond that only wait for the provider's window
 * to reopen: without this bound on-demand spawning started agents each time the window reopened
 * and a queue was waiting (14 agents for work that kept 1.2 busy), which the idle timeout then
 * reclaimed.
 *
 * <p>Per declared resource of the type ({@code AgentType.resources()}, with its per-task token
 * estimate): rate = min(requestsPerMinute / 60, tokensPerMinute / 60 / estimate), useful slots =
 * rate x the type's smoothed service time, capped by {@code maxConcurrent}; the type's cap is the
 * smallest over its resources, in agents (slots / agent capacity, rounded up, at least one).
 * Before a service time is known only {@code maxConcurrent} bounds it. Tasks that name other
 * resources than their type's default are not seen here. Loop-only.
 */
final class PacedSizing {

    private PacedSizing() {
    }

    /** The type's cap in agents, or {@link Integer#MAX_VALUE} when its limits do not bound it. */
    static int cap(TypeState ts, ResourcePacer pacer) {
        return cap(ts.type.resources(), pacer, ts.serviceEwmaNanos / 1e9, ScaleController.capacity(ts));
    }

    static int cap(Map<String, Long> resources, ResourcePacer pacer, double serviceSeconds, int capacity) {
        double slots = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, Long> e : resources.entrySet()) {
            ResourceLimit l = pacer.limit(e.getKey());
            double rate = Double.POSITIVE_INFINITY;
            if (l.requestsPerMinute() > 0) {
                rate = l.requestsPerMinute() / 60.0;
            }
            if (l.tokensPerMinute() > 0 && e.getValue() > 0) {
                rate = Math.min(rate, l.tokensPerMinute() / 60.0 / e.getValue());
            }
            double useful = Double.isInfinite(rate) || serviceSeconds <= 0 ? Double.POSITIVE_INFINITY
                    : rate * serviceSeconds;
            if (l.maxConcurrent() > 0) {
                useful = Math.min(useful, l.maxConcurrent());
            }
            slots = Math.min(slots, useful);
        }
        if (Double.isInfinite(slots)) {
            return Integer.MAX_VALUE;
        }
        return Math.max(1, (int) Math.ceil(slots / capacity - 1e-9));
    }
}
