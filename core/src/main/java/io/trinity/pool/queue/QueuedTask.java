package io.trinity.pool.queue;

/** What the queue needs to know about an entry. Keys must not change while queued. */
public interface QueuedTask {

    /** The tenant of a task that names none. */
    String DEFAULT_TENANT = "default";

    /** The agent type whose agents may run it: the queue keeps one lane per type. */
    String lane();

    int priority();

    /** When it (re-)entered the queue, on the pool clock. */
    long enqueuedNanos();

    /** Submission order, unique: the FIFO tie-break. */
    long sequence();

    /** Whose share it is served from: each lane serves its tenants fairly by weight. */
    default String tenant() {
        return DEFAULT_TENANT;
    }
}
