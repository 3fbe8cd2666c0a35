package io.trinity.pool.opentelemetry;

import io.trinity.pool.agents.testing.ScriptedAgent;
import static io.trinity.pool.opentelemetry.TrinityAttributes.AGENT;
import static io.trinity.pool.opentelemetry.TrinityAttributes.ATTEMPT;
import static io.trinity.pool.opentelemetry.TrinityAttributes.ATTEMPTS;
import static io.trinity.pool.opentelemetry.TrinityAttributes.BALANCER;
import static io.trinity.pool.opentelemetry.TrinityAttributes.OUTCOME;
import static io.trinity.pool.opentelemetry.TrinityAttributes.TASK_ID;
import static io.trinity.pool.opentelemetry.TrinityAttributes.TASK_TYPE;
import static io.trinity.pool.opentelemetry.TrinityAttributes.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskRejectedException;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PoolTracingTest {

    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    /** What the application traces with: the submitter's request, the agent's own work. */
    final Tracer app = otel.getTracer("app");
    final PoolTracing tracing = PoolTracing.create(otel);
    final VirtualClock clock = new VirtualClock();

    @AfterEach
    void closeProvider() {
        provider.close();
    }

    static PoolConfig.Builder config() {
        return PoolConfig.custom().maxAgents(2).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                .maxAttempts(2).retryBackoff(Duration.ZERO).retryBackoffMax(Duration.ZERO);
    }

    /**
     * A blocking agent: answers with the traceparent it sees, does its work in a span of its own,
     * fails its first attempt when the input says {@code failFirst}, and submits a subtask when
     * it says {@code subtask}.
     */
    final class WorkAgent implements Agent {
        @Override
        public Payload execute(TaskContext ctx) {
            String seen = PoolTracing.traceparent().orElse("none");
            String looked = tracing.traceparent(ctx).orElse("none");
            Span work = app.spanBuilder("agent.work").startSpan();
            try (Scope ignored = work.makeCurrent()) {
                if (ctx.data().containsKey("failFirst") && ctx.attempt() == 1) {
                    throw new IllegalStateException("flaky");
                }
                if (ctx.data().containsKey("subtask")) {
                    ctx.submit(Task.of("code", Map.of()));
                }
                return Payload.of(Map.of("traceparent", seen, "lookedUp", looked));
            } finally {
                work.end();
            }
        }
    }

    TracingAgentPool pool(PoolConfig config, Consumer<PoolBuilder> more) {
        PoolBuilder b = AgentPool.builder().config(config).deterministic(clock);
        more.accept(b);
        return tracing.wrap(b.build());
    }

    TracingAgentPool blockingPool() {
        return pool(config().build(), b -> b.register(tracing.instrument(AgentType.of("code", init -> new WorkAgent())))
                .listener(tracing));
    }

    TracingAgentPool asyncPool() {
        return pool(config().build(), b -> b.register(tracing.instrument(AgentType.of("code", ScriptedAgent.factory(clock))))
                .listener(tracing));
    }

    List<SpanData> named(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    SpanData only(String name) {
        assertThat(named(name)).as("spans named %s", name).hasSize(1);
        return named(name).get(0);
    }

    static String traceparentOf(SpanData s) {
        return "00-" + s.getTraceId() + "-" + s.getSpanId() + "-" + s.getSpanContext().getTraceFlags().asHex();
    }

    @Test
    void theTaskSpanIsAChildOfTheSubmittersSpanAndTheAgentsSpanAChildOfTheAttempt() {
        TracingAgentPool pool = blockingPool();
        Span request = app.spanBuilder("request").startSpan();
        TaskHandle h;
        try (Scope ignored = request.makeCurrent()) {
            h = pool.submit(Task.builder("code").input(Map.of("x", 1)).tenant("acme").priority(5).build());
        } finally {
            request.end();
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);

        SpanData submitter = only("request");
        SpanData task = only(TaskTrace.TASK_SPAN);
        SpanData attempt = only(TaskTrace.ATTEMPT_SPAN);
        SpanData work = only("agent.work");
        assertThat(task.getTraceId()).isEqualTo(submitter.getTraceId());
        assertThat(task.getParentSpanId()).isEqualTo(submitter.getSpanId());
        assertThat(attempt.getParentSpanId()).isEqualTo(task.getSpanId());
        assertThat(work.getParentSpanId()).isEqualTo(attempt.getSpanId());
        assertThat(work.getTraceId()).isEqualTo(submitter.getTraceId());

        assertThat(task.getAttributes().get(TASK_ID)).isEqualTo(h.id());
        assertThat(task.getAttributes().get(TASK_TYPE)).isEqualTo("code");
        assertThat(task.getAttributes().get(TENANT)).isEqualTo("acme");
        assertThat(task.getAttributes().get(TrinityAttributes.PRIORITY)).isEqualTo(5L);
        assertThat(task.getAttributes().get(OUTCOME)).isEqualTo("succeeded");
        assertThat(task.getAttributes().get(ATTEMPTS)).isEqualTo(1L);
        assertThat(task.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        assertThat(attempt.getAttributes().get(TASK_ID)).isEqualTo(h.id());
        assertThat(attempt.getAttributes().get(TASK_TYPE)).isEqualTo("code");
        assertThat(attempt.getAttributes().get(TENANT)).isEqualTo("acme");
        assertThat(attempt.getAttributes().get(ATTEMPT)).isEqualTo(1L);
        assertThat(attempt.getAttributes().get(AGENT)).isEqualTo("code-1");
        assertThat(attempt.getAttributes().get(BALANCER)).isEqualTo(pool.config().balancer());
        assertThat(attempt.getAttributes().get(OUTCOME)).isEqualTo("succeeded");

        Map<String, Object> out = h.result().join().data();
        assertThat(out.get("traceparent")).as("the attempt span is current on the agent's thread")
                .isEqualTo(traceparentOf(attempt));
        assertThat(out.get("lookedUp")).isEqualTo(traceparentOf(attempt));
        assertThat(tracing.tracked()).isZero();
    }

    @Test
    void aRetriedTaskHasTwoAttemptSpansTheFailedOneInError() {
        TracingAgentPool pool = blockingPool();
        TaskHandle h = pool.submit(Task.of("code", Map.of("failFirst", true)));
        clock.advance(Duration.ofSeconds(1));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);

        SpanData task = only(TaskTrace.TASK_SPAN);
        List<SpanData> attempts = named(TaskTrace.ATTEMPT_SPAN);
        assertThat(attempts).hasSize(2).allSatisfy(a -> {
            assertThat(a.getParentSpanId()).isEqualTo(task.getSpanId());
            assertThat(a.getTraceId()).isEqualTo(task.getTraceId());
        });
        SpanData first = attempts.stream().filter(a -> a.getAttributes().get(ATTEMPT) == 1L).findFirst().orElseThrow();
        SpanData second = attempts.stream().filter(a -> a.getAttributes().get(ATTEMPT) == 2L).findFirst().orElseThrow();
        assertThat(first.getAttributes().get(OUTCOME)).isEqualTo("failed");
        assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(first.getStatus().getDescription()).contains("flaky");
        assertThat(first.getEvents()).extracting(EventData::getName).contains("exception");
        assertThat(second.getAttributes().get(OUTCOME)).isEqualTo("succeeded");
        assertThat(second.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(task.getAttributes().get(OUTCOME)).isEqualTo("succeeded");
        assertThat(task.getAttributes().get(ATTEMPTS)).isEqualTo(2L);
        assertThat(task.getEvents()).extracting(EventData::getName).containsExactly("retry");
        assertThat(named("agent.work")).hasSize(2)
                .extracting(SpanData::getParentSpanId).containsExactlyInAnyOrder(first.getSpanId(), second.getSpanId());
    }

    @Test
    void deadLetteredAndTimedOutTasksEndInError() {
        TracingAgentPool pool = asyncPool();
        TaskHandle dead = pool.submit(Task.of("code", Map.of("fail", "always")));
        TaskHandle slow = pool.submit(Task.builder("code").input(Map.of("fail", "hang"))
                .timeout(Duration.ofMillis(300)).maxAttempts(1).build());
        clock.advance(Duration.ofSeconds(5));
        assertThat(dead.state()).isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(slow.state()).isEqualTo(TaskState.TIMED_OUT);

        SpanData deadSpan = taskSpan(dead);
        assertThat(deadSpan.getAttributes().get(OUTCOME)).isEqualTo("dead_lettered");
        assertThat(deadSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(deadSpan.getEvents()).extracting(EventData::getName).containsExactly("retry", "dead_letter");
        assertThat(attemptsOf(deadSpan)).hasSize(2).allSatisfy(a -> {
            assertThat(a.getAttributes().get(OUTCOME)).isEqualTo("failed");
            assertThat(a.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        });

        SpanData slowSpan = taskSpan(slow);
        assertThat(slowSpan.getAttributes().get(OUTCOME)).isEqualTo("timed_out");
        assertThat(slowSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attemptsOf(slowSpan)).singleElement().satisfies(a -> {
            assertThat(a.getAttributes().get(OUTCOME)).isEqualTo("timed_out");
            assertThat(a.getStatus().getDescription()).startsWith("timed out after 300 ms");
            // dispatch to task.end on the pool's virtual clock is not the span's clock; only order is checked
            assertThat(a.getEndEpochNanos()).isGreaterThanOrEqualTo(a.getStartEpochNanos());
        });
        assertThat(tracing.tracked()).isZero();
    }

    @Test
    void submitAllTracesEveryTaskAndHandsTheWholeListToThePoolOnce() {
        TracingAgentPool inner = blockingPool();
        java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger singles = new java.util.concurrent.atomic.AtomicInteger();
        AgentPool counting = new AgentPool() { // the real pool, counting how it is called
            @Override public TaskHandle submit(Task t) { singles.incrementAndGet(); return inner.delegate().submit(t); }
            @Override public List<io.trinity.pool.Submission> submitAll(List<Task> ts) {
                batches.incrementAndGet();
                return inner.delegate().submitAll(ts);
            }
            @Override public TaskHandle resubmit(long id) { return inner.delegate().resubmit(id); }
            @Override public io.trinity.pool.PoolSnapshot snapshot() { return inner.delegate().snapshot(); }
            @Override public java.util.Optional<TaskHandle> task(long id) { return inner.delegate().task(id); }
            @Override public io.trinity.pool.budget.Spend tenantSpend(String t) { return inner.delegate().tenantSpend(t); }
            @Override public Map<String, io.trinity.pool.budget.Spend> spend() { return inner.delegate().spend(); }
            @Override public List<io.trinity.pool.DeadLetter> deadLetters() { return inner.delegate().deadLetters(); }
            @Override public java.util.concurrent.CompletableFuture<io.trinity.pool.ShutdownReport> shutdown(Duration d) {
                return inner.delegate().shutdown(d);
            }
            @Override public boolean isShutdown() { return inner.delegate().isShutdown(); }
            @Override public PoolConfig config() { return inner.delegate().config(); }
            @Override public void close() { inner.delegate().close(); }
        };
        TracingAgentPool pool = tracing.wrap(counting);
        Task twice = Task.of("code", Map.of("n", 1));
        Span request = app.spanBuilder("request").startSpan();
        List<io.trinity.pool.Submission> out;
        try (Scope ignored = request.makeCurrent()) {
            out = pool.submitAll(List.of(twice, Task.of("translate", Map.of()), twice));
        } finally {
            request.end();
        }
        clock.advance(Duration.ofSeconds(1));

        assertThat(batches).hasValue(1);
        assertThat(singles).hasValue(0);
        assertThat(out).extracting(io.trinity.pool.Submission::isAccepted).containsExactly(true, false, true);
        assertThat(out.get(1).refusal()).isInstanceOf(TaskRejectedException.class);
        List<SpanData> tasks = named(TaskTrace.TASK_SPAN);
        assertThat(tasks).hasSize(3).allSatisfy(t -> assertThat(t.getParentSpanId()).isEqualTo(only("request").getSpanId()));
        assertThat(tasks).extracting(t -> t.getAttributes().get(OUTCOME))
                .containsExactlyInAnyOrder("succeeded", "succeeded", "rejected");
        assertThat(tasks).filteredOn(t -> "succeeded".equals(t.getAttributes().get(OUTCOME)))
                .extracting(t -> t.getAttributes().get(TASK_ID))
                .containsExactlyInAnyOrder(out.get(0).handle().id(), out.get(2).handle().id());
        assertThat(named(TaskTrace.ATTEMPT_SPAN)).hasSize(2);
        assertThat(tracing.tracked()).isZero();
    }

    @Test
    void aRejectedSubmitEndsItsSpanInErrorAndStillThrows() {
        TracingAgentPool pool = blockingPool();
        assertThatThrownBy(() -> pool.submit(Task.of("translate", Map.of()))).isInstanceOf(TaskRejectedException.class);
        SpanData task = only(TaskTrace.TASK_SPAN);
        assertThat(task.getAttributes().get(OUTCOME)).isEqualTo("rejected");
        assertThat(task.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(task.getEvents()).extracting(EventData::getName).containsExactly("exception");
        assertThat(tracing.tracked()).isZero();
    }

    @Test
    void aSubtaskIsTracedUnderTheAttemptThatSubmittedIt() {
        TracingAgentPool pool = blockingPool();
        TaskHandle parent = pool.submit(Task.of("code", Map.of("subtask", true)));
        clock.advance(Duration.ofSeconds(1));
        assertThat(parent.state()).isEqualTo(TaskState.SUCCEEDED);

        List<SpanData> tasks = named(TaskTrace.TASK_SPAN);
        assertThat(tasks).hasSize(2);
        SpanData parentTask = taskSpan(parent);
        SpanData parentAttempt = attemptsOf(parentTask).get(0);
        SpanData child = tasks.stream().filter(t -> t != parentTask).findFirst().orElseThrow();
        assertThat(child.getParentSpanId()).isEqualTo(parentAttempt.getSpanId());
        assertThat(attemptsOf(child)).singleElement()
                .satisfies(a -> assertThat(a.getAttributes().get(OUTCOME)).isEqualTo("succeeded"));
        assertThat(tracing.tracked()).isZero();
    }

    @Test
    void eventsDeliveredAfterTheAgentStartedStillGiveOneAttemptSpanWithItsBalancer() {
        // as when listeners sit behind a buffer on another thread: the agent starts before the
        // listener hears of the dispatch, and the task may end before it hears of the end
        List<PoolEvent> buffer = new ArrayList<>();
        List<String> seenByAgent = new ArrayList<>();
        AgentFactory scripted = ScriptedAgent.factory(clock);
        AgentFactory recording = init -> {
            AsyncAgent agent = (AsyncAgent) scripted.create(init);
            return (AsyncAgent) ctx -> {
                seenByAgent.add(PoolTracing.traceparent().orElse("none"));
                return agent.executeAsync(ctx);
            };
        };
        TracingAgentPool pool = pool(config().build(), b -> b
                .register(tracing.instrument(AgentType.of("code", recording)))
                .listener(buffer::add));
        TaskHandle h = pool.submit(Task.of("code", Map.of("ms", 1_000, "fail", "first")));
        clock.advance(Duration.ofMillis(500));
        flush(buffer);
        clock.advance(Duration.ofMillis(1_000));
        flush(buffer);
        clock.advance(Duration.ofSeconds(2));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        flush(buffer);

        SpanData task = only(TaskTrace.TASK_SPAN);
        List<SpanData> attempts = attemptsOf(task);
        assertThat(attempts).hasSize(2);
        assertThat(attempts).allSatisfy(a -> assertThat(a.getAttributes().get(BALANCER)).isNotNull());
        assertThat(attempts).extracting(a -> a.getAttributes().get(OUTCOME)).containsExactlyInAnyOrder("failed", "succeeded");
        assertThat(seenByAgent).as("the agent worked inside the exported attempt spans")
                .containsExactlyInAnyOrderElementsOf(attempts.stream().map(PoolTracingTest::traceparentOf).toList());
        assertThat(tracing.tracked()).isZero();
        assertThat(tracing.parked()).isZero();
    }

    @Test
    void untracedTasksAndInstancesSubmittedTwiceKeepTheBookkeepingBounded() {
        TracingAgentPool pool = asyncPool();
        Task shared = Task.of("code", Map.of("ms", 100));
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            handles.add(pool.submit(shared)); // the same instance, many times in flight
            handles.add(pool.delegate().submit(Task.of("code", Map.of("ms", 100)))); // not traced
            if (i % 20 == 19) {
                clock.advance(Duration.ofSeconds(2));
            }
        }
        clock.advance(Duration.ofSeconds(60));
        assertThat(handles).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        assertThat(named(TaskTrace.TASK_SPAN)).hasSize(400);
        assertThat(named(TaskTrace.ATTEMPT_SPAN)).hasSize(400)
                .allSatisfy(a -> assertThat(a.getParentSpanId()).isNotEqualTo(io.opentelemetry.api.trace.SpanId.getInvalid()));
        assertThat(tracing.tracked()).isZero();
        assertThat(tracing.parked()).isLessThanOrEqualTo(Traces.MAX_PARKED);
    }

    @Test
    void withoutASpanThereIsNoTraceparent() {
        assertThat(PoolTracing.traceparent()).isEmpty();
    }

    void flush(List<PoolEvent> buffer) {
        List<PoolEvent> copy = List.copyOf(buffer);
        buffer.clear();
        copy.forEach(tracing::onEvent);
    }

    SpanData taskSpan(TaskHandle h) {
        return named(TaskTrace.TASK_SPAN).stream().filter(s -> s.getAttributes().get(TASK_ID) == h.id())
                .findFirst().orElseThrow();
    }

    List<SpanData> attemptsOf(SpanData task) {
        return named(TaskTrace.ATTEMPT_SPAN).stream().filter(a -> a.getParentSpanId().equals(task.getSpanId()))
                .toList();
    }
}
