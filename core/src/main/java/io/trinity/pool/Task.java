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
    /** The longest origin node name a task may carry, {@value} characters. */
    public static final int MAX_ORIGIN_LENGTH = 128;

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
    private final String idempotencyKey;
    private final String origin;

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
        this.idempotencyKey = b.idempotencyKey;
        this.origin = b.origin;
    }

    /**
     * A task with default settings: priority 0, no timeout, the pool's attempts and balancer, the default
     * tenant. The input is copied as plain data ({@link PlainData}): whole numbers come back as
     * {@code Long}, fractions as {@code Double}.
     *
     * @param type the agent type that runs it, not blank
     * @param input the input as plain data (maps, lists, strings, numbers, booleans, null), copied
     * @return the task
     * @throws IllegalArgumentException if the type is blank or the input holds something other than plain
     *     data (the message names its path)
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
        b.idempotencyKey = idempotencyKey;
        b.origin = origin;
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

    /**
     * {@return the submitter's idempotency key, if any} Submitting a task with the same tenant
     * and key again returns the task already accepted (while it lives, and with a journal for
     * its retention after it ended) instead of accepting a second one.
     */
    public Optional<String> idempotencyKey() {
        return Optional.ofNullable(idempotencyKey);
    }

    /**
     * {@return the node (machine) where this task was submitted, if known} A clustered pool prefers an agent
     * on that node and falls back to the least-loaded agent on another one; a pool that is not clustered
     * ignores it.
     */
    public Optional<String> origin() {
        return Optional.ofNullable(origin);
    }

    /**
     * This task as plain data (maps, lists, strings, numbers, booleans), the form a journal or
     * the HTTP API stores and ships; {@link #fromPlainData} rebuilds an equal task. Attachments
     * travel as {@code {"mediaType": ..., "base64": ...}}.
     *
     * @return a new mutable map in a stable key order; optional fields that are unset (affinity,
     *     timeout, budget, ...) are left out
     */
    public Map<String, Object> toPlainData() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("input", input.data());
        if (!input.attachments().isEmpty()) {
            m.put("attachments", Attachment.toPlainData(input.attachments()));
        }
        m.put("priority", priority);
        putIf(m, "affinity", affinityKey);
        putIf(m, "timeout", timeout == null ? null : timeout.toString());
        if (maxAttempts > 0) {
            m.put("maxAttempts", maxAttempts);
        }
        putIf(m, "balancer", balancer);
        putIf(m, "skill", skill);
        putIf(m, "tenant", tenant);
        if (!resources.isEmpty()) {
            m.put("resources", new LinkedHashMap<>(resources));
        }
        if (budget != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            if (budget.maxTokens() != Long.MAX_VALUE) {
                b.put("maxTokens", budget.maxTokens());
            }
            if (!Double.isInfinite(budget.maxCost())) {
                b.put("maxCost", budget.maxCost());
            }
            m.put("budget", b);
        }
        putIf(m, "idempotencyKey", idempotencyKey);
        putIf(m, "origin", origin);
        return m;
    }

    private static void putIf(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /**
     * Rebuilds a task from {@link #toPlainData()}, applying each field through its {@link Builder}
     * setter so the same rules hold. Absent fields keep the builder's defaults.
     *
     * @param m the task's plain data, such as a journal or the HTTP API stored it; not null
     * @return a new task with the settings the data holds
     * @throws IllegalArgumentException if {@code type} is missing or blank, or a field breaks its
     *     setter's rule (the message names the setting and the value)
     * @throws ClassCastException if a field holds the wrong kind of value, such as a number where
     *     a string belongs
     * @throws java.time.format.DateTimeParseException if {@code timeout} is not an ISO-8601
     *     duration
     */
    @SuppressWarnings("unchecked")
    public static Task fromPlainData(Map<String, ?> m) {
        Builder b = builder((String) m.get("type"));
        Object input = m.get("input");
        b.input(input == null ? Map.of() : (Map<String, ?>) input);
        Object att = m.get("attachments");
        if (att instanceof Map<?, ?> atts) {
            Attachment.fromPlainData((Map<String, ?>) atts).forEach((k, a) -> b.attach(k, a.mediaType(), a.bytes()));
        }
        if (m.get("priority") instanceof Number p) {
            b.priority(p.intValue());
        }
        b.affinity((String) m.get("affinity"));
        if (m.get("timeout") instanceof String t) {
            b.timeout(Duration.parse(t));
        }
        if (m.get("maxAttempts") instanceof Number n) {
            b.maxAttempts(n.intValue());
        }
        b.balancer((String) m.get("balancer"));
        b.skill((String) m.get("skill"));
        b.tenant((String) m.get("tenant"));
        if (m.get("resources") instanceof Map<?, ?> res) {
            res.forEach((k, v) -> b.resource((String) k, ((Number) v).longValue()));
        }
        if (m.get("budget") instanceof Map<?, ?> bud) {
            long tokens = bud.get("maxTokens") instanceof Number n ? n.longValue() : Long.MAX_VALUE;
            double cost = bud.get("maxCost") instanceof Number n ? n.doubleValue() : Double.POSITIVE_INFINITY;
            b.budget(new Budget(tokens, cost));
        }
        b.idempotencyKey((String) m.get("idempotencyKey"));
        b.origin((String) m.get("origin"));
        return b.build();
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
        private String idempotencyKey;
        private String origin;

        private Builder(String type) {
            this.type = requireName("type", type);
        }

        /**
         * Sets the input, copied now as plain data by {@link PlainData}: maps with string
         * keys, lists (or arrays), strings, numbers, booleans and null, at most
         * {@link PlainData#MAX_DEPTH} levels deep and without cycles. Numbers follow JSON:
         * an {@code Integer} reads back as a {@code Long}, a {@code Float} as a {@code Double}.
         * Replaces any earlier input and its attachments.
         *
         * @param data the input
         * @return this builder
         * @throws IllegalArgumentException naming the path of the first value that breaks a rule
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
         * cancel. Default none. A limit of about 292 years or more (such as
         * {@code ChronoUnit.FOREVER.getDuration()}) cannot be timed in nanoseconds and counts as none.
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

        /**
         * Sets the idempotency key (see {@link Task#idempotencyKey()}).
         *
         * @param key 1 to 200 characters, not blank; null for none
         * @return this builder
         */
        public Builder idempotencyKey(String key) {
            if (key != null && (key.isBlank() || key.length() > 200)) {
                throw new IllegalArgumentException("idempotencyKey must be 1..200 characters and not blank (got "
                        + (key.length() > 40 ? key.length() + " characters" : "'" + key + "'") + ")");
            }
            this.idempotencyKey = key;
            return this;
        }

        /**
         * Sets the node where the task was submitted (see {@link Task#origin()}); a cluster's front end sets
         * it, a library user rarely needs to.
         *
         * @param node the node's name: 1 to {@link #MAX_ORIGIN_LENGTH} characters, not blank, without control
         *     characters; null for unknown
         * @return this builder
         * @throws IllegalArgumentException if the name breaks one of those rules
         */
        public Builder origin(String node) {
            if (node != null) {
                String problem = node.isBlank() ? "must not be blank"
                        : node.length() > MAX_ORIGIN_LENGTH ? "must be at most " + MAX_ORIGIN_LENGTH + " characters"
                        : node.chars().anyMatch(Character::isISOControl) ? "must not contain control characters"
                        : null;
                if (problem != null) {
                    String shown = node.length() > 40 ? node.length() + " characters" : "'" + node.chars()
                            .mapToObj(c -> Character.isISOControl(c) ? String.format("\\u%04x", c)
                                    : String.valueOf((char) c))
                            .collect(java.util.stream.Collectors.joining()) + "'";
                    throw new IllegalArgumentException("origin " + problem + " (got " + shown
                            + "); give the submitting node's name, or null when unknown");
                }
            }
            this.origin = node;
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
