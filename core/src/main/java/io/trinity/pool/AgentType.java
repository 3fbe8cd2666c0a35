package io.trinity.pool;

import io.trinity.pool.agent.AgentFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A registered agent type: its factory plus per-type settings. Build with {@link #of} and the
 * {@code with...} methods.
 *
 * @param name        the type name tasks use
 * @param factory     creates the agents
 * @param minAgents   agents of this type kept alive even when idle
 * @param maxAgents   cap for this type (the pool cap still applies)
 * @param stuckAfter  overrides the pool's stuck threshold for this type (what counts as
 *                    progress differs between a code agent and a voice agent)
 * @param preemptible whether high-priority tasks may preempt this type's running tasks
 * @param resources   rate-limited resources its tasks use by default, with the tokens a task
 *                    is expected to use (a task's own {@code Task.Builder.resource} overrides)
 */
public record AgentType(String name, AgentFactory factory, int minAgents, int maxAgents,
                        Optional<Duration> stuckAfter, boolean preemptible, Map<String, Long> resources) {

    /**
     * A type without declared resources.
     *
     * @param name the type name tasks use, not blank
     * @param factory creates the agents, not null
     * @param minAgents agents kept alive even when idle, {@code >= 0}
     * @param maxAgents cap for this type, at least {@code max(1, minAgents)}
     * @param stuckAfter overrides the pool's stuck threshold for this type; empty or null for the pool's
     * @param preemptible whether high-priority tasks may preempt this type's running tasks
     */
    public AgentType(String name, AgentFactory factory, int minAgents, int maxAgents,
                     Optional<Duration> stuckAfter, boolean preemptible) {
        this(name, factory, minAgents, maxAgents, stuckAfter, preemptible, Map.of());
    }

    /**
     * Checks every component; a null {@code stuckAfter} becomes empty and a null {@code resources} empty, and
     * {@code resources} is copied.
     *
     * @param name the type name tasks use, not blank
     * @param factory creates the agents, not null
     * @param minAgents agents kept alive even when idle, {@code >= 0}
     * @param maxAgents cap for this type, at least {@code max(1, minAgents)}
     * @param stuckAfter overrides the pool's stuck threshold for this type, {@code > 0} if present
     * @param preemptible whether high-priority tasks may preempt this type's running tasks
     * @param resources rate-limited resources its tasks use by default, each with tokens {@code >= 0}
     * @throws IllegalArgumentException naming the type, the component and the value, if one is out of range
     */
    public AgentType {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("agent type name must be non-blank (got "
                    + (name == null ? "null" : "'" + name + "'") + ")");
        }
        Objects.requireNonNull(factory, () -> "factory for agent type '" + name + "'");
        if (minAgents < 0) {
            throw new IllegalArgumentException("minAgents of type '" + name + "' must be >= 0 (got " + minAgents + ")");
        }
        if (maxAgents < 1 || maxAgents < minAgents) {
            throw new IllegalArgumentException("maxAgents of type '" + name + "' must be >= max(1, minAgents) (got maxAgents="
                    + maxAgents + ", minAgents=" + minAgents + ")");
        }
        stuckAfter = stuckAfter == null ? Optional.empty() : stuckAfter;
        stuckAfter.ifPresent(d -> {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("stuckAfter of type '" + name + "' must be > 0 (got " + d + ")");
            }
        });
        resources = resources == null ? Map.of() : Map.copyOf(resources);
        resources.forEach((k, v) -> {
            if (k.isBlank() || v < 0) {
                throw new IllegalArgumentException("resource of type '" + name + "' needs a non-blank key and tokens >= 0"
                        + " (got '" + k + "' with " + v + " tokens)");
            }
        });
    }

    /**
     * A type with default settings: no minimum, no cap of its own (the pool's applies), the pool's stuck
     * threshold, preemptible, no resources.
     *
     * @param name the type name tasks use, not blank
     * @param factory creates the agents, not null
     * @return the type
     */
    public static AgentType of(String name, AgentFactory factory) {
        return new AgentType(name, factory, 0, Integer.MAX_VALUE, Optional.empty(), true);
    }

    /**
     * A copy that keeps at least {@code n} agents alive, even when idle. The pool's {@code maxAgents} must hold
     * them: a pool whose types' minimums exceed it, one type's or all together, is refused when it is built.
     *
     * @param n the minimum, {@code >= 0} and at most {@code maxAgents}
     * @return the changed copy
     */
    public AgentType withMinAgents(int n) {
        return new AgentType(name, factory, n, maxAgents, stuckAfter, preemptible, resources);
    }

    /**
     * A copy with a cap of its own; the pool's {@code maxAgents} still applies.
     *
     * @param n the cap, at least {@code max(1, minAgents)}
     * @return the changed copy
     */
    public AgentType withMaxAgents(int n) {
        return new AgentType(name, factory, minAgents, n, stuckAfter, preemptible, resources);
    }

    /**
     * A copy with its own stuck threshold (what counts as progress differs between a code agent and a voice
     * agent).
     *
     * @param d how long a running task may go without progress, {@code > 0}
     * @return the changed copy
     */
    public AgentType withStuckAfter(Duration d) {
        return new AgentType(name, factory, minAgents, maxAgents, Optional.of(d), preemptible, resources);
    }

    /**
     * A copy whose running tasks high-priority tasks may (or may not) preempt.
     *
     * @param p true to allow preemption
     * @return the changed copy
     */
    public AgentType withPreemptible(boolean p) {
        return new AgentType(name, factory, minAgents, maxAgents, stuckAfter, p, resources);
    }

    /**
     * A copy whose tasks use {@code resource} (such as {@code openai:gpt-4o}), about {@code estimatedTokens}
     * each, unless a task declares its own resources.
     *
     * @param resource the resource key, not blank
     * @param estimatedTokens the tokens a task is expected to use, {@code >= 0}
     * @return the changed copy
     */
    public AgentType withResource(String resource, long estimatedTokens) {
        Map<String, Long> m = new LinkedHashMap<>(resources);
        m.put(resource, estimatedTokens);
        return new AgentType(name, factory, minAgents, maxAgents, stuckAfter, preemptible, m);
    }
}
