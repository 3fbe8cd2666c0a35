package io.trinity.pool.agent;

import io.trinity.pool.Payload;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An agent that does not hold a thread while it works (event-driven I/O, simulated agents on
 * a virtual clock). The pool calls the async methods instead of the blocking ones, directly
 * from its executor; they must return quickly.
 */
public interface AsyncAgent extends Agent {

    /**
     * Starts the work and returns at once; the stage completes with the result, or exceptionally with the
     * failures {@link Agent}'s contract lists. The pool takes the stage's first completion; a stage that
     * signals twice has the second logged and ignored.
     *
     * @param context the task and the channel back to the pool
     * @return the stage of the result
     */
    CompletionStage<Payload> executeAsync(TaskContext context);

    /**
     * {@return a stage that completes when the agent is ready (the cold start); exceptionally if it cannot
     * start; the default is already complete}
     */
    default CompletionStage<Void> initAsync() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Blocks on {@link #executeAsync}; the pool never calls it for an async agent.
     *
     * @param context the task and the channel back to the pool
     * @return the result
     * @throws Exception the stage's failure, wrapped in {@link java.util.concurrent.ExecutionException}
     */
    @Override
    default Payload execute(TaskContext context) throws Exception {
        return executeAsync(context).toCompletableFuture().get();
    }
}
