package io.trinity.pool.agents.process;

/**
 * A worker answered a task with {@code {"type":"error","retryable":true}}: the task failed this
 * time, another attempt may succeed, and the worker itself is fine (it stays in the pool).
 */
public final class WorkerTaskException extends RuntimeException {
    public WorkerTaskException(String message) {
        super(message);
    }
}
