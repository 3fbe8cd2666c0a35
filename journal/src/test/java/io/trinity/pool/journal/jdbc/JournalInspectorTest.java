package io.trinity.pool.journal.jdbc;

import static io.trinity.pool.journal.jdbc.JournalContract.T0;
import static io.trinity.pool.journal.jdbc.Records.accepted;
import static io.trinity.pool.journal.jdbc.Records.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.JournalRecord.Finished;
import io.trinity.pool.journal.JournalRecord.Requeued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalInspectorTest {

    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void journal() throws Exception {
        file = dir.resolve("j.db");
        try (JdbcJournal j = JdbcJournal.builder(file.toString()).open()) {
            j.write(List.of(
                    accepted(1, T0), accepted(2, T0 + 100), started(2, 1, T0 + 200),
                    accepted(3, T0 + 300), started(3, 1, T0 + 400),
                    new Finished(3, "SUCCEEDED", 1, Map.of("ok", true), List.of(), T0 + 900),
                    accepted(4, T0 + 50), started(4, 1, T0 + 60), new Requeued(4, 1, true, "flaky", T0 + 70),
                    started(4, 2, T0 + 80), new Finished(4, "DEAD_LETTERED", 2, null, List.of("flaky", "still flaky"),
                            T0 + 500),
                    accepted(5, T0 + 10), new Finished(5, "CANCELLED", 0, null, List.of(), T0 + 20)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void statsCountTasksByStateAndNameTheOldestQueued() {
        try (JournalInspector in = JournalInspector.open(file.toString())) {
            JournalStats s = in.stats();
            assertThat(s.byState()).containsExactly(Map.entry("QUEUED", 1L), Map.entry("RUNNING", 1L),
                    Map.entry("SUCCEEDED", 1L), Map.entry("CANCELLED", 1L), Map.entry("DEAD_LETTERED", 1L));
            assertThat(s.tasks()).isEqualTo(5);
            assertThat(s.deadLetters()).isEqualTo(1);
            assertThat(s.oldestQueuedId()).isEqualTo(1);
            assertThat(s.oldestQueuedAt()).isEqualTo(T0);
            assertThat(s.firstEndedAt()).isEqualTo(T0 + 20);
            assertThat(s.lastEndedAt()).isEqualTo(T0 + 900);
            assertThat(s.maxTaskId()).isEqualTo(5);
            assertThat(s.schemaVersion()).isEqualTo(3);
            assertThat(s.sizeBytes()).isGreaterThan(0);
            assertThat(s.database()).isEqualTo("SQLite");
        }
    }

    @Test
    void statsReadBesideAPoolThatHoldsTheJournal() throws Exception {
        try (JdbcJournal live = JdbcJournal.builder(file.toString()).open()) {
            live.write(List.of(accepted(6, T0 + 1000))).get(30, TimeUnit.SECONDS);
            try (JournalInspector in = JournalInspector.open(file.toString())) {
                assertThat(in.stats().byState().get("QUEUED")).isEqualTo(2);
            }
        }
    }

    @Test
    void exportTellsEachTaskInEventLogForm() throws Exception {
        StringBuilder out = new StringBuilder();
        long n;
        try (JournalInspector in = JournalInspector.open(file.toString())) {
            n = in.export(out);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            lines.add(Json.MAPPER.readTree(line));
        }
        assertThat(lines).hasSize((int) n);
        List<String> evs = lines.stream().map(l -> l.get("t").asLong() + " " + l.get("ev").asText() + " "
                + l.get("task").asLong()).toList();
        assertThat(evs).containsExactly(
                "0 task.submit 1",
                "10 task.submit 5",
                "20 task.end 5",
                "50 task.submit 4",
                "80 task.dispatch 4",
                "100 task.submit 2",
                "200 task.dispatch 2",
                "300 task.submit 3",
                "400 task.dispatch 3",
                "500 task.end 4",
                "500 task.deadletter 4",
                "900 task.end 3");
        JsonNode end3 = lines.get(11);
        assertThat(end3.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(end3.get("agent").asText()).isEqualTo("code-1");
        assertThat(end3.get("ms").asLong()).isEqualTo(500);
        assertThat(end3.get("at").asLong()).isEqualTo(T0 + 900);
        JsonNode dl = lines.get(10);
        assertThat(dl.get("attempt").asInt()).isEqualTo(2);
        assertThat(dl.get("reason").asText()).isEqualTo("still flaky");
        JsonNode cancelled = lines.get(2);
        assertThat(cancelled.get("outcome").asText()).isEqualTo("cancelled");
        assertThat(cancelled.has("agent")).isFalse();
        JsonNode submit = lines.get(0);
        assertThat(submit.get("type").asText()).isEqualTo("code");
        assertThat(submit.get("tenant").asText()).isEqualTo("default");
    }

    @Test
    void aMissingFileIsNotCreatedAndOtherFilesAreRefused() throws Exception {
        Path missing = dir.resolve("nope.db");
        assertThatThrownBy(() -> JournalInspector.open(missing.toString()))
                .isInstanceOf(JournalException.class).hasMessageContaining("no journal at " + missing);
        assertThat(Files.exists(missing)).isFalse();

        Path other = dir.resolve("other.db");
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + other)) {
            c.createStatement().execute("CREATE TABLE notes (x TEXT)");
        }
        assertThatThrownBy(() -> JournalInspector.open(other.toString()))
                .isInstanceOf(JournalException.class).hasMessageContaining("holds another program's database (tables: notes)");

        Path empty = Files.createFile(dir.resolve("empty.db"));
        assertThatThrownBy(() -> JournalInspector.open(empty.toString()))
                .isInstanceOf(JournalException.class).hasMessageContaining("holds no Trinity journal");
    }

    @Test
    void aFolderIsNamedAsOneWithTheFileToGive() {
        assertThatThrownBy(() -> JournalInspector.open(dir.toString()))
                .isInstanceOf(JournalException.class)
                .hasMessage("journal " + dir + " is a folder, not a file; give the journal's file, such as " + file);
    }

    /**
     * A file cut short, one whose header was overwritten, one cut to 50 bytes: each is told
     * "corrupt ... restore a backup" in one line, the very words a pool opening it uses, and
     * none is changed by either.
     */
    @Test
    void aDamagedFileIsToldCorruptInTheWordsAPoolUses() throws Exception {
        Path big = dir.resolve("big.db");
        try (JdbcJournal j = JdbcJournal.builder(big.toString()).open()) {
            List<io.trinity.pool.journal.JournalRecord> rs = new ArrayList<>();
            for (int id = 1; id <= 2_000; id++) {
                rs.add(accepted(id, T0 + id));
            }
            j.write(rs).get(30, TimeUnit.SECONDS);
        }
        assertThat(Files.size(big)).isGreaterThan(200_000);

        Path truncated = Files.copy(big, dir.resolve("truncated.db"));
        try (var ch = java.nio.channels.FileChannel.open(truncated, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(100_000);
        }
        Path header = Files.copy(file, dir.resolve("header.db"));
        try (var f = new java.io.RandomAccessFile(header.toFile(), "rw")) {
            f.seek(16);
            f.write(new byte[32]); // page size, versions, reserved space...: all zero
        }
        Path cut = Files.copy(file, dir.resolve("cut.db"));
        try (var ch = java.nio.channels.FileChannel.open(cut, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(50);
        }
        for (Path damaged : List.of(truncated, header, cut)) {
            byte[] before = Files.readAllBytes(damaged);
            Throwable byInspector = org.assertj.core.api.Assertions.catchThrowable(
                    () -> JournalInspector.open(damaged.toString()).close());
            Throwable byPool = org.assertj.core.api.Assertions.catchThrowable(
                    () -> JdbcJournal.builder(damaged.toString()).open().close());
            assertThat(byInspector).as(damaged.toString()).isInstanceOf(JournalException.class)
                    .hasMessageStartingWith("journal " + damaged + " is corrupt (")
                    .hasMessageEndingWith("); it was left untouched: move it away and restore a backup,"
                            + " or point --journal at another file")
                    .hasMessageNotContaining("\n");
            assertThat(byPool).as(damaged.toString()).isInstanceOf(JournalException.class)
                    .hasMessage(byInspector.getMessage());
            assertThat(Files.readAllBytes(damaged)).as(damaged.toString()).isEqualTo(before);
        }
    }
}
