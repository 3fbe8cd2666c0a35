package io.trinity.pool.agents.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task line carries the W3C traceparent of the span current on the agent's thread, and none without one. */
class TraceparentTest {

    final Protocol protocol = new Protocol(1 << 20);
    final ObjectMapper json = new ObjectMapper();

    @Test
    void theCurrentSpanTravelsToTheWorkerAsTraceparent() throws Exception {
        Span span = Span.wrap(SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.getDefault()));
        try (Scope ignored = span.makeCurrent()) {
            JsonNode line = json.readTree(protocol.taskLine(1, FakeTaskContext.of("wc", Map.of("text", "a b"))));
            assertThat(line.get("traceparent").asText())
                    .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        }
    }

    @Test
    void withoutASpanThereIsNoTraceparent() throws Exception {
        JsonNode line = json.readTree(protocol.taskLine(1, FakeTaskContext.of("wc", Map.of("text", "a b"))));
        assertThat(line.has("traceparent")).isFalse();
    }
}
