/**
 * OpenTelemetry tracing for a pool: a span per task from submit to its final state, a child span
 * per attempt, and the submitter's context carried onto the agent's thread. Start with
 * {@link io.trinity.pool.opentelemetry.PoolTracing}; {@code docs/observability.md} has the
 * attributes and examples.
 */
package io.trinity.pool.opentelemetry;
