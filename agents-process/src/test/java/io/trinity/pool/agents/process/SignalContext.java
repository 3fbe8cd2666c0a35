package io.trinity.pool.agents.process;

import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link FakeTaskContext} that also completes {@link #firstProgress} on the first progress
 * report, so a test can act (kill, cancel) once the worker is really inside the task.
 */
final class SignalContext implements TaskContext {

    final FakeTaskContext fake;
    final CompletableFuture<String> firstProgress = new CompletableFuture<>();

    SignalContext(FakeTaskContext fake) {
        this.fake = fake;
    }

    @Override public long taskId() { return fake.taskId(); }
    @Override public String type() { return fake.type(); }
    @Override public String agentId() { return fake.agentId(); }
    @Override public int attempt() { return fake.attempt(); }
    @Override public Task task() { return fake.task(); }
    @Override public boolean isCancelled() { return fake.isCancelled(); }
    @Override public void onCancel(Runnable action) { fake.onCancel(action); }
    @Override public void reportQuality(double score) { fake.reportQuality(score); }
    @Override public void reportUsage(String resource, long units) { fake.reportUsage(resource, units); }
    @Override public TaskHandle submit(Task subtask) { return fake.submit(subtask); }

    @Override
    public void progress(double fraction, String note) {
        fake.progress(fraction, note);
        firstProgress.complete(note);
    }
}
