package io.trinity.pool.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * OpenTelemetry tracing for one pool: a span per task, from {@code submit} to its final state,
 * with the submitter's current span as its parent, and a child span per attempt, from dispatch
 * to {@code task.end}, that is current on the agent's thread while the agent works.
 *
 * <p>Three pieces, all on the public API: instrument the agent types, register this object as
 * the pool's listener, and submit through the wrapper.
 *
 * <pre>{@code
 * PoolTracing tracing = PoolTracing.create(openTelemetry);
 * AgentPool pool = tracing.wrap(AgentPool.builder()
 *         .register(tracing.instrument(AgentType.of("code", CodeAgent::new)))
 *         .listener(tracing)
 *         .build());
 * pool.submit(task);   // traced under Context.current()
 * }</pre>
 *
 * <p>The attributes are listed in {@link TrinityAttributes}. A failed, timed-out or dead-lettered
 * task, a rejected submit, and a failed or timed-out attempt have an error status. Retries and
 * dead letters are events on the task span. An agent that forwards work elsewhere (a process
 * agent's worker, an HTTP service) passes {@link #traceparent()} along.
 *
 * <p>Without the listener the spans still nest, but attempts lack the balancer and end only
 * with their task; without instrumented types there are task spans only. Tasks submitted to
 * the pool directly (not through {@link #wrap}) are not traced. Bookkeeping holds one entry per
 * live traced task.
 */
public final class PoolTracing implements PoolListener {

    /** The instrumentation scope name of the spans. */
    public static final String INSTRUMENTATION_NAME = "io.trinity.pool.opentelemetry";

    private final Traces traces;

    private PoolTracing(Tracer tracer) {
        this.traces = new Traces(tracer);
    }

    /**
     * Tracing with the tracer of {@value #INSTRUMENTATION_NAME} from {@code openTelemetry}.
     *
     * @param openTelemetry the SDK (or the global instance) spans go to
     * @return tracing for one pool
     */
    public static PoolTracing create(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        return new PoolTracing(openTelemetry.getTracer(INSTRUMENTATION_NAME));
    }

    /**
     * Tracing with a tracer you configured yourself.
     *
     * @param tracer makes the task and attempt spans
     * @return tracing for one pool
     */
    public static PoolTracing create(Tracer tracer) {
        return new PoolTracing(Objects.requireNonNull(tracer, "tracer"));
    }

    /**
     * The same type with the same settings, its agents running their work inside their
     * attempt span.
     *
     * @param type the type to register
     * @return the type to register instead
     */
    public AgentType instrument(AgentType type) {
        Objects.requireNonNull(type, "type");
        return new AgentType(type.name(), instrument(type.factory()), type.minAgents(), type.maxAgents(),
                type.stuckAfter(), type.preemptible(), type.resources());
    }

    /**
     * A factory whose agents run their work inside their attempt span; an {@code AsyncAgent}
     * stays asynchronous.
     *
     * @param factory the factory to register
     * @return the factory to register instead
     */
    public AgentFactory instrument(AgentFactory factory) {
        Objects.requireNonNull(factory, "factory");
        return init -> TracingAgent.wrap(factory.create(init), traces);
    }

    /**
     * The pool, with {@code submit} and {@code resubmit} traced.
     *
     * @param pool a pool built with this object as a listener and instrumented types
     * @return the pool to submit to
     */
    public TracingAgentPool wrap(AgentPool pool) {
        return new TracingAgentPool(Objects.requireNonNull(pool, "pool"), traces);
    }

    /**
     * Adds what only the pool knows to the spans: the balancer, each attempt's outcome and end,
     * retries and dead letters.
     */
    @Override
    public void onEvent(PoolEvent event) {
        traces.onEvent(event);
    }

    /**
     * The W3C {@code traceparent} of the current context, such as
     * {@code 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01}; inside an instrumented
     * agent's work, that of its attempt span.
     *
     * @return the header value; empty when no span is current
     */
    public static Optional<String> traceparent() {
        return traceparent(Context.current());
    }

    /**
     * The W3C {@code traceparent} of a context.
     *
     * @param context any context
     * @return the header value; empty when the context holds no valid span
     */
    public static Optional<String> traceparent(Context context) {
        Objects.requireNonNull(context, "context");
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return Optional.empty();
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, (c, key, value) -> c.put(key, value));
        return Optional.ofNullable(carrier.get("traceparent"));
    }

    /**
     * The {@code traceparent} of the attempt {@code ctx} belongs to, from any thread (an agent's
     * I/O thread, say).
     *
     * @param ctx the context the pool gave the agent
     * @return the header value; empty for a task that is not traced
     */
    public Optional<String> traceparent(TaskContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        if (ctx instanceof TracingTaskContext traced) {
            return traceparent(traced.run().context);
        }
        TaskTrace trace = traces.traceOf(ctx);
        TaskTrace.Run run = trace == null ? null : trace.run(ctx.attempt());
        return run == null ? Optional.empty() : traceparent(run.context);
    }

    /** Traced tasks held now (tests: 0 once every traced task is final). */
    int tracked() {
        return traces.tracked();
    }

    int parked() {
        return traces.parkedIds();
    }
}
