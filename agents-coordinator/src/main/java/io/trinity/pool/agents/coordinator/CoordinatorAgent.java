package io.trinity.pool.agents.coordinator;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code coordinator} agent: runs a small DAG of subtasks on the same pool (fan-out through
 * {@link TaskContext#submit}), waits for them (fan-in) and returns one combined result. Input
 * and output are described in {@code docs/agents/coordinator.md}.
 *
 * <p>Input: {@code graph}, a list of {@code {id, type, input, after, inputFrom, attach}}, and
 * {@code failFast} (default false). The graph is validated whole before anything is submitted.
 * A subtask starts once every subtask in its {@code after} list (and every subtask it takes
 * input from) has succeeded.
 *
 * <p>Result: per subtask its final state and output, or its failure reason; the subtasks that
 * waited on a failed one are reported {@code skipped}. Failures do not fail the coordinator's
 * task (the counts say how many failed) unless {@code failFast} is set: then the first failure
 * cancels the running subtasks and fails the task, non-retryably, since the pool already retried
 * the subtask.
 *
 * <p>A subtask's type must be one the pool runs as itself: never {@code coordinator} (nor the
 * type this coordinator runs as), compared exactly as the pool compares type names. Built with
 * the pool's registered types ({@link Factory#Factory(Collection)}), it refuses, before anything
 * runs, a graph naming a type the pool has not registered (the pool would run it on its
 * {@code generic} fallback). Without them it cannot know the registered types (no agent API
 * gives them) and refuses only a built-in type's name written in another case.
 *
 * <p>While waiting it reports progress as subtasks finish and a heartbeat every few seconds,
 * so a long subtask does not make the coordinator look stuck. Cancelling the coordinator's task
 * cancels its running subtasks.
 */
public final class CoordinatorAgent implements Agent {

    /** Heartbeat while subtasks run; well under the pool's default 30 s stuck threshold. */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private final Duration heartbeat;
    /** The pool's registered type names, read at each task; null when not known. */
    private final Supplier<? extends Collection<String>> registeredTypes;

    /** A coordinator that does not know the pool's registered types; see the class comment. */
    public CoordinatorAgent(AgentInit init) {
        this(HEARTBEAT, null);
    }

    CoordinatorAgent(Duration heartbeat) {
        this(heartbeat, null);
    }

    CoordinatorAgent(Duration heartbeat, Supplier<? extends Collection<String>> registeredTypes) {
        this.heartbeat = heartbeat;
        this.registeredTypes = registeredTypes;
    }

    /** Registers the coordinator in a pool. */
    public static final class Factory implements AgentFactory {
        private final Supplier<? extends Collection<String>> registeredTypes;

        /**
         * Coordinators that do not know the pool's registered types: a subtask of a type the pool
         * has not registered runs on its {@code generic} fallback (or is refused, without one).
         */
        public Factory() {
            this.registeredTypes = null;
        }

        /**
         * Coordinators that refuse, before running anything, a graph naming a type outside
         * {@code registeredTypes}: give the names the pool is built with, this one included.
         *
         * @param registeredTypes the pool's registered type names, copied
         */
        public Factory(Collection<String> registeredTypes) {
            Set<String> types = Set.copyOf(registeredTypes);
            this.registeredTypes = () -> types;
        }

        /**
         * As {@link #Factory(Collection)}, with the names read at each coordinator task, for a
         * list that is filled in as types are registered.
         *
         * @param registeredTypes gives the pool's registered type names
         */
        public Factory(Supplier<? extends Collection<String>> registeredTypes) {
            this.registeredTypes = Objects.requireNonNull(registeredTypes, "registeredTypes");
        }

        @Override
        public Agent create(AgentInit init) {
            return new CoordinatorAgent(HEARTBEAT, registeredTypes);
        }
    }

    @Override
    public Payload execute(TaskContext ctx) throws InterruptedException {
        Set<String> known = registeredTypes == null ? null : Set.copyOf(registeredTypes.get());
        TaskGraph graph = TaskGraph.parse(ctx.data().get("graph"), ctx.input().attachments().keySet(),
                new TaskGraph.Types(known, ctx.type()));
        boolean failFast = failFast(ctx);
        ctx.progress(0, "graph of " + graph.nodes().size() + " subtask(s) is valid");
        return new GraphRun(graph, ctx, failFast, heartbeat).run();
    }

    private static boolean failFast(TaskContext ctx) {
        Object v = ctx.data().get("failFast");
        if (v == null || v instanceof Boolean) {
            return Boolean.TRUE.equals(v);
        }
        throw Inputs.bad("failFast", "must be true or false", v);
    }
}
