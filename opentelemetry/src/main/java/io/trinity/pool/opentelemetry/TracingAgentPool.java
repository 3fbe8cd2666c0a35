package io.trinity.pool.opentelemetry;

import io.opentelemetry.context.Context;
import io.trinity.pool.AgentPool;
import io.trinity.pool.DeadLetter;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.Submission;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.budget.Spend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link AgentPool} whose {@code submit}, {@code submitAll} and {@code resubmit} start a task span under the
 * caller's {@link Context#current()}; everything else is the wrapped pool's. Made by
 * {@link PoolTracing#wrap}. Closing it closes the wrapped pool.
 */
public final class TracingAgentPool implements AgentPool {

    private final AgentPool delegate;
    private final Traces traces;

    TracingAgentPool(AgentPool delegate, Traces traces) {
        this.delegate = delegate;
        this.traces = traces;
    }

    /**
     * The wrapped pool.
     *
     * @return the pool itself; tasks submitted to it directly are not traced
     */
    public AgentPool delegate() {
        return delegate;
    }

    @Override
    public TaskHandle submit(Task task) {
        java.util.Objects.requireNonNull(task, "task");
        return traces.submit(Context.current(), task, delegate::submit);
    }

    /** Each task traced as by {@link #submit}; all go to the wrapped pool's {@code submitAll} in one call. */
    @Override
    public List<Submission> submitAll(List<Task> tasks) {
        java.util.Objects.requireNonNull(tasks, "tasks");
        tasks.forEach(t -> java.util.Objects.requireNonNull(t, "tasks holds a null task"));
        return traces.submitAll(Context.current(), tasks, delegate::submitAll);
    }

    /** Traced as a new task; the dead letter's task goes through the wrapped pool's resubmit. */
    @Override
    public TaskHandle resubmit(long deadLetteredTaskId) {
        DeadLetter letter = null;
        for (DeadLetter d : delegate.deadLetters()) {
            if (d.taskId() == deadLetteredTaskId) {
                letter = d;
                break;
            }
        }
        if (letter == null) {
            return delegate.resubmit(deadLetteredTaskId); // refuses with the pool's own message
        }
        return traces.submit(Context.current(), letter.task(), t -> delegate.resubmit(deadLetteredTaskId));
    }

    @Override public PoolSnapshot snapshot() { return delegate.snapshot(); }
    @Override public java.util.Optional<TaskHandle> task(long id) { return delegate.task(id); }
    @Override public Spend tenantSpend(String tenant) { return delegate.tenantSpend(tenant); }
    @Override public Map<String, Spend> spend() { return delegate.spend(); }
    @Override public List<DeadLetter> deadLetters() { return delegate.deadLetters(); }
    @Override public CompletableFuture<ShutdownReport> shutdown(Duration drain) { return delegate.shutdown(drain); }
    @Override public boolean isShutdown() { return delegate.isShutdown(); }
    @Override public PoolConfig config() { return delegate.config(); }
    @Override public int journalBacklog() { return delegate.journalBacklog(); }
    @Override public void close() { delegate.close(); }

    @Override
    public String toString() {
        return "traced " + delegate;
    }
}
