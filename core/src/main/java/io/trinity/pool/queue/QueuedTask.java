package io.trinity.pool.queue;

/** What the queue needs to know about an entry. Keys must not change while queued. */
public interface QueuedTask {

    /** The agent type whose agents may run it: the queue keeps one lane per type. */
    String lane();

    int priority();

    /** When it (re-)entered the queue, on the pool clock. */
    long enqueuedNanos();

    /** Submission order, unique: the FIFO tie-break. */
    long sequence();
}
