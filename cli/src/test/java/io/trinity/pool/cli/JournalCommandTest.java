package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.Task;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalRecord.Accepted;
import io.trinity.pool.journal.JournalRecord.Finished;
import io.trinity.pool.journal.JournalRecord.Started;
import io.trinity.pool.journal.jdbc.JdbcJournal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalCommandTest {

    static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void journal() throws Exception {
        file = dir.resolve("trinity.db");
        List<JournalRecord> rs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            rs.add(new Accepted(id, Task.builder("code").input(Map.of("n", id)).build().toPlainData(), "default",
                    null, T0 + id));
        }
        rs.add(new Started(2, 1, "code-1", T0 + 10));
        rs.add(new Started(3, 1, "code-2", T0 + 11));
        rs.add(new Finished(3, "SUCCEEDED", 1, Map.of("ok", true), List.of(), T0 + 20));
        try (JdbcJournal j = JdbcJournal.builder(file.toString()).open()) {
            j.write(rs).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void statsShowTasksByStateTheOldestQueuedAndTheSize() {
        Cli.Result r = Cli.run("journal", "stats", file.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains(file + " (SQLite, schema version 3)")
                .containsPattern("tasks +3")
                .containsPattern("QUEUED +1")
                .containsPattern("RUNNING +1")
                .containsPattern("SUCCEEDED +1")
                .contains("oldest queued    task 1, waiting ")
                .contains("highest task id  3")
                .containsPattern("size +\\d+(\\.\\d)? KiB \\(file and WAL\\)");
    }

    @Test
    void exportWritesEventLogLines() throws Exception {
        Cli.Result r = Cli.run("journal", "export", file.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        ObjectMapper json = new ObjectMapper();
        List<String> evs = new ArrayList<>();
        for (String l : lines) {
            JsonNode n = json.readTree(l);
            evs.add(n.get("ev").asText() + " " + n.get("task").asLong());
        }
        assertThat(evs).containsExactly("task.submit 1", "task.submit 2", "task.submit 3", "task.dispatch 2",
                "task.dispatch 3", "task.end 3");

        Path out = dir.resolve("events.jsonl");
        Cli.Result toFile = Cli.run("journal", "export", file.toString(), "--out", out.toString());
        assertThat(toFile.code()).as(toFile.toString()).isZero();
        assertThat(toFile.err()).contains("wrote 6 events to " + out);
        assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).isEqualTo(lines);
    }

    @Test
    void aMissingOrForeignFileIsAUserError() throws Exception {
        Path missing = dir.resolve("missing.db");
        Cli.Result r = Cli.run("journal", "stats", missing.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("tri journal stats: no journal at " + missing).doesNotContain("\tat ");
        assertThat(Files.exists(missing)).isFalse();

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a database at all");
        Cli.Result e = Cli.run("journal", "export", text.toString());
        assertThat(e.code()).as(e.toString()).isEqualTo(2);
        assertThat(e.err()).contains("is not a SQLite database");
    }

    /** The diagnosis tri serve gives for the same file, in one line, from both subcommands. */
    @Test
    void aDamagedFileIsToldCorruptAsTriServeTellsIt() throws Exception {
        Path cut = Files.copy(file, dir.resolve("cut.db"));
        try (var ch = java.nio.channels.FileChannel.open(cut, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(50);
        }
        Path header = Files.copy(file, dir.resolve("header.db"));
        try (var f = new java.io.RandomAccessFile(header.toFile(), "rw")) {
            f.seek(16);
            f.write(new byte[32]);
        }
        for (Path damaged : List.of(cut, header)) {
            for (String sub : List.of("stats", "export")) {
                Cli.Result r = Cli.run("journal", sub, damaged.toString());
                assertThat(r.code()).as(r.toString()).isEqualTo(2);
                assertThat(r.err().strip()).as(r.toString())
                        .startsWith("tri journal " + sub + ": journal " + damaged + " is corrupt (SQLite: ")
                        .endsWith("); it was left untouched: move it away and restore a backup, or point --journal at"
                                + " another file")
                        .doesNotContain("\n").doesNotContain("holds no Trinity journal");
            }
        }
    }

    @Test
    void aFolderIsNamedAsAFolderWithTheFileToGive() {
        Cli.Result r = Cli.run("journal", "stats", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("tri journal stats: journal " + dir
                + " is a folder, not a file; give the journal's file, such as " + file);
    }

    /** An export that fails halfway leaves the file --out named as it was, and no temporary file behind. */
    @Test
    void aFailedExportKeepsTheExistingOutputFile() throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             var st = c.createStatement()) {
            st.executeUpdate("UPDATE tasks SET task_json = '{broken' WHERE id = 2");
        }
        Path keep = dir.resolve("keep.txt");
        Files.writeString(keep, "what the user had\n");
        Cli.Result r = Cli.run("journal", "export", file.toString(), "--out", keep.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("journal " + file + " cannot be exported: it holds malformed JSON")
                .contains("restore a backup").doesNotContain("internal error");
        assertThat(Files.readString(keep)).isEqualTo("what the user had\n");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void helpListsTheSubcommands() {
        assertThat(Cli.run("journal", "--help").out()).contains("stats").contains("export").contains("Examples:");
        assertThat(Cli.run("--help").out()).contains("journal");
    }
}
