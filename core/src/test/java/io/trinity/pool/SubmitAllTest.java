package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.journal.MemoryJournal;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link AgentPool#submitAll}: each task on its own, list order kept, one journal write per call. */
class SubmitAllTest {

    final VirtualClock clock = new VirtualClock();
    final MemoryJournal journal = new MemoryJournal();
    final List<Object> ran = new ArrayList<>();

    /** One agent, each run 1 s of virtual time, recording the order tasks ran in. */
    private AgentPool pool(int queueCapacity, boolean withJournal) {
        AgentType code = AgentType.of("code", init -> (AsyncAgent) ctx -> {
            CompletableFuture<Payload> f = new CompletableFuture<>();
            clock.schedule(Duration.ofSeconds(1), () -> {
                ran.add(((Number) ctx.data().get("n")).intValue());
                f.complete(Payload.of(Map.of("n", ctx.data().get("n"))));
            });
            return f;
        });
        PoolBuilder b = AgentPool.builder().deterministic(clock).register(code)
                .config(PoolConfig.custom().maxAgents(1).warmPool(0).warmPoolMin(0).warmPoolMax(1)
                        .queueCapacity(queueCapacity).build());
        return withJournal ? b.journal(journal).build() : b.build();
    }

    private static List<Task> tasks(int n) {
        List<Task> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(Task.of("code", Map.of("n", i)));
        }
        return out;
    }

    @Test
    void acceptedTasksRunInListOrderWithAscendingIds() {
        AgentPool pool = pool(100, false);
        List<Submission> out = pool.submitAll(tasks(6));
        assertThat(out).allMatch(Submission::isAccepted);
        long[] ids = out.stream().mapToLong(s -> s.handle().id()).toArray();
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        assertThat(ids).containsExactly(sorted);
        assertThat(Arrays.stream(ids).distinct().count()).isEqualTo(6);
        clock.advance(Duration.ofSeconds(30));
        assertThat(ran).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(out).allMatch(s -> s.handle().state() == TaskState.SUCCEEDED);
    }

    @Test
    void oneRefusedTaskDoesNotRefuseTheOthers() {
        AgentPool pool = pool(100, false);
        List<Task> batch = new ArrayList<>(tasks(2));
        batch.add(1, Task.of("vision", Map.of("n", 99))); // no such type and no generic fallback
        List<Submission> out = pool.submitAll(batch);
        assertThat(out.get(0).isAccepted()).isTrue();
        assertThat(out.get(1).isAccepted()).isFalse();
        assertThat(out.get(1).refusal()).isInstanceOf(TaskRejectedException.class)
                .hasMessageContaining("task type 'vision' has no registered agent type");
        assertThat(out.get(2).isAccepted()).isTrue();
        clock.advance(Duration.ofSeconds(10));
        assertThat(ran).containsExactly(1, 2);
    }

    @Test
    void aFullQueueRefusesTheTailOfTheBatchOnly() {
        AgentPool pool = pool(3, false);
        List<Submission> out = pool.submitAll(tasks(5));
        assertThat(out.stream().filter(Submission::isAccepted).count()).isEqualTo(3);
        assertThat(out.subList(0, 3)).allMatch(Submission::isAccepted);
        assertThat(out.subList(3, 5)).allSatisfy(s -> assertThat(s.refusal()).isInstanceOf(QueueFullException.class));
        clock.advance(Duration.ofSeconds(10));
        assertThat(ran).containsExactly(1, 2, 3);
    }

    @Test
    void aRepeatedIdempotencyKeyInOneBatchNamesOneTask() {
        AgentPool pool = pool(100, true);
        Task a = Task.builder("code").input(Map.of("n", 1)).idempotencyKey("k").build();
        Task b = Task.builder("code").input(Map.of("n", 2)).idempotencyKey("k").build();
        List<Submission> out = pool.submitAll(List.of(a, b));
        assertThat(out.get(1).handle()).isSameAs(out.get(0).handle());
        clock.advance(Duration.ofSeconds(10));
        assertThat(ran).containsExactly(1);
    }

    @Test
    void withAJournalTheBatchIsOneWriteAndIsDurableBeforeTheCallReturns() {
        AgentPool pool = pool(100, true);
        List<Submission> out = pool.submitAll(tasks(50));
        assertThat(out).allMatch(Submission::isAccepted);
        assertThat(journal.acceptedPerWrite).containsExactly(50);
        pool.submit(Task.of("code", Map.of("n", 51)));
        assertThat(journal.acceptedPerWrite).containsExactly(50, 1);
        // every accepted task is in the journal already: a pool started on it finds them all
        AgentPool again = AgentPool.builder().deterministic(new VirtualClock()).journal(journal)
                .register(AgentType.of("code", init -> (AsyncAgent) ctx -> new CompletableFuture<>()))
                .config(PoolConfig.custom().maxAgents(1).warmPool(0).warmPoolMin(0).warmPoolMax(1).build()).build();
        for (Submission s : out) {
            assertThat(again.task(s.handle().id())).isPresent();
        }
    }

    @Test
    void aJournalThatCannotStoreRefusesTheWholeWriteAndQueuesNothing() {
        AgentPool pool = pool(100, true);
        journal.full(true);
        List<Submission> out = pool.submitAll(tasks(4));
        assertThat(out).noneMatch(Submission::isAccepted);
        assertThat(out.get(0).refusal()).hasMessageContaining("4 tasks were not accepted: the journal could not store them")
                .hasMessageContaining("submit again once the journal is writable");
        clock.advance(Duration.ofSeconds(10));
        assertThat(ran).isEmpty();
        assertThat(pool.snapshot().queued()).isZero();
        journal.full(false);
        assertThat(pool.submitAll(tasks(4))).allMatch(Submission::isAccepted); // the queue's places were given back
    }

    @Test
    void nullsAreRefusedBeforeAnythingIsSubmitted() {
        AgentPool pool = pool(100, false);
        List<Task> withNull = new ArrayList<>(tasks(2));
        withNull.add(null);
        assertThatThrownBy(() -> pool.submitAll(withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tasks holds a null task");
        assertThatThrownBy(() -> pool.submitAll(null)).isInstanceOf(NullPointerException.class);
        clock.advance(Duration.ofSeconds(10));
        assertThat(ran).isEmpty();
        assertThat(pool.submitAll(List.of())).isEmpty();
    }

    @Test
    void aSubmissionIsEitherAcceptedOrRefused() {
        assertThatThrownBy(() -> new Submission(null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("either accepted (a handle) or refused (an exception)");
    }
}
