package io.trinity.pool.agents.coordinator;

import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the pool in coordinator tests: runs each subtask on a virtual thread with the
 * test agent registered for its type, and numbers starts and ends on one logical clock so tests
 * can assert ordering without timing.
 */
final class TestPool {

    private final Map<String, Agent> agents;
    final List<Handle> submitted = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(100);
    private final AtomicInteger clock = new AtomicInteger();

    TestPool(Map<String, Agent> agents) {
        this.agents = agents;
    }

    TaskHandle submit(Task task) {
        Agent agent = agents.get(task.type());
        if (agent == null) {
            throw new IllegalArgumentException("no agent type '" + task.type() + "' is registered");
        }
        Handle h = new Handle(ids.incrementAndGet(), task);
        submitted.add(h);
        Thread.ofVirtual().start(() -> {
            h.startedAt = clock.incrementAndGet();
            try {
                Payload out = agent.execute(h.context);
                h.endedAt = clock.incrementAndGet();
                h.state = TaskState.SUCCEEDED;
                h.result.complete(out);
            } catch (Throwable t) {
                h.endedAt = clock.incrementAndGet();
                h.end(h.context.isCancelled() ? TaskState.CANCELLED : TaskState.FAILED, t.getMessage(), t);
            }
        });
        return h;
    }

    Handle byType(String type) {
        return submitted.stream().filter(h -> h.task.type().equals(type)).findFirst().orElseThrow();
    }

    /** A task handle backed by a CompletableFuture, as the pool's would be. */
    static final class Handle implements TaskHandle {
        final long id;
        final Task task;
        final FakeTaskContext context;
        final CompletableFuture<Payload> result = new CompletableFuture<>();
        volatile TaskState state = TaskState.RUNNING;
        volatile boolean cancelRequested;
        volatile int startedAt;
        volatile int endedAt;

        Handle(long id, Task task) {
            this.id = id;
            this.task = task;
            this.context = new FakeTaskContext(task);
        }

        void end(TaskState finalState, String reason, Throwable cause) {
            state = finalState;
            result.completeExceptionally(new TaskFailedException(id, finalState, List.of(reason), cause));
        }

        @Override public long id() { return id; }
        @Override public Task task() { return task; }
        @Override public CompletableFuture<Payload> result() { return result; }
        @Override public TaskState state() { return state; }
        @Override public int attempts() { return 1; }
        @Override public List<String> failureReasons() { return List.of(); }

        @Override
        public void cancel() {
            cancelRequested = true;
            context.cancel();
        }
    }
}
