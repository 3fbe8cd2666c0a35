package io.trinity.pool.opentelemetry;

import io.opentelemetry.context.Scope;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Runs an agent's work inside its attempt span: the span is current on the agent's thread, so
 * spans the agent starts are its children, and the agent's {@link TaskContext} submits
 * subtasks as children of it. Everything else is the wrapped agent's.
 */
class TracingAgent implements Agent {

    final Agent delegate;
    final Traces traces;

    TracingAgent(Agent delegate, Traces traces) {
        this.delegate = delegate;
        this.traces = traces;
    }

    /** Keeps the async nature of the agent: the pool calls async agents differently. */
    static Agent wrap(Agent agent, Traces traces) {
        if (agent == null || agent instanceof TracingAgent) {
            return agent;
        }
        return agent instanceof AsyncAgent async ? new Async(async, traces) : new TracingAgent(agent, traces);
    }

    @Override
    public Payload execute(TaskContext ctx) throws Exception {
        TaskTrace trace = traces.traceOf(ctx);
        if (trace == null) {
            return delegate.execute(ctx);
        }
        TaskTrace.Run run = trace.forAgent(ctx.attempt(), ctx.agentId());
        try (Scope ignored = run.context.makeCurrent()) {
            return delegate.execute(new TracingTaskContext(ctx, run, traces));
        } catch (Exception | Error e) {
            trace.agentThrew(run, e);
            throw e;
        }
    }

    @Override
    public void init() throws Exception {
        delegate.init();
    }

    @Override
    public int capacity() {
        return delegate.capacity();
    }

    @Override
    public Optional<AgentSnapshot> snapshot() {
        return delegate.snapshot();
    }

    @Override
    public boolean respecialize(String newType) {
        return delegate.respecialize(newType);
    }

    @Override
    public boolean alive() {
        return delegate.alive();
    }

    @Override
    public void close() throws Exception {
        delegate.close();
    }

    @Override
    public String toString() {
        return "traced " + delegate;
    }

    /**
     * An {@link AsyncAgent}: the span is current while {@code executeAsync} sets the work up;
     * callbacks the agent schedules elsewhere carry it only if the agent wraps them
     * ({@code Context.current().wrap(...)}).
     */
    static final class Async extends TracingAgent implements AsyncAgent {
        private final AsyncAgent async;

        Async(AsyncAgent delegate, Traces traces) {
            super(delegate, traces);
            this.async = delegate;
        }

        @Override
        public CompletionStage<Payload> executeAsync(TaskContext ctx) {
            TaskTrace trace = traces.traceOf(ctx);
            if (trace == null) {
                return async.executeAsync(ctx);
            }
            TaskTrace.Run run = trace.forAgent(ctx.attempt(), ctx.agentId());
            CompletionStage<Payload> work;
            try (Scope ignored = run.context.makeCurrent()) {
                work = async.executeAsync(new TracingTaskContext(ctx, run, traces));
            } catch (RuntimeException | Error e) {
                trace.agentThrew(run, e);
                throw e;
            }
            return work.whenComplete((value, error) -> {
                if (error != null) {
                    trace.agentThrew(run, error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error);
                }
            });
        }

        @Override
        public CompletionStage<Void> initAsync() {
            return async.initAsync();
        }

        @Override
        public Payload execute(TaskContext ctx) throws Exception {
            return executeAsync(ctx).toCompletableFuture().get();
        }
    }
}
