package io.trinity.pool.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/** The span attributes {@link PoolTracing} sets, for queries and tests. */
public final class TrinityAttributes {

    /** The pool's task id (both spans). */
    public static final AttributeKey<Long> TASK_ID = AttributeKey.longKey("trinity.task.id");
    /** The task's type as submitted (both spans). */
    public static final AttributeKey<String> TASK_TYPE = AttributeKey.stringKey("trinity.task.type");
    /** The tenant the task is charged to (both spans). */
    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("trinity.tenant");
    /** The task's priority (task span). */
    public static final AttributeKey<Long> PRIORITY = AttributeKey.longKey("trinity.task.priority");
    /** Attempts started (task span, at its end). */
    public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("trinity.task.attempts");
    /** 1 for the first attempt (attempt span). */
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("trinity.attempt");
    /** The agent that ran the attempt, such as {@code code-3} (attempt span). */
    public static final AttributeKey<String> AGENT = AttributeKey.stringKey("trinity.agent.id");
    /** The balancer that chose the agent (attempt span). */
    public static final AttributeKey<String> BALANCER = AttributeKey.stringKey("trinity.balancer");
    /**
     * How it ended: on the task span its final state ({@code succeeded}, {@code failed},
     * {@code timed_out}, {@code cancelled}, {@code dead_lettered}, {@code rejected}); on an
     * attempt span the attempt's outcome ({@code succeeded}, {@code failed}, {@code timed_out},
     * {@code cancelled}, {@code preempted}, {@code rate_limited}).
     */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("trinity.outcome");
    /** Why it did not succeed, when the pool said (both spans; also the error status description). */
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("trinity.reason");
    /** The backoff before a retry, in milliseconds (the task span's {@code retry} event). */
    public static final AttributeKey<Long> BACKOFF_MS = AttributeKey.longKey("trinity.backoff_ms");

    private TrinityAttributes() {
    }
}
