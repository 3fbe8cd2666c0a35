package io.trinity.pool;

/** Thrown by submit when the task queue is at capacity: the task was not accepted. */
public final class QueueFullException extends PoolException {
    /** Tasks pending when the task was refused. */
    private final int depth;
    /** The queue capacity. */
    private final int capacity;

    /**
     * Creates the exception.
     *
     * @param depth tasks pending when the task was refused
     * @param capacity the pool's {@link PoolConfig#queueCapacity()}
     */
    public QueueFullException(int depth, int capacity) {
        super("task queue is full (depth=" + depth + ", capacity=" + capacity
                + "); retry later, or raise queueCapacity");
        this.depth = depth;
        this.capacity = capacity;
    }

    /** {@return the tasks pending when the task was refused} */
    public int depth() {
        return depth;
    }

    /** {@return the queue capacity, {@link PoolConfig#queueCapacity()}} */
    public int capacity() {
        return capacity;
    }
}
