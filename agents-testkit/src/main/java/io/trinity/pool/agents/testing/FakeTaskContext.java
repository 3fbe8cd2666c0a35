package io.trinity.pool.agents.testing;

import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.TaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A task context for running one agent directly in a unit test, without a pool. */
public final class FakeTaskContext implements TaskContext {

    public final Task task;
    public final List<Double> progress = new CopyOnWriteArrayList<>();
    public final List<String> notes = new CopyOnWriteArrayList<>();
    public final Map<String, Long> usage = new ConcurrentHashMap<>();
    public volatile double quality = Double.NaN;
    private volatile boolean cancelled;
    private final List<Runnable> onCancel = new ArrayList<>();
    /** Handles subtasks for coordinator tests; null means subtasks are refused. */
    public volatile Function<Task, TaskHandle> submitter;
    /** Runs on every progress report (its note, possibly null), so a test can act once the agent is inside the task. */
    public volatile java.util.function.Consumer<String> onProgress = note -> { };

    public FakeTaskContext(Task task) {
        this.task = task;
    }

    public static FakeTaskContext of(String type, Map<String, ?> input) {
        return new FakeTaskContext(Task.of(type, input));
    }

    @Override public long taskId() { return 1; }
    @Override public String type() { return task.type(); }
    @Override public String agentId() { return task.type() + "-test"; }
    @Override public int attempt() { return 1; }
    @Override public Task task() { return task; }

    @Override
    public void progress(double fraction, String note) {
        progress.add(fraction);
        if (note != null) {
            notes.add(note);
        }
        onProgress.accept(note);
    }

    @Override public boolean isCancelled() { return cancelled; }

    public void cancel() {
        List<Runnable> actions;
        synchronized (onCancel) {
            cancelled = true;
            actions = List.copyOf(onCancel);
        }
        actions.forEach(Runnable::run);
    }

    @Override
    public void onCancel(Runnable action) {
        synchronized (onCancel) {
            if (!cancelled) {
                onCancel.add(action);
                return;
            }
        }
        action.run();
    }

    @Override public void reportQuality(double score) { quality = score; }

    @Override public void reportUsage(String resource, long units) { usage.merge(resource, units, Long::sum); }

    @Override
    public TaskHandle submit(Task subtask) {
        if (submitter == null) {
            throw new IllegalStateException("this test context takes no subtasks");
        }
        return submitter.apply(subtask);
    }
}
