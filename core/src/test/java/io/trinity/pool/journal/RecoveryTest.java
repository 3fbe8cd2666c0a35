package io.trinity.pool.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolException;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.internal.Engine;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A pool on a journal, "crashed" (abandoned without shutdown: nothing more reaches the journal)
 * and started again on the same journal, on virtual time.
 */
class RecoveryTest {

    final MemoryJournal journal = new MemoryJournal();
    final List<PoolEvent> events = new ArrayList<>();
    final List<Map<String, Object>> snapshotsSeen = new ArrayList<>();
    VirtualClock clock = new VirtualClock();

    /** Each run takes 10 s of virtual time and counts its runs in its snapshot. */
    private AgentType slow() {
        return AgentType.of("code", init -> {
            init.snapshot().ifPresent(s -> snapshotsSeen.add(s.state()));
            long[] runs = {init.snapshot().map(s -> ((Number) s.state().get("runs")).longValue()).orElse(0L)};
            return new AsyncAgent() {
                @Override
                public CompletableFuture<Payload> executeAsync(io.trinity.pool.agent.TaskContext ctx) {
                    CompletableFuture<Payload> f = new CompletableFuture<>();
                    VirtualClock c = clock;
                    c.schedule(Duration.ofSeconds(10), () -> {
                        runs[0]++;
                        f.complete(Payload.of(Map.of("n", ctx.data().get("n"))).withAttachment("echo",
                                io.trinity.pool.Attachment.of("text/plain", ("n=" + ctx.data().get("n")).getBytes())));
                    });
                    return f;
                }

                @Override
                public Optional<AgentSnapshot> snapshot() {
                    return Optional.of(new AgentSnapshot(init.agentId(), "code", Map.of("runs", runs[0])));
                }
            };
        });
    }

    private AgentPool start() {
        clock = new VirtualClock();
        return AgentPool.builder().deterministic(clock).journal(journal).listener(events::add)
                .config(PoolConfig.custom().maxAgents(1).warmPool(0).warmPoolMin(0).warmPoolMax(1).build())
                .register(slow()).build();
    }

