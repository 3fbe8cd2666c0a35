package io.trinity.pool;

/**
 * Thrown by submit when the task queue is at capacity and the task's tenant holds at least its
 * weighted share of it: the task was not accepted. Also the cause of the
 * {@link TaskFailedException} (state {@link TaskState#REJECTED}) of a queued task that was shed
 * to make room for a tenant below its share.
 */
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
        this(depth, capacity, null);
    }

    /**
     * Creates the exception with a detail, such as the tenant's share of the full queue, said
     * before the advice.
     *
     * @param depth    tasks pending when the task was refused
     * @param capacity the pool's {@link PoolConfig#queueCapacity()}
     * @param detail   why this task was the one refused, or null for none
     */
    public QueueFullException(int depth, int capacity, String detail) {
        super("task queue is full (depth=" + depth + ", capacity=" + capacity + ")"
                + (detail == null ? "" : ": " + detail) + "; retry later, or raise queueCapacity");
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
