package io.trinity.pool.opentelemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.trinity.pool.Task;
import io.trinity.pool.TaskState;
import io.trinity.pool.event.PoolEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The spans of one traced task: the task span (submit to final state) and a span per run of an
 * attempt (dispatch to {@code task.end}; a preempted attempt runs again under the same number
 * and gets a new span).
 *
 * <p>A run's span is started by whichever comes first: the {@code task.dispatch} event (which
 * knows the balancer) or the agent starting the work (which must make the span current on its
 * thread). The other one adopts it. That keeps the structure right whether listeners are called
 * before the agent starts (on the control loop) or after (from a buffer on another thread). A
 * run ends at its {@code task.end}, or at the task's final state if that comes first.
 *
 * <p>Synchronized: the listener thread, the agent's thread and the thread completing the
 * task's future all touch it. Holds at most one run per attempt number; dropped with the task.
 */
final class TaskTrace {

    static final String TASK_SPAN = "trinity.task";
    static final String ATTEMPT_SPAN = "trinity.task.attempt";

    /** One run of an attempt. */
    static final class Run {
        final Span span;
        final Context context;
        boolean dispatchSeen;
        boolean ended;

        Run(Span span, Context context) {
            this.span = span;
            this.context = context;
        }
    }

    private final Tracer tracer;
    private final Span span;
    private final Context context;
    private final String type;
    private final String tenant;
    private final Map<Integer, Run> runs = new HashMap<>(4);
    private long id = -1;
    private int current;
    private boolean finished;

    private TaskTrace(Tracer tracer, Span span, Context context, Task task) {
        this.tracer = tracer;
        this.span = span;
        this.context = context;
        this.type = task.type();
        this.tenant = task.tenant();
    }

    static TaskTrace start(Tracer tracer, Context parent, Task task) {
        Span span = tracer.spanBuilder(TASK_SPAN).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(TrinityAttributes.TASK_TYPE, task.type())
                .setAttribute(TrinityAttributes.TENANT, task.tenant())
                .setAttribute(TrinityAttributes.PRIORITY, (long) task.priority())
                .startSpan();
        return new TaskTrace(tracer, span, parent.with(span), task);
    }

    synchronized void bound(long taskId) {
        if (id < 0) {
            id = taskId;
            span.setAttribute(TrinityAttributes.TASK_ID, taskId);
        }
    }

    /** The run the agent starting attempt {@code attempt} on {@code agent} works in. */
    synchronized Run forAgent(int attempt, String agent) {
        Run run = runs.get(attempt);
        if (run == null || run.ended) {
            run = startRun(attempt, agent);
        }
        return run;
    }

    /** The run of {@code attempt} if it is known, ended or not. */
    synchronized Run run(int attempt) {
        return runs.get(attempt);
    }

    synchronized void dispatched(PoolEvent.TaskDispatched e) {
        Run run = runs.get(e.attempt());
        if (run == null || run.ended || run.dispatchSeen) {
            run = startRun(e.attempt(), e.agent());
        }
        run.dispatchSeen = true;
        run.span.setAttribute(TrinityAttributes.BALANCER, e.balancer());
        current = e.attempt();
    }

    synchronized void ended(PoolEvent.TaskEnded e) {
        if (e.agent() == null) {
            return; // ended while waiting (cancelled or refused): no run to end
        }
        Run run = runs.get(current);
        if (run != null && !run.ended) {
            endRun(run, wire(e.outcome()), e.outcome() == PoolEvent.TaskOutcome.FAILED
                    || e.outcome() == PoolEvent.TaskOutcome.TIMED_OUT, e.reason());
        }
    }

    synchronized void retried(PoolEvent.TaskRetried e) {
        if (!finished) {
            span.addEvent("retry", Attributes.of(TrinityAttributes.ATTEMPT, (long) e.attempt(),
                    TrinityAttributes.BACKOFF_MS, e.backoffMs(), TrinityAttributes.REASON, String.valueOf(e.reason())));
        }
    }

    synchronized void deadLettered(PoolEvent.TaskDeadLettered e) {
        if (!finished) {
            span.addEvent("dead_letter", Attributes.of(TrinityAttributes.ATTEMPT, (long) e.attempt(),
                    TrinityAttributes.REASON, String.valueOf(e.reason())));
        }
    }

    /** An exception the agent threw while working in {@code run}. */
    synchronized void agentThrew(Run run, Throwable error) {
        if (!run.ended) {
            run.span.recordException(error);
        }
    }

    /** The task reached its final state: ends what is still open, then the task span. */
    synchronized void finish(TaskState state, List<String> reasons, int attempts) {
        if (finished) {
            return;
        }
        finished = true;
        String outcome = wire(state);
        boolean error = state == TaskState.FAILED || state == TaskState.TIMED_OUT || state == TaskState.DEAD_LETTERED;
        String reason = reasons.isEmpty() ? null : reasons.get(reasons.size() - 1);
        for (Run run : runs.values()) {
            if (!run.ended) {
                // its task.end was not seen yet (a listener behind the future): the final state tells
                endRun(run, state == TaskState.DEAD_LETTERED ? "failed" : outcome, error, reason);
            }
        }
        runs.clear();
        span.setAttribute(TrinityAttributes.OUTCOME, outcome);
        span.setAttribute(TrinityAttributes.ATTEMPTS, (long) attempts);
        if (error) {
            span.setAttribute(TrinityAttributes.REASON, String.join("; ", reasons));
            span.setStatus(StatusCode.ERROR, state + (reason == null ? "" : ": " + reason));
        }
        span.end();
    }

    /** {@code submit} refused the task. */
    synchronized void rejected(Throwable e) {
        finished = true;
        span.recordException(e);
        span.setAttribute(TrinityAttributes.OUTCOME, "rejected");
        span.setAttribute(TrinityAttributes.REASON, String.valueOf(e.getMessage()));
        span.setStatus(StatusCode.ERROR, "rejected: " + e.getMessage());
        span.end();
    }

    private Run startRun(int attempt, String agent) {
        Span s = tracer.spanBuilder(ATTEMPT_SPAN).setParent(context).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(TrinityAttributes.TASK_TYPE, type)
                .setAttribute(TrinityAttributes.TENANT, tenant)
                .setAttribute(TrinityAttributes.ATTEMPT, (long) attempt)
                .setAttribute(TrinityAttributes.AGENT, agent)
                .startSpan();
        if (id >= 0) {
            s.setAttribute(TrinityAttributes.TASK_ID, id);
        }
        Run run = new Run(s, context.with(s));
        runs.put(attempt, run);
        return run;
    }

    private static void endRun(Run run, String outcome, boolean error, String reason) {
        run.ended = true;
        run.span.setAttribute(TrinityAttributes.OUTCOME, outcome);
        if (reason != null) {
            run.span.setAttribute(TrinityAttributes.REASON, reason);
        }
        if (error) {
            run.span.setStatus(StatusCode.ERROR, reason == null ? outcome : reason);
        }
        run.span.end();
    }

    private static String wire(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
