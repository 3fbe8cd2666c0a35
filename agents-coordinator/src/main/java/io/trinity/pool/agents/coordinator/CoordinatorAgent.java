package io.trinity.pool.agents.coordinator;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import java.time.Duration;

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
 * <p>While waiting it reports progress as subtasks finish and a heartbeat every few seconds,
 * so a long subtask does not make the coordinator look stuck. Cancelling the coordinator's task
 * cancels its running subtasks.
 */
public final class CoordinatorAgent implements Agent {

    /** Heartbeat while subtasks run; well under the pool's default 30 s stuck threshold. */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private final Duration heartbeat;

    public CoordinatorAgent(AgentInit init) {
        this(HEARTBEAT);
    }

    CoordinatorAgent(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    /** Registers the coordinator in a pool. */
    public static final class Factory implements AgentFactory {
        @Override
        public Agent create(AgentInit init) {
            return new CoordinatorAgent(init);
        }
    }

    @Override
    public Payload execute(TaskContext ctx) throws InterruptedException {
        TaskGraph graph = TaskGraph.parse(ctx.data().get("graph"), ctx.input().attachments().keySet());
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