    @Test
    void queuedAndInterruptedTasksComeBackAndFinalResultsStayReadable() {
        AgentPool first = start();
        TaskHandle done = first.submit(Task.of("code", Map.of("n", 1)));
        TaskHandle once = first.submit(Task.builder("code").input(Map.of("n", 2)).maxAttempts(1).build());
        TaskHandle retried = first.submit(Task.of("code", Map.of("n", 3)));
        TaskHandle queued = first.submit(Task.builder("code").input(Map.of("n", 4)).idempotencyKey("k-4").build());
        clock.advance(Duration.ofSeconds(15)); // 1 done, 2 (maxAttempts 1) running
        assertThat(done.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(once.state()).isEqualTo(TaskState.RUNNING);
        // crash: the first pool is simply abandoned

        events.clear();
        AgentPool second = start();
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.PoolRecovered).singleElement()
                .isInstanceOfSatisfying(PoolEvent.PoolRecovered.class, r -> {
                    assertThat(r.queued()).isEqualTo(2);
                    assertThat(r.interrupted()).isEqualTo(1);
                    assertThat(r.failed()).isEqualTo(1);
                    assertThat(r.finals()).isEqualTo(1);
                });
        // the interrupted task with one attempt ends FAILED, never runs twice
        TaskHandle onceAfter = second.task(once.id()).orElseThrow();
        assertThat(onceAfter.state()).isEqualTo(TaskState.FAILED);
        // one attempt, one reason: the interruption that ended it
        assertThat(onceAfter.failureReasons()).containsExactly("pool restarted during the attempt, and it was attempt 1 of 1");
        // the ended task is readable with its result, attachments included
        io.trinity.pool.Payload stored = second.task(done.id()).orElseThrow().result().join();
        assertThat(stored.data()).containsEntry("n", 1L);
        assertThat(stored.attachments()).containsOnlyKeys("echo");
        assertThat(stored.attachments().get("echo").bytes()).asString().isEqualTo("n=1");
        assertThat(stored.attachments().get("echo").mediaType()).isEqualTo("text/plain");
        // idempotency survives: the same key gives the same task, not a second one
        TaskHandle again = second.submit(Task.builder("code").input(Map.of("n", 4)).idempotencyKey("k-4").build());
        assertThat(again.id()).isEqualTo(queued.id());

        clock.advance(Duration.ofSeconds(60));
        assertThat(second.task(retried.id()).orElseThrow().state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(second.task(queued.id()).orElseThrow().result().join().data()).containsEntry("n", 4L);
        // in their order: 3 before 4
        List<Long> dispatched = events.stream().filter(e -> e instanceof PoolEvent.TaskDispatched)
                .map(e -> ((PoolEvent.TaskDispatched) e).task()).toList();
        assertThat(dispatched).containsExactly(retried.id(), queued.id());
        // new ids continue after the journal's
        assertThat(second.submit(Task.of("code", Map.of("n", 5))).id()).isGreaterThan(queued.id());
        assertThat(((Engine) second).loopFailures()).isZero();
    }

    @Test
    void aTaskIsStoredBeforeSubmitReturnsAndNotAcceptedWhenTheJournalCannotStoreIt() {
        AgentPool pool = start();
        TaskHandle h = pool.submit(Task.of("code", Map.of("n", 1)));
        assertThat(journal.stored(h.id())).isNotNull();
        assertThat(journal.stored(h.id()).state()).isIn("QUEUED", "RUNNING");

        journal.full(true);
        assertThatThrownBy(() -> pool.submit(Task.of("code", Map.of("n", 2))))
                .isInstanceOf(PoolException.class).hasMessageContaining("journal could not store it")
                .hasMessageContaining("memory journal is full");
        journal.full(false);
        clock.advance(Duration.ofSeconds(30));
        assertThat(pool.snapshot().tasksByState().get(TaskState.SUCCEEDED)).isEqualTo(1L);
    }

    /** A journal whose write throws (rather than failing its future) must not keep the queue's permits. */
    @Test
    void aJournalWriteThatThrowsRefusesTheTaskAndGivesItsQueueSlotBack() {
        AgentPool pool = start();
        journal.throwing(true);
        for (int i = 0; i < PoolConfig.DEFAULT_QUEUE_CAPACITY + 5; i++) {
            assertThatThrownBy(() -> pool.submit(Task.of("code", Map.of("n", 2))))
                    .isInstanceOf(PoolException.class).hasMessageContaining("journal could not store it")
                    .hasMessageContaining("memory journal threw");
        }
        journal.throwing(false);
        TaskHandle h = pool.submit(Task.of("code", Map.of("n", 3)));
        clock.advance(Duration.ofSeconds(30));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(pool.snapshot().tasksByState().get(TaskState.SUCCEEDED)).isEqualTo(1L);
    }

    /**
     * A submit that comes, with the same idempotency key, while the first one's journal write is
     * still pending gets the first one's handle. When that write fails, the handle ends REJECTED
     * too: it was never queued, and without an end its caller would wait forever.
     */
    @Test
    void aHandleSharedByIdempotencyKeyEndsWhenTheJournalRefusesTheTask() throws Exception {
        AgentPool pool = start();
        journal.hold(true);
        Task keyed = Task.builder("code").input(Map.of("n", 1)).idempotencyKey("k-1").build();
        java.util.concurrent.CompletableFuture<Throwable> first = new java.util.concurrent.CompletableFuture<>();
        Thread submitter = Thread.ofPlatform().start(() -> {
            try {
                pool.submit(keyed);
                first.complete(null);
            } catch (Throwable e) {
                first.complete(e);
            }
        });
        assertThat(journal.awaitHeld(10)).as("the first submit reached its journal write").isTrue();
        TaskHandle second = pool.submit(keyed);
        journal.failHeld("disk gone");
        submitter.join(10_000);
        assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(PoolException.class)
                .hasMessageContaining("disk gone");
        TaskHandle shared = second;
        assertThatThrownBy(() -> shared.result().get(10, java.util.concurrent.TimeUnit.SECONDS))
                .hasCauseInstanceOf(io.trinity.pool.TaskFailedException.class);
        assertThat(shared.state()).isEqualTo(TaskState.REJECTED);
        assertThat(shared.failureReasons()).anyMatch(r -> r.contains("journal could not store"));
    }

    /** Submits one task and lets it run to its end after {@code fault} broke the journal: its end is not stored. */
    private TaskHandle endedWhileTheJournalFails(AgentPool pool, Runnable fault) {
        TaskHandle h = pool.submit(Task.of("code", Map.of("n", 1)));
        fault.run();
        clock.advance(Duration.ofSeconds(15));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.result()).as("its end is not stored").isNotDone();
        return h;
    }

