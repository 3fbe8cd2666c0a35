package io.trinity.pool.agents.process;

import java.util.Optional;

/**
 * The W3C {@code traceparent} of the OpenTelemetry span current on the calling thread, so a
 * worker process can continue the trace of the task it runs. OpenTelemetry is optional: without
 * its API on the class path (or without a valid current span) there is none. With
 * {@code trinity-pool-opentelemetry} the current span on an agent's thread is the task's
 * attempt span.
 */
final class TraceContext {

    private static final boolean PRESENT = present();

    private TraceContext() {
    }

    static Optional<String> traceparent() {
        return PRESENT ? Otel.traceparent() : Optional.empty();
    }

    private static boolean present() {
        try {
            Class.forName("io.opentelemetry.api.trace.Span", false, TraceContext.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** Touches OpenTelemetry classes only when they are known to be there. */
    private static final class Otel {
        static Optional<String> traceparent() {
            io.opentelemetry.api.trace.SpanContext sc = io.opentelemetry.api.trace.Span.current().getSpanContext();
            if (!sc.isValid()) {
                return Optional.empty();
            }
            return Optional.of("00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex());
        }
    }
}
