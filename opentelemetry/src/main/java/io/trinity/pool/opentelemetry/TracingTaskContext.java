package io.trinity.pool.opentelemetry;

import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.TaskContext;

/** The agent's view of its task, with subtasks traced as children of the attempt span. */
final class TracingTaskContext implements TaskContext {

    private final TaskContext delegate;
    private final TaskTrace.Run run;
    private final Traces traces;

    TracingTaskContext(TaskContext delegate, TaskTrace.Run run, Traces traces) {
        this.delegate = delegate;
        this.run = run;
        this.traces = traces;
    }

    @Override public long taskId() { return delegate.taskId(); }
    @Override public String type() { return delegate.type(); }
    @Override public String agentId() { return delegate.agentId(); }
    @Override public int attempt() { return delegate.attempt(); }
    @Override public Task task() { return delegate.task(); }
    @Override public Payload input() { return delegate.input(); }
    @Override public void progress(double fraction, String note) { delegate.progress(fraction, note); }
    @Override public boolean isCancelled() { return delegate.isCancelled(); }
    @Override public void onCancel(Runnable action) { delegate.onCancel(action); }
    @Override public void reportQuality(double score) { delegate.reportQuality(score); }
    @Override public void reportUsage(String resource, long units) { delegate.reportUsage(resource, units); }

    /** Under the attempt span even when the agent submits from a thread of its own. */
    @Override
    public TaskHandle submit(Task subtask) {
        return traces.submit(run.context, subtask, delegate::submit);
    }

    /** The run this context belongs to (tests and {@link PoolTracing#traceparent(TaskContext)}). */
    TaskTrace.Run run() {
        return run;
    }
}
