package io.trinity.pool.balance;

import java.time.Duration;
import java.util.Objects;

/**
 * A balancer's wish to keep a task queued for one particular agent a little longer (delay
 * scheduling, Zaharia et al., EuroSys 2010): the agent is busy now but is expected to free soon,
 * and running there (a warm cache, an open session) is worth a short wait.
 *
 * <p>While the hold lasts the pool skips the task, so the tasks queued behind it still start on
 * other agents, and asks the balancer about it again as soon as the agent has room, when the
 * agent leaves the pool, or when {@code maxWait} has passed, whichever comes first. A hold never
 * lengthens: a second hold of the same attempt ends no later than the first one.
 *
 * @param agentId the agent the task waits for
 * @param maxWait how much longer, at most, the task waits for it; {@code > 0}
 */
public record Hold(String agentId, Duration maxWait) {

    /**
     * Checks both components.
     *
     * @param agentId the agent the task waits for, not null
     * @param maxWait how much longer, at most, the task waits for it, {@code > 0}
     * @throws IllegalArgumentException if {@code maxWait} is null, zero or negative
     * @throws NullPointerException if {@code agentId} is null
     */
    public Hold {
        Objects.requireNonNull(agentId, "agentId");
        if (maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("Hold.maxWait must be > 0 (got " + maxWait + ")");
        }
    }
}
