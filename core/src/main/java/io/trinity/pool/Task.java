package io.trinity.pool;

import io.trinity.pool.budget.Budget;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A unit of work for an agent of one type. Immutable; build with {@link #of} or
 * {@link #builder}.
 *
 * <p>Priority: higher runs first; equal priorities run in submission order; a waiting task
 * slowly gains priority (aging) so a low one is never starved. Max attempts of 0 means "the
 * pool's default".
 */
public final class Task {

    /**
     * The lowest priority a task may have, {@value}. Priorities outside [MIN_PRIORITY, MAX_PRIORITY] are
     * refused, to keep aging arithmetic exact.
     */
    public static final int MIN_PRIORITY = -1_000;
    /** The highest priority a task may have, {@value}. */
    public static final int MAX_PRIORITY = 1_000;
    /** The most attempts a task (or the pool default) may allow, {@value}. */
    public static final int MAX_ATTEMPTS_LIMIT = 100;

    private final String type;
    private final Payload input;
    private final int priority;
    private final String affinityKey;
    private final Duration timeout;
    private final int maxAttempts;
    private final String balancer;
    private final String skill;
    private final String tenant;
    private final Map<String, Long> resources;
    private final Budget budget;

    private Task(Builder b) {
        this.type = b.type;
        this.input = b.input;
        this.priority = b.priority;
        this.affinityKey = b.affinityKey;
        this.timeout = b.timeout;
        this.maxAttempts = b.maxAttempts;
        this.balancer = b.balancer;
        this.skill = b.skill;
        this.tenant = b.tenant;
        this.resources = Map.copyOf(b.resources);
        this.budget = b.budget;
    }

    /**
     * A task with default settings: priority 0, no timeout, the pool's attempts and balancer, the default
     * tenant.
     *
     * @param type the agent type that runs it, not blank
     * @param input the input as plain data (maps, lists, strings, numbers, booleans, null), copied
     * @return the task
     * @throws IllegalArgumentException if the type is blank or the input holds something other than plain
     *     data
     */
    public static Task of(String type, Map<String, ?> input) {
        return builder(type).input(input).build();
    }

    /**
     * Starts a task for an agent type; every other setting starts at its default.
     *
     * @param type the agent type that runs it, not blank
     * @return a new builder
     * @throws IllegalArgumentException if the type is blank
     */
    public static Builder builder(String type) {
        return new Builder(type);
    }

    /** {@return a builder that starts as a copy of this task, to derive a changed one} */
    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.input = input;
        b.priority = priority;
        b.affinityKey = affinityKey;
        b.timeout = timeout;
        b.maxAttempts = maxAttempts;
        b.balancer = balancer;
        b.skill = skill;
        b.tenant = tenant;
        b.resources.putAll(resources);
        b.budget = budget;
        return b;
    }

    /** {@return the agent type that runs this task, never blank} */
    public String type() {
        return type;
    }

    /** {@return the task's input, immutable plain data and attachments; {@link Payload#EMPTY} unless set} */
    public Payload input() {
        return input;
    }

    /**
     * {@return the priority, from {@link #MIN_PRIORITY} to {@link #MAX_PRIORITY}, 0 unless set} Higher runs
     * first; a waiting task gains one point per {@link PoolConfig#agingStep()}.
     */
    public int priority() {
        return priority;
    }

    /**
     * {@return the affinity key, if any} Tasks with one key go to the same agent while it has room when the
     * {@code affinity} balancer places them; other balancers ignore it.
     */
    public Optional<String> affinityKey() {
        return Optional.ofNullable(affinityKey);
    }

    /**
     * {@return the limit on each attempt, if any} An attempt still running after it ends TIMED_OUT and is
     * retried while attempts remain; without one an attempt may run until the stuck detector or a
     * cancellation ends it.
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * {@return the attempts allowed, 1 to {@link #MAX_ATTEMPTS_LIMIT}, or 0 for the pool's {@link
     * PoolConfig#maxAttempts()}}
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@return the name of the balancer that places this task instead of the pool's, if any} */
    public Optional<String> balancer() {
        return Optional.ofNullable(balancer);
    }

    /** {@return the skill this task exercises, for skill-aware balancing; the type unless set} */
    public String skill() {
        return skill != null ? skill : type;
    }

    /** {@return the tenant this task is charged to; {@value #DEFAULT_TENANT} unless set} */
    public String tenant() {
        return tenant != null ? tenant : DEFAULT_TENANT;
    }

    /** The tenant of a task that names none: {@value}. */
    public static final String DEFAULT_TENANT = io.trinity.pool.queue.QueuedTask.DEFAULT_TENANT;

    /**
     * {@return the rate-limited resources this task uses, each with its estimate of tokens, immutable} Empty
     * means "those of its agent type" ({@link AgentType#resources()}).
     */
    public Map<String, Long> resources() {
        return resources;
    }

    /** {@return this task's own spending cap, if any; its tenant's budget applies as well} */
    public Optional<Budget> budget() {
        return Optional.ofNullable(budget);
    }

    @Override
    public String toString() {
        return "Task[type=" + type + ", priority=" + priority
                + (affinityKey != null ? ", affinity=" + affinityKey : "") + "]";
    }

    /**
     * Builds a {@link Task}. Each setter refuses a bad value at once with an {@link IllegalArgumentException}
     * naming the setting and the value. Not thread-safe.
     */
    public static final class Builder {
        private final String type;
        private Payload input = Payload.EMPTY;
        private int priority;
        private String affinityKey;
        private Duration timeout;
        private int maxAttempts;
        private String balancer;
        private String skill;
        private String tenant;
        private final Map<String, Long> resources = new LinkedHashMap<>();
        private Budget budget;

        private Builder(String type) {
            this.type = requireName("type", type);
        }

        /**
         * Sets the input from plain data, copied into an immutable {@link Payload}; replaces any earlier
         * input and its attachments.
         *
         * @param data maps with string keys, lists, strings, numbers, booleans and null, nested at will
         * @return this builder
         * @throws IllegalArgumentException if the data holds anything else (the message gives its path)
         */
        public Builder input(Map<String, ?> data) {
            this.input = Payload.of(data);
            return this;
        }

        /**
         * Sets the input, replacing any earlier one.
         *
         * @param payload the input, not null
         * @return this builder
         */
        public Builder input(Payload payload) {
            this.input = Objects.requireNonNull(payload, "input");
            return this;
        }

        /**
         * Adds a binary attachment to the current input (set the input first: setting it again drops
         * attachments).
         *
         * @param name the attachment's name, not blank; a second one with this name replaces the first
         * @param mediaType its media type, such as {@code image/png}
         * @param bytes its content, copied
         * @return this builder
         */
        public Builder attach(String name, String mediaType, byte[] bytes) {
            this.input = input.withAttachment(requireName("attachment name", name), Attachment.of(mediaType, bytes));
            return this;
        }

        /**
         * Sets the priority: higher runs first, equal ones in submission order. Default 0.
         *
         * @param priority from {@link #MIN_PRIORITY} to {@link #MAX_PRIORITY}
         * @return this builder
         */
        public Builder priority(int priority) {
            if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
                throw new IllegalArgumentException("priority must be between " + MIN_PRIORITY + " and "
                        + MAX_PRIORITY + " (got " + priority + ")");
            }
            this.priority = priority;
            return this;
        }

        /**
         * Sets the affinity key, so the {@code affinity} balancer sends tasks of one key to one agent.
         *
         * @param key the key, not blank, or null for none
         * @return this builder
         */
        public Builder affinity(String key) {
            this.affinityKey = key == null ? null : requireName("affinity", key);
            return this;
        }

        /**
         * Sets the limit on each attempt; on expiry the attempt ends TIMED_OUT and its agent is asked to
         * cancel. Default none.
         *
         * @param timeout the limit, {@code > 0}, or null for none
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
                throw new IllegalArgumentException("timeout must be > 0 (got " + timeout + "); omit it for none");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the attempts this task gets before it is dead-lettered.
         *
         * @param maxAttempts 1 to {@link #MAX_ATTEMPTS_LIMIT}, or 0 for the pool default
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 0 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and " + MAX_ATTEMPTS_LIMIT
                        + ", or 0 for the pool default (got " + maxAttempts + ")");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Names the balancer that places this task instead of the pool's; {@code submit} refuses an unknown
         * name with {@link TaskRejectedException}.
         *
         * @param balancer a registered balancer's name, not blank, or null for the pool's
         * @return this builder
         */
        public Builder balancer(String balancer) {
            this.balancer = balancer == null ? null : requireName("balancer", balancer);
            return this;
        }

        /**
         * Sets the skill this task exercises, which skill-aware balancing learns per agent.
         *
         * @param skill the skill, not blank, or null for the type
         * @return this builder
         */
        public Builder skill(String skill) {
            this.skill = skill == null ? null : requireName("skill", skill);
            return this;
        }

        /**
         * Charges this task to a tenant, whose weight, limits and budget then apply.
         *
         * @param tenant the tenant's name, not blank, or null for {@value #DEFAULT_TENANT}
         * @return this builder
         */
        public Builder tenant(String tenant) {
            this.tenant = tenant == null ? null : requireName("tenant", tenant);
            return this;
        }

        /**
         * Declares a rate-limited resource the task uses, such as {@code openai:gpt-4o}, and the tokens it
         * expects to use there. The pool starts the task only when the resource has room (see {@code
         * ResourceLimit}); the agent's reported usage corrects the estimate.
         *
         * @param key the resource key, not blank
         * @param estimatedTokens the tokens expected, {@code >= 0}
         * @return this builder
         */
        public Builder resource(String key, long estimatedTokens) {
            requireName("resource", key);
            if (estimatedTokens < 0) {
                throw new IllegalArgumentException("estimated tokens of resource '" + key + "' must be >= 0 (got "
                        + estimatedTokens + ")");
            }
            resources.put(key, estimatedTokens);
            return this;
        }

        /**
         * Caps what this task may spend.
         *
         * @param budget the cap, or null (or {@link Budget#NONE}) for none beyond its tenant's budget
         * @return this builder
         */
        public Builder budget(Budget budget) {
            this.budget = budget == null || budget.isNone() ? null : budget;
            return this;
        }

        /** {@return the immutable task} */
        public Task build() {
            return new Task(this);
        }

        private static String requireName(String what, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must be a non-blank string (got "
                        + (value == null ? "null" : "'" + value + "'") + ")");
            }
            return value;
        }
    }
}
