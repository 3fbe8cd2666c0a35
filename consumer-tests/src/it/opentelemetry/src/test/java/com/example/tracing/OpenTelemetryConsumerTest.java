package com.example.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.opentelemetry.PoolTracing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The setup of docs/observability.md, with the SDK's in-memory exporter standing in for a collector. */
class OpenTelemetryConsumerTest {

    static final AttributeKey<String> TYPE = AttributeKey.stringKey("trinity.task.type");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("trinity.outcome");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("trinity.attempt");
    static final AttributeKey<String> AGENT = AttributeKey.stringKey("trinity.agent.id");

    @Test
    void aTaskSpanUnderTheCallerWithAnAttemptSpanAroundTheAgentsWork() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        Tracer tracer = otel.getTracer("com.example.tracing");

        PoolTracing tracing = PoolTracing.create(otel);
        AgentPool pool = tracing.wrap(AgentPool.builder()
                .config(PoolConfig.custom().maxAgents(2).build())
                .register(tracing.instrument(AgentType.of("upper", init -> ctx -> {
                    Span work = tracer.spanBuilder("upper.work").startSpan();   // lands under the attempt
                    try {
                        return Payload.of(Map.of("text", ctx.data().get("text").toString().toUpperCase()));
                    } finally {
                        work.end();
                    }
                })))
                .listener(tracing)
                .build());

        Span request = tracer.spanBuilder("handle request").startSpan();
        TaskHandle handle;
        try (Scope ignored = request.makeCurrent()) {
            handle = pool.submit(Task.of("upper", Map.of("text", "hello")));
        } finally {
            request.end();
        }
        assertThat(handle.result().join().data()).containsEntry("text", "HELLO");
        // The listener is fed off the control loop; once shutdown completes it has heard every event.
        pool.shutdown(Duration.ofSeconds(10)).join();
        List<SpanData> spans = exporter.getFinishedSpanItems();
        provider.close();
        SpanData caller = named(spans, "handle request");
        SpanData task = named(spans, "trinity.task");
        SpanData attempt = named(spans, "trinity.task.attempt");
        SpanData work = named(spans, "upper.work");

        assertThat(task.getTraceId()).isEqualTo(caller.getTraceId());
        assertThat(task.getParentSpanId()).isEqualTo(caller.getSpanId());
        assertThat(attempt.getParentSpanId()).isEqualTo(task.getSpanId());
        assertThat(work.getParentSpanId()).isEqualTo(attempt.getSpanId());

        assertThat(task.getAttributes().get(TYPE)).isEqualTo("upper");
        assertThat(task.getAttributes().get(OUTCOME)).isEqualTo("succeeded");
        assertThat(attempt.getAttributes().get(ATTEMPT)).isEqualTo(1L);
        assertThat(attempt.getAttributes().get(OUTCOME)).isEqualTo("succeeded");
        assertThat(attempt.getAttributes().get(AGENT)).startsWith("upper-");
    }

    private static SpanData named(List<SpanData> spans, String name) {
        List<SpanData> found = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("spans named '%s' among %s", name, spans.stream().map(SpanData::getName).toList()).hasSize(1);
        return found.get(0);
    }
}
