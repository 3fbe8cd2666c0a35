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

    /** {@return a new builder: register agent types, then {@link PoolBuilder#build()}} */
    static PoolBuilder builder() {
        return new PoolBuilder();
    }

    /**
     * Accepts a task, or refuses it at once; never blocks. An accepted task ends in exactly one final state,
     * reported by its handle's future.
     *
     * @param task the task, not null
     * @return the handle of the accepted task
     * @throws QueueFullException the queue is at capacity (the task was not accepted)
     * @throws TenantLimitException the task's tenant has its maxQueued tasks queued
     * @throws PoolShutdownException shutdown has begun
     * @throws TaskRejectedException no agent type can run it, or it names an unknown balancer
     */
    TaskHandle submit(Task task);

    /**
     * Submits several tasks at once. Each is accepted or refused on its own, exactly as {@link #submit} would
     * (one refused task does not refuse the others), and the accepted ones join the queue in list order. With
     * a journal the pool stores all accepted tasks of the call in one write, so a batch waits for durability
     * once instead of once per task. Never blocks on a full queue.
     *
     * @param tasks the tasks, none null; may be empty
     * @return one outcome per task, in the order of {@code tasks}
     * @throws NullPointerException if {@code tasks} or one of its elements is null (nothing is submitted)
     */
    default List<Submission> submitAll(List<Task> tasks) {
        java.util.Objects.requireNonNull(tasks, "tasks");
        tasks.forEach(t -> java.util.Objects.requireNonNull(t, "tasks holds a null task"));
        List<Submission> out = new java.util.ArrayList<>(tasks.size());
        for (Task t : tasks) {
            try {
                out.add(Submission.accepted(submit(t)));
            } catch (PoolException e) {
                out.add(Submission.refused(e));
            }
        }
        return out;
    }

    /** {@return agents by state and type, queue depth and task counters, read consistently at one moment} */
    PoolSnapshot snapshot();

    /**
     * What a tenant has spent so far: tokens by resource as agents reported them (a declared resource without
     * a report counts its estimate), and their cost at the pool's prices.
     *
     * @param tenant the tenant's name
     * @return the spend, {@link Spend#ZERO} for a tenant that spent nothing
     */
    Spend tenantSpend(String tenant);

    /** {@return {@link #tenantSpend} of every tenant that spent anything, by name} */
    Map<String, Spend> spend();

    /**
     * The task with this id while it lives; with a journal, also a task that ended within the
     * journal's retention (as a handle whose future is already complete).
     *
     * @param id the task's id
     * @return its handle, or empty when this pool neither holds nor remembers it
     */
    java.util.Optional<TaskHandle> task(long id);

    /** {@return the tasks that used up their attempts, oldest first, as an immutable copy} */
    List<DeadLetter> deadLetters();

    /**
     * Submits a dead-lettered task again as a new task with fresh attempts, and removes it from the dead
     * letters.
     *
     * @param deadLetteredTaskId the {@link TaskHandle#id()} of the dead-lettered task
     * @return the handle of the new task
     * @throws IllegalArgumentException if no dead letter has this id
     * @throws PoolException any refusal of {@link #submit}; the dead letter then stays
     */
    TaskHandle resubmit(long deadLetteredTaskId);

    /**
     * Stops accepting tasks, lets queued and running tasks finish for up to {@code drain}, then cancels what
     * is left and destroys every agent. Every accepted task ends in exactly one final state before the
     * returned future completes. Then the journal, if any, is closed, and every listener is given 5 seconds to
     * receive the events still queued for it; one still behind after that (stuck inside {@code onEvent}) is
     * logged with what it has not received and is not waited for (see {@link
     * io.trinity.pool.event.PoolListener}). A second call's future completes with the first shutdown's report;
     * its drain is ignored.
     *
     * @param drain how long queued and running tasks may still finish, {@code >= 0}
     * @return completes with what happened to the tasks once every agent is gone
     * @throws IllegalArgumentException if {@code drain} is null or negative
     */
    CompletableFuture<ShutdownReport> shutdown(Duration drain);

    /** {@return whether shutdown has begun; the pool then refuses new tasks} */
    boolean isShutdown();

    /** {@return the settings the pool was built with} */
    PoolConfig config();

    /**
     * Journal records this pool made that are not stored yet: those of the write its journal has
     * now, and those waiting for it (or for a failed write's retry). 0 once everything recorded is
     * durable, and always 0 without a journal. It grows while the journal cannot store, and the
     * results of tasks that ended meanwhile wait for it (docs/durability.md).
     *
     * @return the records not yet stored, {@code >= 0}
     */
    default int journalBacklog() {
        return 0;
    }

    /**
     * Shuts down with a 30 s drain and waits for it to complete. Called from inside one of the pool's
     * {@link io.trinity.pool.event.PoolListener}s, where waiting would wait for that listener itself, the
     * pool's own implementation begins the shutdown and throws {@link IllegalStateException} instead.
     */
    @Override
    default void close() {
        shutdown(Duration.ofSeconds(30)).join();
    }
}
