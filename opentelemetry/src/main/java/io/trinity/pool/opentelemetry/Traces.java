package io.trinity.pool.opentelemetry;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.trinity.pool.Submission;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Finds a task's {@link TaskTrace} from the three places that need it: the agent's thread (it
 * has the {@link TaskContext}), the pool's events (they have the task id) and the task's future.
 *
 * <p>The id is known only when {@code submit} returns, but the pool may dispatch the task, run
 * it and emit its events before that (at once in deterministic mode, by a race otherwise). So a
 * trace is registered under its {@link Task} instance before the task is submitted (the agent
 * sees the very same instance through {@link TaskContext#task()}), and bound to its id by
 * whichever learns the id first: the agent starting the work or {@code submit} returning. An
 * event for an id not bound yet is parked while a traced submit is in flight and replayed on
 * binding. The same instance submitted twice at once is submitted as a copy, so instances never
 * collide.
 *
 * <p>Bounded: a trace is held from submit to its task's final state; parked events are capped
 * at {@value #MAX_PARKED} ids, oldest dropped (they belong to untraced tasks, or to tasks whose
 * submit has not returned for that long).
 */
final class Traces {

    static final int MAX_PARKED = 256;

    private final Tracer tracer;
    /** Traced tasks whose submit has not returned, by instance. Guarded by itself. */
    private final Map<Task, TaskTrace> submitting = new IdentityHashMap<>();
    private final ConcurrentHashMap<Long, TaskTrace> byId = new ConcurrentHashMap<>();
    /** Events of ids not bound yet. Guarded by itself. */
    private final LinkedHashMap<Long, List<PoolEvent>> parked = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<PoolEvent>> eldest) {
            return size() > MAX_PARKED;
        }
    };

    Traces(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Starts the task span under {@code parent}, submits through {@code submitter}, follows the handle. */
    TaskHandle submit(Context parent, Task task, Function<Task, TaskHandle> submitter) {
        TaskTrace trace = TaskTrace.start(tracer, parent, task);
        Task submitted;
        synchronized (submitting) {
            submitted = registerLocked(task, trace);
        }
        TaskHandle handle;
        try {
            handle = submitter.apply(submitted);
        } catch (RuntimeException | Error e) {
            refused(submitted, trace, e);
            throw e;
        }
        accepted(submitted, trace, handle);
        return handle;
    }

    /**
     * Starts a task span for each task under {@code parent} and submits them all in one call of
     * {@code submitter} (so a journal stores them in one write); a refused task's span ends in error.
     */
    List<Submission> submitAll(Context parent, List<Task> tasks, Function<List<Task>, List<Submission>> submitter) {
        List<TaskTrace> traces = new ArrayList<>(tasks.size());
        for (Task task : tasks) {
            traces.add(TaskTrace.start(tracer, parent, task));
        }
        List<Task> submitted = new ArrayList<>(tasks.size());
        synchronized (submitting) {
            for (int i = 0; i < tasks.size(); i++) {
                submitted.add(registerLocked(tasks.get(i), traces.get(i)));
            }
        }
        List<Submission> out;
        try {
            out = submitter.apply(submitted);
        } catch (RuntimeException | Error e) {
            for (int i = 0; i < submitted.size(); i++) {
                refused(submitted.get(i), traces.get(i), e);
            }
            throw e;
        }
        for (int i = 0; i < out.size(); i++) {
            Submission s = out.get(i);
            if (s.isAccepted()) {
                accepted(submitted.get(i), traces.get(i), s.handle());
            } else {
                refused(submitted.get(i), traces.get(i), s.refusal());
            }
        }
        return out;
    }

    /**
     * Records {@code task} as being submitted under {@code trace}, so an agent that starts it before
     * the submit returns finds its trace; an instance already being submitted is copied first (the
     * map is by instance). Call holding {@link #submitting}.
     */
    private Task registerLocked(Task task, TaskTrace trace) {
        Task t = submitting.containsKey(task) ? task.toBuilder().build() : task;
        submitting.put(t, trace);
        return t;
    }

    /** The pool accepted it: bind its id to the trace and end the span with the task. */
    private void accepted(Task submitted, TaskTrace trace, TaskHandle handle) {
        bind(handle.id(), trace);
        forget(submitted);
        handle.result().whenComplete((value, error) -> finished(handle, trace, error));
    }

    /** The pool refused it: its span ends in error. */
    private void refused(Task submitted, TaskTrace trace, Throwable e) {
        forget(submitted);
        trace.rejected(e);
    }

    /** The run an agent is starting, or null for a task that is not traced. */
    TaskTrace.Run runFor(TaskContext ctx) {
        TaskTrace trace = traceOf(ctx);
        return trace == null ? null : trace.forAgent(ctx.attempt(), ctx.agentId());
    }

    /** The trace of the task an agent runs, binding its id on the way; null when untraced. */
    TaskTrace traceOf(TaskContext ctx) {
        TaskTrace trace = byId.get(ctx.taskId());
        if (trace != null) {
            return trace;
        }
        synchronized (submitting) {
            trace = submitting.get(ctx.task());
        }
        if (trace != null) {
            bind(ctx.taskId(), trace);
            return trace;
        }
        return byId.get(ctx.taskId()); // submit returned and bound it in between
    }

    void onEvent(PoolEvent event) {
        long task = switch (event) {
            case PoolEvent.TaskDispatched e -> e.task();
            case PoolEvent.TaskEnded e -> e.task();
            case PoolEvent.TaskRetried e -> e.task();
            case PoolEvent.TaskDeadLettered e -> e.task();
            default -> -1;
        };
        if (task < 0) {
            return;
        }
        TaskTrace trace = byId.get(task);
        if (trace != null) {
            apply(trace, event);
            return;
        }
        synchronized (submitting) {
            if (submitting.isEmpty()) {
                return; // nothing can bind it later: an untraced task, or one already finished
            }
        }
        synchronized (parked) {
            trace = byId.get(task); // bound while we looked
            if (trace == null) {
                parked.computeIfAbsent(task, k -> new ArrayList<>(2)).add(event);
                return;
            }
        }
        apply(trace, event);
    }

    /**
     * Replays the parked events before publishing the binding, all under the parked lock, so a
     * later event of the same task (which finds the binding only afterwards) is applied after
     * them: a run's end never overtakes its dispatch.
     */
    private void bind(long id, TaskTrace trace) {
        synchronized (parked) {
            if (byId.containsKey(id)) {
                return;
            }
            trace.bound(id);
            List<PoolEvent> early = parked.remove(id);
            if (early != null) {
                for (PoolEvent e : early) {
                    apply(trace, e);
                }
            }
            byId.put(id, trace);
        }
    }

    private static void apply(TaskTrace trace, PoolEvent event) {
        switch (event) {
            case PoolEvent.TaskDispatched e -> trace.dispatched(e);
            case PoolEvent.TaskEnded e -> trace.ended(e);
            case PoolEvent.TaskRetried e -> trace.retried(e);
            case PoolEvent.TaskDeadLettered e -> trace.deadLettered(e);
            default -> { }
        }
    }

    private void finished(TaskHandle handle, TaskTrace trace, Throwable error) {
        TaskState state = TaskState.SUCCEEDED;
        List<String> reasons = handle.failureReasons();
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TaskFailedException failed) {
            state = failed.state();
            reasons = failed.reasons();
        } else if (cause != null) {
            state = handle.state().isFinal() ? handle.state() : TaskState.CANCELLED;
        }
        trace.finish(state, reasons, handle.attempts());
        byId.remove(handle.id(), trace);
        synchronized (parked) {
            parked.remove(handle.id());
        }
    }

    private void forget(Task submitted) {
        synchronized (submitting) {
            submitting.remove(submitted);
        }
    }

    /** Traces held now, for tests: 0 once every traced task is final. */
    int tracked() {
        synchronized (submitting) {
            return byId.size() + submitting.size();
        }
    }

    int parkedIds() {
        synchronized (parked) {
            return parked.size();
        }
    }
}
