package io.trinity.pool.journal.jdbc;

import static io.trinity.pool.journal.jdbc.Records.accepted;
import static io.trinity.pool.journal.jdbc.Records.life;
import static io.trinity.pool.journal.jdbc.Records.started;
import static io.trinity.pool.journal.jdbc.Records.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.Task;
import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalRecord.DeadLetterCleared;
import io.trinity.pool.journal.JournalRecord.Finished;
import io.trinity.pool.journal.JournalRecord.Requeued;
import io.trinity.pool.journal.JournalRecord.SnapshotSaved;
import io.trinity.pool.journal.JournalState;
import io.trinity.pool.journal.StoredTask;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JdbcJournal} must do, whatever the database: run against SQLite in a temp
 * folder and against PostgreSQL. Each test has a journal of its own.
 */
abstract class JournalContract {

    static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000;

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0));
    private final List<JdbcJournal> opened = new ArrayList<>();

    /** A builder for this test's journal; every call names the same database. */
    abstract JdbcJournal.Builder builder();

    /** A plain JDBC connection to this test's journal database, for the test's own SQL. */
    abstract Connection raw() throws Exception;

    JdbcJournal open() {
        return track(builder().clock(clock).open());
    }

    JdbcJournal track(JdbcJournal j) {
        opened.add(j);
        return j;
    }

    @AfterEach
    void closeJournals() {
        opened.forEach(JdbcJournal::close);
    }

    static void await(CompletableFuture<?> f) throws Exception {
        f.get(30, TimeUnit.SECONDS);
    }

    static Throwable failure(CompletableFuture<?> f) throws InterruptedException, TimeoutException {
        try {
            f.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected the write to fail");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void poolStateKeepsTheNewestTotalsAndTheRecentPacingWindow() throws Exception {
        JdbcJournal j = open();
        assertThat(j.keepsPoolState()).isTrue();
        long now = clock.millis();
        // one group holding two totals of one key and two states of one strategy: the later wins
        await(j.write(List.of(
                new JournalRecord.SpendTotal("acme", "m", 100, now - 10),
                new JournalRecord.ResourceUsed("api", 3, 30, now - 3 * 60_000),
                new JournalRecord.StrategySaved("predictive", Map.of("v", 1L), 5, now - 10),
                new JournalRecord.SpendTotal("acme", "m", 300, now - 5),
                new JournalRecord.SpendTotal("acme", "n", 7, now - 5),
                new JournalRecord.ResourceUsed("api", 2, 0, now - 1_000),
                new JournalRecord.StrategySaved("predictive", Map.of("v", 2L, "p", List.of(1.5, "x")), 9, now - 5),
                new JournalRecord.ResourceUsed("tok", 0, 400, now - 500))));
        await(j.write(List.of(new JournalRecord.SpendTotal("other", "m", 1, now))));
        j.close();

        JdbcJournal again = open();
        JournalState s = again.load(); // applies the retention: pacing rows older than two windows go
        assertThat(s.spend()).containsExactly(new JournalRecord.SpendTotal("acme", "m", 300, now - 5),
                new JournalRecord.SpendTotal("acme", "n", 7, now - 5), new JournalRecord.SpendTotal("other", "m", 1, now));
        assertThat(s.resourceUse()).containsExactly(new JournalRecord.ResourceUsed("api", 2, 0, now - 1_000),
                new JournalRecord.ResourceUsed("tok", 0, 400, now - 500));
        assertThat(s.strategies()).singleElement().satisfies(st -> {
            assertThat(st.state()).isEqualTo(Map.of("v", 2L, "p", List.of(1.5, "x")));
            assertThat(st.clockNanos()).isEqualTo(9);
            assertThat(st.at()).isEqualTo(now - 5);
        });
    }

    @Test
    void everyRecordKindSurvivesCloseAndReopen() throws Exception {
        JdbcJournal j = open();
        List<JournalRecord> records = List.of(
                accepted(1, T0), accepted(2, T0 + 1), accepted(3, "acme", "key-3", T0 + 2),
                started(2, 1, T0 + 10),
                accepted(4, T0 + 3), started(4, 1, T0 + 11), new Requeued(4, 1, true, "boom", T0 + 12),
                started(4, 2, T0 + 13),
                new Finished(4, "SUCCEEDED", 2, Map.of("answer", 42L, "list", List.of("a", 1L)), List.of("boom"), T0 + 20,
                        io.trinity.pool.Attachment.toPlainData(Map.of("image",
                                io.trinity.pool.Attachment.of("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0})))),
                accepted(5, T0 + 4), started(5, 1, T0 + 14),
                new Finished(5, "DEAD_LETTERED", 1, null, List.of("gave up"), T0 + 21),
                accepted(6, T0 + 5), started(6, 1, T0 + 15), new Requeued(6, 1, false, "preempted", T0 + 16),
                accepted(7, T0 + 6), new Finished(7, "DEAD_LETTERED", 1, null, List.of("x"), T0 + 22),
                new DeadLetterCleared(7, T0 + 23),
                new SnapshotSaved("code", "code-1", Map.of("memory", List.of("seen 1")), T0 + 30));
        await(j.write(records));
        j.close();

        JdbcJournal again = open();
        JournalState state = again.load();
        assertThat(state.pending()).extracting(StoredTask::taskId).containsExactly(1L, 2L, 3L, 6L);
        StoredTask queued = state.pending().get(0);
        // JSON has one kind of whole number: the task comes back equal, its map with Longs.
        assertThat(Task.fromPlainData(queued.task()).toPlainData()).isEqualTo(Records.task("code", 1));
        assertThat(queued).extracting(StoredTask::state, StoredTask::running, StoredTask::attempts,
                StoredTask::enqueuedAt, StoredTask::startedAt).containsExactly("QUEUED", false, 0, T0, 0L);
        StoredTask running = state.pending().get(1);
        assertThat(running).extracting(StoredTask::state, StoredTask::running, StoredTask::attempts,
                StoredTask::startedAt).containsExactly("RUNNING", true, 1, T0 + 10);
        assertThat(state.pending().get(2)).extracting(StoredTask::tenant, StoredTask::idempotencyKey)
                .containsExactly("acme", "key-3");
        StoredTask preempted = state.pending().get(3);
        assertThat(preempted).extracting(StoredTask::state, StoredTask::running, StoredTask::attempts)
                .containsExactly("QUEUED", false, 0);
        assertThat(state.deadLetters()).extracting(StoredTask::taskId).containsExactly(5L);
        assertThat(state.deadLetters().get(0).reasons()).containsExactly("gave up");
        assertThat(state.maxTaskId()).isEqualTo(7);
        assertThat(state.finals()).isEqualTo(3);

        StoredTask done = again.find(4).orElseThrow();
        assertThat(done.isFinal()).isTrue();
        assertThat(done).extracting(StoredTask::state, StoredTask::attempts, StoredTask::endedAt, StoredTask::running)
                .containsExactly("SUCCEEDED", 2, T0 + 20, false);
        assertThat(done.result()).isEqualTo(Map.of("answer", 42L, "list", List.of("a", 1L)));
        // the result's attachments come back too, bytes and media type
        assertThat(io.trinity.pool.Attachment.fromPlainData(done.resultAttachments())).isEqualTo(Map.of("image",
                io.trinity.pool.Attachment.of("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0})));
        assertThat(done.toHandle().result().join().attachments()).containsOnlyKeys("image");
        assertThat(again.find(5).orElseThrow().resultAttachments()).as("none stored for a task without").isNull();
        assertThat(done.reasons()).containsExactly("boom");
        assertThat(again.find(7).orElseThrow()).extracting(StoredTask::state).isEqualTo("DEAD_LETTERED");
        assertThat(again.find(99)).isEmpty();
        SnapshotSaved snap = again.latestSnapshot("code").orElseThrow();
        assertThat(snap).isEqualTo(new SnapshotSaved("code", "code-1", Map.of("memory", List.of("seen 1")), T0 + 30));
    }

    @Test
    void spentRequeuesKeepTheirReasonsUntilTheFinalStateReplacesThem() throws Exception {
        JdbcJournal j = open();
        await(j.write(List.of(accepted(1, T0), started(1, 1, T0), new Requeued(1, 1, true, "first", T0 + 1),
                started(1, 2, T0 + 2), new Requeued(1, 2, true, "second", T0 + 3))));
        StoredTask t = j.find(1).orElseThrow();
        assertThat(t.reasons()).containsExactly("first", "second");
        assertThat(t.attempts()).isEqualTo(2);
        assertThat(t.state()).isEqualTo("QUEUED");
    }

    @Test
    void concurrentWritersHeldBehindOneGroupShareOneCommit() throws Exception {
        JdbcJournal j = open();
        int threads = 8;
        int perThread = 25;
        List<CompletableFuture<Void>> futures = Collections.synchronizedList(new ArrayList<>());
        j.committer().hold();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= perThread; i++) {
                    futures.add(j.write(List.of(accepted(base + i, T0 + base + i))));
                }
            }));
        }
        for (Thread w : writers) {
            w.join();
        }
        long before = j.commits();
        j.committer().release();
        for (CompletableFuture<Void> f : futures) {
            await(f);
        }
        assertThat(futures).hasSize(threads * perThread);
        // The writer had taken one call when it was held; the other 199 waited and form one group.
        assertThat(j.commits() - before).isBetween(1L, 2L);
        assertThat(j.recordsWritten()).isEqualTo(threads * perThread);
        assertThat(j.load().pending()).hasSize(threads * perThread);
    }

    @Test
    void manyConcurrentWritersAllStored() throws Exception {
        JdbcJournal j = open();
        int threads = 6;
        int perThread = 200;
        List<CompletableFuture<Void>> futures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= perThread; i++) {
                    long id = base + i;
                    futures.add(j.write(List.of(accepted(id, T0 + id))));
                    futures.add(j.write(List.of(started(id, 1, T0 + id), succeeded(id, T0 + id + 1))));
                }
            }));
        }
        for (Thread w : writers) {
            w.join();
        }
        for (CompletableFuture<Void> f : futures) {
            await(f);
        }
        assertThat(j.recordsWritten()).isEqualTo(3L * threads * perThread);
        assertThat(j.commits()).isLessThanOrEqualTo(futures.size());
        assertThat(j.failedCommits()).isZero();
        JournalState s = j.load();
        assertThat(s.finals()).isEqualTo(threads * perThread);
        assertThat(s.pending()).isEmpty();
    }

    @Test
    void futuresCompleteInHandOverOrder() throws Exception {
        JdbcJournal j = open();
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            int n = i;
            futures.add(j.write(List.of(accepted(n, T0 + n))).thenRun(() -> completed.add(n)));
        }
        for (CompletableFuture<Void> f : futures) {
            await(f);
        }
        assertThat(completed).isSorted().hasSize(300);
    }

    @Test
    void recordsAboutOneTaskApplyInOrderInsideOneGroup() throws Exception {
        JdbcJournal j = open();
        j.committer().hold();
        CompletableFuture<Void> a = j.write(List.of(accepted(1, T0), accepted(2, T0)));
        CompletableFuture<Void> b = j.write(List.of(started(1, 1, T0 + 1), new Requeued(1, 1, true, "r1", T0 + 2),
                accepted(3, T0 + 3), started(2, 1, T0 + 3), started(1, 2, T0 + 4)));
        CompletableFuture<Void> c = j.write(List.of(new Finished(1, "FAILED", 2, null, List.of("r1", "r2"), T0 + 5),
                started(3, 1, T0 + 6)));
        j.committer().release();
        await(CompletableFuture.allOf(a, b, c));
        assertThat(j.find(1).orElseThrow()).extracting(StoredTask::state, StoredTask::attempts, StoredTask::reasons)
                .containsExactly("FAILED", 2, List.of("r1", "r2"));
        assertThat(j.find(2).orElseThrow().state()).isEqualTo("RUNNING");
        assertThat(j.find(3).orElseThrow().state()).isEqualTo("RUNNING");
    }

    @Test
    void anAttemptThatStartsAndEndsInOneGroupIsStoredAsWhenWrittenApart() throws Exception {
        JdbcJournal j = open();
        await(j.write(List.of(accepted(1, T0), accepted(2, T0))));
        Finished end1 = new Finished(1, "SUCCEEDED", 1, Map.of("ok", true), List.of(), T0 + 9);
        Finished end2 = new Finished(2, "SUCCEEDED", 1, Map.of("ok", true), List.of(), T0 + 9);
        // Task 1: start and end in one group (written as one UPDATE); task 2: in two groups.
        await(j.write(List.of(new JournalRecord.Started(1, 1, "code-7", T0 + 5), end1)));
        await(j.write(List.of(new JournalRecord.Started(2, 1, "code-7", T0 + 5))));
        await(j.write(List.of(end2)));
        StoredTask one = j.find(1).orElseThrow();
        StoredTask two = j.find(2).orElseThrow();
        assertThat(one).usingRecursiveComparison().ignoringFields("taskId", "task").isEqualTo(two);
        assertThat(one.startedAt()).isEqualTo(T0 + 5);
        assertThat(one.endedAt()).isEqualTo(T0 + 9);
        j.close();
        try (Connection c = raw(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT id, agent FROM tasks ORDER BY id")) {
            List<String> agents = new ArrayList<>();
            while (rs.next()) {
                agents.add(rs.getLong(1) + "=" + rs.getString(2));
            }
            assertThat(agents).containsExactly("1=code-7", "2=code-7");
        }
    }

    @Test
    void aValueJsonCannotStoreFailsOnlyItsOwnWrite() throws Exception {
        JdbcJournal j = open();
        j.committer().hold();
        CompletableFuture<Void> good = j.write(List.of(accepted(1, T0)));
        Map<String, Object> odd = new java.util.HashMap<>(Records.task("code", 2));
        odd.put("handle", new Object());
        CompletableFuture<Void> bad = j.write(List.of(accepted(3, T0),
                new JournalRecord.Accepted(2, odd, "default", null, T0)));
        assertThat(bad).isCompletedExceptionally();
        assertThat(failure(bad)).isInstanceOf(JournalException.class).hasMessageContaining(j.name())
                .hasMessageContaining("java.lang.Object").hasMessageContaining("nothing of this write was stored");
        j.committer().release();
        await(good);
        assertThat(j.find(1)).isPresent();
        assertThat(j.find(2)).isEmpty();
        assertThat(j.find(3)).isEmpty();
        assertThat(j.failedCommits()).isZero();
    }

    @Test
    void aCommitDelayOutsideItsRangeIsRefusedWithTheValue() {
        assertThatThrownBy(() -> builder().commitDelay(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commitDelay").hasMessageContaining("PT2S");
        assertThatThrownBy(() -> builder().commitDelay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
    }

    @Test
    void onlyAGroupAfterABusyOneWaitsForMoreWriters() throws Exception {
        JdbcJournal j = open();
        for (int n = 1; n <= 3; n++) {
            await(j.write(List.of(accepted(n, T0)))); // one writer at a time: never held open
        }
        assertThat(j.committer().heldOpen()).isZero();
        j.committer().hold();
        List<CompletableFuture<Void>> busy = new ArrayList<>();
        for (int n = 10; n < 30; n++) {
            busy.add(j.write(List.of(accepted(n, T0))));
        }
        j.committer().release();
        await(CompletableFuture.allOf(busy.toArray(CompletableFuture[]::new)));
        await(j.write(List.of(accepted(40, T0)))); // follows a group of 20 writes
        assertThat(j.committer().heldOpen()).isPositive();
        assertThat(j.recordsWritten()).isEqualTo(24);

        j.close();

        JdbcJournal off = track(builder().clock(clock).commitDelay(Duration.ZERO).open());
        off.committer().hold();
        busy.clear();
        for (int n = 50; n < 70; n++) {
            busy.add(off.write(List.of(accepted(n, T0))));
        }
        off.committer().release();
        await(CompletableFuture.allOf(busy.toArray(CompletableFuture[]::new)));
        await(off.write(List.of(accepted(80, T0))));
        assertThat(off.committer().heldOpen()).isZero();
        assertThat(off.find(80)).isPresent();
    }

    @Test
    void retentionDropsFinalsOlderThanRetainAndKeepsTheHighestId() throws Exception {
        JdbcJournal j = track(builder().clock(clock).retain(Duration.ofHours(24)).open());
        long now = T0 + 100 * HOUR;
        clock.advance(Duration.ofHours(100));
        List<JournalRecord> rs = new ArrayList<>();
        rs.addAll(life(1, now - 23 * HOUR));
        rs.addAll(life(2, now - HOUR));
        rs.addAll(life(9, now - 25 * HOUR));
        rs.add(accepted(3, now - 50 * HOUR));
        rs.add(accepted(4, now - 50 * HOUR));
        rs.add(new Finished(4, "DEAD_LETTERED", 1, null, List.of("x"), now - 50 * HOUR));
        await(j.write(rs));

        Retention.Pruned pruned = j.prune().get(30, TimeUnit.SECONDS);
        assertThat(pruned.byAge()).isEqualTo(1);
        assertThat(j.find(9)).isEmpty();
        assertThat(j.find(1)).isPresent();
        JournalState s = j.load();
        assertThat(s.pending()).extracting(StoredTask::taskId).containsExactly(3L);
        assertThat(s.deadLetters()).extracting(StoredTask::taskId).containsExactly(4L);
        assertThat(s.maxTaskId()).isEqualTo(9);
        assertThat(s.finals()).isEqualTo(3);

        // Once cleared, an old dead letter is an ordinary final task and ages out.
        await(j.write(List.of(new DeadLetterCleared(4, now))));
        j.prune().get(30, TimeUnit.SECONDS);
        assertThat(j.find(4)).isEmpty();
    }

    @Test
    void retentionKeepsOnlyTheNewestRetainCountFinals() throws Exception {
        JdbcJournal j = track(builder().clock(clock).retainCount(2).open());
        List<JournalRecord> rs = new ArrayList<>();
        for (int id = 1; id <= 5; id++) {
            rs.addAll(life(id, T0 + id * 1000L));
        }
        rs.add(accepted(6, T0));
        await(j.write(rs));
        j.close();

        JdbcJournal again = track(builder().clock(clock).retainCount(2).open());
        JournalState s = again.load();
        assertThat(s.finals()).isEqualTo(2);
        assertThat(again.find(4)).isPresent();
        assertThat(again.find(5)).isPresent();
        assertThat(again.find(3)).isEmpty();
        assertThat(s.pending()).extracting(StoredTask::taskId).containsExactly(6L);
    }

    @Test
    void idempotencyKeysAreFoundPerTenant() throws Exception {
        JdbcJournal j = open();
        await(j.write(List.of(accepted(1, "acme", "order-7", T0), accepted(2, "other", "order-7", T0),
                accepted(3, "acme", "order-8", T0))));
        assertThat(j.findByIdempotencyKey("acme", "order-7").orElseThrow().taskId()).isEqualTo(1);
        assertThat(j.findByIdempotencyKey("other", "order-7").orElseThrow().taskId()).isEqualTo(2);
        assertThat(j.findByIdempotencyKey("acme", "order-9")).isEmpty();
        assertThat(j.findByIdempotencyKey("nobody", "order-7")).isEmpty();
    }

    @Test
    void tasksArePagedNewestFirstWithTheirFilters() throws Exception {
        JdbcJournal j = open();
        List<JournalRecord> records = new ArrayList<>();
        for (long id = 1; id <= 7; id++) {
            records.add(accepted(id, id % 2 == 0 ? "acme" : "other", null, T0 + id));
        }
        records.add(started(3, 1, T0 + 20));
        records.add(succeeded(3, T0 + 30));
        records.add(new JournalRecord.Accepted(8, Records.task("vision", 8), "acme", null, T0 + 8));
        await(j.write(records));

        assertThat(ids(j.tasks(null, null, null, Long.MAX_VALUE, 3))).containsExactly(8L, 7L, 6L);
        assertThat(ids(j.tasks(null, null, null, 6, 3))).containsExactly(5L, 4L, 3L);
        assertThat(ids(j.tasks(null, null, null, 2, 3))).containsExactly(1L);
        assertThat(ids(j.tasks("acme", null, null, Long.MAX_VALUE, 10))).containsExactly(8L, 6L, 4L, 2L);
        assertThat(ids(j.tasks("acme", null, "code", Long.MAX_VALUE, 10))).containsExactly(6L, 4L, 2L);
        StoredTask done = j.tasks(null, "SUCCEEDED", null, Long.MAX_VALUE, 10).getFirst();
        assertThat(done.taskId()).isEqualTo(3);
        assertThat(done.enqueuedAt()).isEqualTo(T0 + 3);
        assertThat(done.startedAt()).isEqualTo(T0 + 20);
        assertThat(done.endedAt()).isEqualTo(T0 + 30);
        assertThat(done.toHandle().result().join().data()).isEqualTo(Map.of("ok", true));
        assertThat(j.tasks("nobody", null, null, Long.MAX_VALUE, 10)).isEmpty();
        assertThatThrownBy(() -> j.tasks(null, null, null, Long.MAX_VALUE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit must be from 1 to 1000 (got 0)");
    }

    private static List<Long> ids(List<StoredTask> tasks) {
        return tasks.stream().map(StoredTask::taskId).toList();
    }

    @Test
    void latestSnapshotPerTypeSurvivesRetention() throws Exception {
        JdbcJournal j = open();
        await(j.write(List.of(new SnapshotSaved("code", "code-1", Map.of("v", 1L), T0),
                new SnapshotSaved("code", "code-2", Map.of("v", 2L), T0 + 1),
                new SnapshotSaved("vision", "vision-1", Map.of("v", 3L), T0 + 2))));
        assertThat(j.latestSnapshot("code").orElseThrow().state()).isEqualTo(Map.of("v", 2L));
        assertThat(j.latestSnapshot("voice")).isEmpty();
        clock.advance(Duration.ofDays(30));
        Retention.Pruned pruned = j.prune().get(30, TimeUnit.SECONDS);
        assertThat(pruned.snapshots()).isEqualTo(1);
        assertThat(j.latestSnapshot("code").orElseThrow().agent()).isEqualTo("code-2");
        assertThat(j.latestSnapshot("vision").orElseThrow().agent()).isEqualTo("vision-1");
    }

    @Test
    void aSecondPoolIsRefusedWhileTheFirstHoldsTheJournal() {
        JdbcJournal first = open();
        assertThatThrownBy(() -> track(builder().open()))
                .isInstanceOf(JournalException.class)
                .hasMessageContaining(first.name())
                .hasMessageContaining("in use");
        first.close();
        assertThat(open().load().pending()).isEmpty();
    }

    @Test
    void aSchemaNewerThanThisBuildIsRefused() throws Exception {
        JdbcJournal first = open();
        // Each dialect counts its own versions (PostgreSQL has the fencing table, SQLite does not).
        int current = first.schemaVersion();
        assertThat(current).isEqualTo(schemaVersion());
        first.close();
        try (Connection c = raw(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + Migrations.HISTORY + " (installed_rank, version, description, type,"
                    + " script, checksum, installed_by, execution_time, success)"
                    + " VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0, 'test', 1, TRUE)");
        }
        assertThatThrownBy(this::open)
                .isInstanceOf(JournalException.class)
                .hasMessageContaining(builderName())
                .hasMessageContaining("schema version 99, newer than this build's " + current)
                .hasMessageContaining("upgrade trinity-pool");
    }

    /** How messages name this test's journal. */
    abstract String builderName();

    /** This build's schema version for this test's dialect. */
    abstract int schemaVersion();

    /** What this database keeps of a NUL character (U+0000) in a stored string. */
    abstract char nulStoredAs();

    @Test
    void aNulCharacterInAnyStoredStringFailsNoWriteAndComesBackAsTheDatabaseKeepsIt() throws Exception {
        JdbcJournal j = open();
        String nul = "a\0b";
        String kept = "a" + nulStoredAs() + "b";
        String escapeText = "c\\u0000d"; // a backslash, then "u0000": text, never a NUL
        Map<String, Object> input = Map.of("text", nul, "escape", escapeText);
        Map<String, Object> task = Task.builder("code").input(input).build().toPlainData();
        Map<String, Object> result = Map.of("text", nul, "escape", escapeText, "k" + nul, 1L);
        // Every string a record stores, in one write with an ordinary task: none may fail the group.
        await(j.write(List.of(accepted(1, T0),
                new JournalRecord.Accepted(2, task, "tenant-" + nul, "key-" + nul, T0),
                new JournalRecord.Started(2, 1, "agent-" + nul, T0 + 1),
                new Requeued(2, 1, true, "reason-" + nul, T0 + 2),
                new JournalRecord.Started(2, 2, "agent-" + nul, T0 + 3),
                new Finished(2, "SUCCEEDED", 2, result, List.of("reason-" + nul), T0 + 4),
                accepted(3, T0), started(3, 1, T0 + 1), new Requeued(3, 1, true, "reason-" + nul, T0 + 2),
                new SnapshotSaved("code", "agent-" + nul, Map.of("memory", nul), T0 + 5),
                new JournalRecord.SpendTotal("tenant-" + nul, "model-" + nul, 7, T0 + 5),
                new JournalRecord.ResourceUsed("model-" + nul, 1, 7, T0 + 5),
                new JournalRecord.StrategySaved("strategy-" + nul, Map.of("model", nul), 1, T0 + 5))));

        assertThat(j.find(1)).isPresent();
        StoredTask done = j.find(2).orElseThrow();
        assertThat(done.tenant()).isEqualTo("tenant-" + kept);
        assertThat(done.idempotencyKey()).isEqualTo("key-" + kept);
        assertThat(done.result()).isEqualTo(Map.of("text", kept, "escape", escapeText, "k" + kept, 1L));
        assertThat(done.reasons()).containsExactly("reason-" + kept);
        assertThat(((Map<?, ?>) done.task().get("input"))).isEqualTo(Map.of("text", kept, "escape", escapeText));
        // The pool looks a key up as it was submitted, NUL and all.
        assertThat(j.findByIdempotencyKey("tenant-" + nul, "key-" + nul)).map(StoredTask::taskId).contains(2L);
        // A spent requeue appends its reason in SQL, apart from the Finished row's reasons.
        assertThat(j.find(3).orElseThrow().reasons()).containsExactly("reason-" + kept);
        assertThat(j.latestSnapshot("code").orElseThrow().state()).isEqualTo(Map.of("memory", kept));
        JournalState state = j.load();
        assertThat(state.spend()).extracting(JournalRecord.SpendTotal::tenant, JournalRecord.SpendTotal::resource)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tenant-" + kept, "model-" + kept));
        assertThat(state.resourceUse()).extracting(JournalRecord.ResourceUsed::resource).containsExactly("model-" + kept);
        assertThat(state.strategies()).extracting(JournalRecord.StrategySaved::strategy, JournalRecord.StrategySaved::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("strategy-" + kept, Map.of("model", kept)));
        assertThat(j.failedCommits()).isZero();
    }

    @Test
    void writesPastMaxPendingAreRefusedAndNothingIsLost() throws Exception {
        JdbcJournal j = track(builder().clock(clock).maxPending(10).open());
        j.committer().hold();
        CompletableFuture<Void> first = j.write(List.of(accepted(1, T0), accepted(2, T0), accepted(3, T0)));
        CompletableFuture<Void> second = j.write(List.of(accepted(4, T0), accepted(5, T0), accepted(6, T0),
                accepted(7, T0), accepted(8, T0)));
        CompletableFuture<Void> refused = j.write(List.of(accepted(9, T0), accepted(10, T0), accepted(11, T0)));
        assertThat(failure(refused)).isInstanceOf(JournalException.class)
                .hasMessageContaining("maxPending=10").hasMessageContaining(j.name());
        j.committer().release();
        await(first);
        await(second);
        assertThat(j.load().pending()).hasSize(8);
        assertThat(j.pendingRecords()).isZero();
    }

    @Test
    void writesAfterCloseFailAndCloseIsIdempotent() throws Exception {
        JdbcJournal j = open();
        CompletableFuture<Void> before = j.write(List.of(accepted(1, T0)));
        j.close();
        assertThat(before).isCompleted();
        await(before);
        assertThat(failure(j.write(List.of(accepted(2, T0))))).hasMessageContaining("is closed");
        j.close();
        assertThat(open().find(1)).isPresent();
    }

    @Test
    void aFailedGroupFailsOnlyItsCallersAndTheJournalGoesOn() throws Exception {
        JdbcJournal j = open();
        await(j.write(List.of(accepted(1, T0))));
        // A second Accepted for id 1 breaks the primary key: its whole group is rolled back.
        Throwable e = failure(j.write(List.of(accepted(2, T0), accepted(1, T0))));
        assertThat(e).isInstanceOf(JournalException.class).hasMessageContaining(j.name())
                .hasMessageContaining("nothing of this write was stored");
        assertThat(j.find(2)).isEmpty();
        assertThat(j.failedCommits()).isEqualTo(1);
        await(j.write(List.of(accepted(3, T0))));
        assertThat(j.find(3)).isPresent();
    }
}