    /**
     * An end the journal throws on (rather than failing its future) is held like a failed write's:
     * delivered once a later try stores it, never before.
     */
    @Test
    void aResultTheJournalThrowsOnIsDeliveredOnceARetryStoresIt() {
        AgentPool pool = start();
        TaskHandle h = endedWhileTheJournalFails(pool, () -> journal.throwing(true));
        journal.throwing(false);
        clock.advance(Duration.ofSeconds(6)); // the longest wait between two tries is 5 s
        assertThat(h.result()).isCompleted();
        assertThat(journal.stored(h.id()).state()).isEqualTo("SUCCEEDED");
        assertThat(((Engine) pool).loopFailures()).isZero();
    }

    /**
     * While the journal cannot store anything, ended tasks' results wait, however long; once it
     * can again, the failed records are stored first and in their order (the task's Started
     * before its Finished, so it is not left RUNNING), then the results are delivered.
     */
    @Test
    void resultsWaitOutAJournalOutageAndItsRecordsAreStoredInOrderAfterIt() {
        AgentPool pool = start();
        TaskHandle first = pool.submit(Task.of("code", Map.of("n", 1)));
        TaskHandle second = pool.submit(Task.of("code", Map.of("n", 2)));
        assertThat(journal.stored(first.id()).state()).isEqualTo("RUNNING"); // one agent: the second waits
        assertThat(journal.stored(second.id()).state()).isEqualTo("QUEUED");
        journal.full(true);
        clock.advance(Duration.ofMinutes(5)); // both ran (one agent, 10 s each)
        assertThat(first.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(second.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(first.result()).isNotDone();
        assertThat(second.result()).isNotDone();
        assertThat(journal.stored(first.id()).state()).as("nothing since the outage began is stored").isEqualTo("RUNNING");
        assertThat(journal.stored(second.id()).state()).isEqualTo("QUEUED");
        assertThat(pool.journalBacklog()).as("both tasks' Started and Finished, at least").isGreaterThanOrEqualTo(4);
        int writesDuringOutage = journal.writes;
        clock.advance(Duration.ofMinutes(1));
        assertThat(journal.writes - writesDuringOutage).as("retries back off to one per 5 s").isBetween(1, 13);

        journal.full(false);
        clock.advance(Duration.ofSeconds(6));
        assertThat(first.result()).isCompleted();
        assertThat(second.result().join().data()).containsEntry("n", 2L);
        for (TaskHandle h : List.of(first, second)) {
            StoredTask stored = journal.stored(h.id());
            assertThat(stored.state()).isEqualTo("SUCCEEDED");
            assertThat(stored.attempts()).isEqualTo(1);
            assertThat(stored.startedAt()).as("its Started was stored too").isPositive();
        }
        assertThat(pool.journalBacklog()).isZero();
        assertThat(((Engine) pool).loopFailures()).isZero();
    }

    /**
     * Shutdown with a journal that stays down does not wait forever: after its patience the held
     * ends fail with a reason that says a restart runs the task again, and the journal is closed.
     */
    @Test
    void shutdownGivesUpOnAJournalThatStaysDownAndSaysSo() {
        AgentPool pool = start();
        TaskHandle h = endedWhileTheJournalFails(pool, () -> journal.full(true));
        CompletableFuture<?> stopped = pool.shutdown(Duration.ZERO);
        clock.advance(Duration.ofSeconds(5));
        assertThat(stopped).as("still trying to store the end").isNotDone();
        assertThat(h.result()).isNotDone();
        clock.advance(Duration.ofSeconds(10));
        assertThat(stopped).isCompleted();
        assertThatThrownBy(() -> h.result().join()).hasCauseInstanceOf(PoolException.class)
                .hasMessageContaining("task " + h.id() + " ended, but the journal could not store its end")
                .hasMessageContaining("memory journal is full")
                .hasMessageContaining("a restart on this journal runs it again");
        assertThat(journal.closed).isTrue();
    }

    /**
     * A write the journal never answers (a database connection that hangs) holds shutdown only
     * for its patience: the end it carries then fails, saying the journal may yet store it, and
     * the journal's late answer changes nothing.
     */
    @Test
    void shutdownGivesUpOnAWriteThatNeverAnswers() {
        AgentPool pool = start();
        TaskHandle h = pool.submit(Task.of("code", Map.of("n", 1)));
        journal.hold(true);
        clock.advance(Duration.ofSeconds(15));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        CompletableFuture<?> stopped = pool.shutdown(Duration.ZERO);
        clock.advance(Duration.ofSeconds(9));
        assertThat(stopped).as("still waiting for the write").isNotDone();
        assertThat(h.result()).isNotDone();
        clock.advance(Duration.ofSeconds(2));
        assertThat(stopped).isCompleted();
        assertThatThrownBy(() -> h.result().join()).hasCauseInstanceOf(PoolException.class)
                .hasMessageContaining("task " + h.id() + " ended, but the journal could not store its end")
                .hasMessageContaining("has not answered a write within 10 s of shutdown, and may yet store it");
        assertThat(journal.closed).isTrue();
        journal.release(); // the late answer: nothing more happens to the task
        clock.advance(Duration.ofSeconds(1));
        assertThat(h.result()).isCompletedExceptionally();
        assertThat(((Engine) pool).loopFailures()).isZero();
    }

    /** A journal closed under a running pool cannot come back: its held ends fail at once, not at shutdown. */
    @Test
    void heldEndsFailAtOnceWhenTheJournalCanNoLongerStore() {
        AgentPool pool = start();
        TaskHandle h = endedWhileTheJournalFails(pool, () -> journal.full(true));
        journal.close();
        clock.advance(Duration.ofSeconds(6)); // the next try (at most 5 s on) meets a closed journal
        assertThat(h.result()).isCompletedExceptionally();
        assertThatThrownBy(() -> h.result().join()).hasCauseInstanceOf(PoolException.class)
                .hasMessageContaining("could not store its end (memory journal is closed)")
                .hasMessageContaining("or fails it if that was its last attempt");
        assertThat(pool.journalBacklog()).isZero();
    }

    /**
     * A backlog larger than one write may carry goes in chunks, in order, once the journal is back:
     * no write grows past the bound however long the outage, and every result is delivered.
     */
    @Test
    void aLargeBacklogIsStoredInChunksInOrder() {
        clock = new VirtualClock();
        AgentPool pool = AgentPool.builder().deterministic(clock).journal(journal)
                .config(PoolConfig.custom().maxAgents(16).warmPool(0).warmPoolMin(0).warmPoolMax(16)
                        .queueCapacity(3_000).build())
                .register(slow()).build();
        journal.full(true);
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 2_200; i++) { // a Started and a Finished each: more than 4,096 records
            try {
                handles.add(pool.submit(Task.of("code", Map.of("n", i))));
            } catch (PoolException refused) {
                break; // the journal is down: nothing is accepted
            }
        }
        assertThat(handles).as("nothing is accepted while the journal is down").isEmpty();
        journal.full(false);
        for (int i = 0; i < 2_200; i++) {
            handles.add(pool.submit(Task.of("code", Map.of("n", i))));
        }
        clock.advance(Duration.ofSeconds(1)); // 16 started, their Started stored
        journal.full(true);
        clock.advance(Duration.ofMinutes(30));
        assertThat(handles).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        assertThat(pool.journalBacklog()).isGreaterThan(4_096);
        journal.full(false);
        clock.advance(Duration.ofSeconds(6));
        assertThat(handles).allMatch(h -> h.result().isDone() && !h.result().isCompletedExceptionally());
        assertThat(journal.largestWrite).isLessThanOrEqualTo(4_096);
        assertThat(journal.stored(handles.get(2_199).id()).state()).isEqualTo("SUCCEEDED");
        assertThat(pool.journalBacklog()).isZero();
    }

    /** A journal that comes back during shutdown's patience gets the held ends stored and delivered. */
    @Test
    void shutdownStoresHeldEndsWhenTheJournalComesBackInTime() {
        AgentPool pool = start();
        TaskHandle h = endedWhileTheJournalFails(pool, () -> journal.full(true));
        CompletableFuture<?> stopped = pool.shutdown(Duration.ZERO);
        clock.advance(Duration.ofSeconds(3));
        journal.full(false);
        clock.advance(Duration.ofSeconds(6));
        assertThat(stopped).isCompleted();
        assertThat(h.result().join().data()).containsEntry("n", 1L);
        assertThat(journal.stored(h.id()).state()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aResultIsDeliveredOnlyOnceItsFinalStateIsDurable() {
        AgentPool pool = start();
        TaskHandle h = pool.submit(Task.of("code", Map.of("n", 1)));
        journal.hold(true);
        clock.advance(Duration.ofSeconds(15));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.result()).as("not durable yet").isNotDone();
        journal.release();
        clock.advance(Duration.ofMillis(1));
        assertThat(h.result()).isCompleted();
        assertThat(journal.stored(h.id()).state()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aResultWaitsForItsOwnWriteNotAnEarlierOne() {
        // the first attempt fails after 1 s, the retry succeeds: the failure's write carries no
        // task end, the success's does; only the first is made durable
        int[] calls = {0};
        AgentType flaky = AgentType.of("code", init -> new AsyncAgent() {
            @Override
            public CompletableFuture<Payload> executeAsync(io.trinity.pool.agent.TaskContext ctx) {
                CompletableFuture<Payload> f = new CompletableFuture<>();
                boolean fail = calls[0]++ == 0;
                clock.schedule(Duration.ofSeconds(1), () -> {
                    if (fail) {
                        f.completeExceptionally(new IllegalStateException("first attempt fails"));
                    } else {
                        f.complete(Payload.of(Map.of("n", ctx.data().get("n"))));
                    }
                });
                return f;
            }
        });
        clock = new VirtualClock();
        AgentPool pool = AgentPool.builder().deterministic(clock).journal(journal)
                .config(PoolConfig.custom().maxAgents(1).warmPool(0).warmPoolMin(0).warmPoolMax(1).build())
                .register(flaky).build();
        TaskHandle h = pool.submit(Task.of("code", Map.of("n", 7)));
        journal.hold(true);
        clock.advance(Duration.ofSeconds(60));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.attempts()).isEqualTo(2);
        int released = journal.releaseWhere(w -> w.stream().noneMatch(r -> r instanceof JournalRecord.Finished));
        assertThat(released).as("writes before the end's").isPositive();
        clock.advance(Duration.ofMillis(1));
        assertThat(h.result()).as("its end is not durable yet").isNotDone();
        journal.release();
        clock.advance(Duration.ofMillis(1));
        assertThat(h.result()).isCompleted();
        assertThat(h.result().join().data()).containsEntry("n", 7L);
        assertThat(journal.stored(h.id()).state()).isEqualTo("SUCCEEDED");
    }

    @Test
    void snapshotsSavedOnDestroySurviveARestart() {
        AgentPool first = start();
        TaskHandle h = first.submit(Task.of("code", Map.of("n", 1)));
        clock.advance(Duration.ofSeconds(15));
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        first.shutdown(Duration.ZERO);
        clock.advance(Duration.ofSeconds(10));
        assertThat(first.isShutdown()).isTrue();
        assertThat(journal.closed).isTrue();

        AgentPool second = start();
        second.submit(Task.of("code", Map.of("n", 2)));
        clock.advance(Duration.ofSeconds(15));
        assertThat(snapshotsSeen).contains(Map.of("runs", 1L));
    }
}
