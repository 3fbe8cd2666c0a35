package io.trinity.pool;

/** Thrown by submit when the task queue is at capacity: the task was not accepted. */
public final class QueueFullException extends PoolException {
    private final int depth;
    private final int capacity;

    public QueueFullException(int depth, int capacity) {
        super("task queue is full (depth=" + depth + ", capacity=" + capacity
                + "); retry later, or raise queueCapacity");
        this.depth = depth;
        this.capacity = capacity;
    }

    public int depth() {
        return depth;
    }

    public int capacity() {
        return capacity;
    }
}
