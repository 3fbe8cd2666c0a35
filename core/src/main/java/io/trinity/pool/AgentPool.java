package io.trinity.pool;

import io.trinity.pool.budget.Spend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An elastic pool of typed agents. Build one with {@link #builder()}.
 *
 * <pre>{@code
 * try (AgentPool pool = AgentPool.builder()
 *         .register("summarize", init -> new SummarizeAgent())
 *         .build()) {
 *     Payload out = pool.submit(Task.of("summarize", Map.of("text", text))).result().join();
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe. {@code submit} accepts the task or throws; it never waits for
 * room in the queue. With a journal it returns once the task is durable (one group commit).
 * Futures complete on the pool's callback executor (virtual threads by default), never on the
 * control loop, so a slow or blocking callback delays no other task.
 */
public interface AgentPool extends AutoCloseable {

    static PoolBuilder builder() {
        return new PoolBuilder();
    }

    /**
     * Accepts a task.
     *
     * @throws QueueFullException     the queue is at capacity (the task was not accepted)
     * @throws TenantLimitException   the task's tenant has its maxQueued tasks queued
     * @throws PoolShutdownException  shutdown has begun
     * @throws TaskRejectedException  no agent type can run it
     */
    TaskHandle submit(Task task);

    /** Agents by state and type, queue depth and task counters, read consistently. */
    PoolSnapshot snapshot();

    /**
     * What {@code tenant} has spent so far: tokens by resource as agents reported them (a
     * declared resource without a report counts its estimate), and their cost at the pool's
     * prices. {@link Spend#ZERO} for a tenant that spent nothing.
     */
    Spend tenantSpend(String tenant);

    /** {@link #tenantSpend} of every tenant that spent anything, by name. */
    Map<String, Spend> spend();

    /**
     * The task with this id while it lives; with a journal, also a task that ended within the
     * journal's retention (as a handle whose future is already complete). Empty otherwise.
     */
    java.util.Optional<TaskHandle> task(long id);

    /** Tasks that used up their attempts, oldest first. */
    List<DeadLetter> deadLetters();

    /** Submits a dead-lettered task again as a new task with fresh attempts, and removes it from the dead letters. */
    TaskHandle resubmit(long deadLetteredTaskId);

    /**
     * Stops accepting tasks, lets queued and running tasks finish for up to {@code drain},
     * then cancels what is left and destroys every agent. Every accepted task ends in exactly
     * one final state before the returned future completes.
     */
    CompletableFuture<ShutdownReport> shutdown(Duration drain);

    boolean isShutdown();

    PoolConfig config();

    /** Shuts down with a 30 s drain and waits for it. */
    @Override
    default void close() {
        shutdown(Duration.ofSeconds(30)).join();
    }
}
