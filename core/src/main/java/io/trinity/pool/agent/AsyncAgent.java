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

    CompletionStage<Payload> executeAsync(TaskContext context);

    default CompletionStage<Void> initAsync() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    default Payload execute(TaskContext context) throws Exception {
        return executeAsync(context).toCompletableFuture().get();
    }
}
