package io.trinity.pool.journal.jdbc;

import static io.trinity.pool.journal.jdbc.Records.accepted;
import static io.trinity.pool.journal.jdbc.Records.life;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.Task;
import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalRecord.Accepted;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite, plus what only a file can suffer: garbage, damaged pages, another process, a full disk. */
class SqliteJournalTest extends JournalContract {

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("data/trinity.db");
    }

    @Override
    JdbcJournal.Builder builder() {
        return JdbcJournal.builder(file().toString());
    }

    @Override
    Connection raw() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + file());
    }

    @Override
    String builderName() {
        return file().toString();
    }

    @Override
    int schemaVersion() {
        return 3;
    }

    @Override
    char nulStoredAs() {
        return '\0';
    }

    @Test
    void opensInWalModeAndCreatesItsFolder() throws Exception {
        JdbcJournal j = open();
        assertThat(Files.exists(file())).isTrue();
        assertThat(Files.exists(dir.resolve("data/trinity.db.lock"))).isTrue();
        j.close();
        try (Connection c = raw(); var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void aFileThatIsNotSqliteIsRefusedAndLeftUntouched() throws Exception {
        Files.createDirectories(file().getParent());
        byte[] text = "these are my notes, not a database\n".repeat(10).getBytes(StandardCharsets.UTF_8);
        Files.write(file(), text);
        assertThatThrownBy(this::open)
                .isInstanceOf(JournalException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("is not a SQLite database")
                .hasMessageContaining("these are my not");
        assertThat(Files.readAllBytes(file())).isEqualTo(text);
    }

    @Test
    void anotherProgramsDatabaseIsRefusedAndLeftUntouched() throws Exception {
        Files.createDirectories(file().getParent());
        try (Connection c = raw()) {
            c.createStatement().execute("CREATE TABLE notes (x TEXT)");
            c.createStatement().execute("INSERT INTO notes VALUES ('mine')");
        }
        byte[] before = Files.readAllBytes(file());
        assertThatThrownBy(this::open)
                .isInstanceOf(JournalException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("holds another program's database (tables: notes)")
                .hasMessageContaining("point --journal elsewhere");
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void damagedPagesAreRefusedAndLeftUntouched() throws Exception {
        JdbcJournal j = open();
        List<JournalRecord> rs = new ArrayList<>();
        for (int id = 1; id <= 400; id++) {
            rs.add(accepted(id, T0));
        }
        await(j.write(rs));
        j.close();
        long size = Files.size(file());
        assertThat(size).isGreaterThan(8 * 4096);
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
            // Page 1 (the header) stays valid, so only quick_check can tell.
            for (long page = 2; page * 4096 < size; page += 2) {
                f.seek((page - 1) * 4096);
                f.write(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x13, 0x37, 0, 0, 0, 0});
            }
        }
        byte[] damaged = Files.readAllBytes(file());
        assertThatThrownBy(this::open)
                .isInstanceOf(JournalException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("is corrupt")
                // one line: what, which file, what to do; SQLite's many findings counted, the first quoted
                .hasMessageNotContaining("\n")
                .hasMessageEndingWith("); it was left untouched: move it away and restore a backup, or point --journal"
                        + " at another file");
        assertThat(Files.readAllBytes(file())).isEqualTo(damaged);
    }

    /**
     * One damaged page lets quick_check run and report (a heading and one line per finding, which
     * used to be spliced into a message of many lines): the message stays one line, counting the
     * findings and quoting the first.
     */
    @Test
    void quickCheckFindingsAreCountedInOneLine() throws Exception {
        JdbcJournal j = open();
        List<JournalRecord> rs = new ArrayList<>();
        for (int id = 1; id <= 2_000; id++) {
            rs.add(accepted(id, T0));
        }
        await(j.write(rs));
        j.close();
        long page;
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file());
             var rsIndex = c.createStatement().executeQuery("SELECT rootpage FROM sqlite_master WHERE name = 'tasks_ended'")) {
            rsIndex.next();
            page = rsIndex.getLong(1);
        }
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
            f.seek((page - 1) * 4096); // an index's root: the schema and the tasks stay readable
            byte[] junk = new byte[100];
            java.util.Arrays.fill(junk, (byte) 0xff);
            f.write(junk);
        }
        assertThatThrownBy(this::open)
                .isInstanceOf(JournalException.class)
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("***")
                .hasMessageMatching("journal .*trinity\\.db is corrupt \\(quick_check: \\d+ (or more )?problems?, first: "
                        + "[^;]+\\); it was left untouched: move it away and restore a backup, or point --journal at another file");
    }

    @Test
    void aJournalLockedByAnotherProcessIsRefused() throws Exception {
        open().close();
        Path holder = dir.resolve("Hold.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        try (FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE)) {
                            var lock = c.tryLock();
                            System.out.println(lock == null ? "busy" : "locked");
                            System.out.flush();
                            System.in.read();
                        }
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, holder.toString(), file() + ".lock").redirectErrorStream(true).start();
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).isEqualTo("locked");
            assertThatThrownBy(this::open)
                    .isInstanceOf(JournalException.class)
                    .hasMessageContaining(file().toString())
                    .hasMessageContaining("in use by another process")
                    .hasMessageContaining("stop that pool first");
        } finally {
            p.destroyForcibly().waitFor();
        }
        // The operating system released the lock with the process: no stale lock after a kill.
        assertThat(open().load().pending()).isEmpty();
    }

    @Test
    void aFullDiskFailsTheWriteClearlyAndTheJournalRecoversOnceSpaceIsFreed() throws Exception {
        JdbcJournal j = track(builder().clock(clock).retain(Duration.ofHours(1)).sqlitePragma("max_page_count", "48")
                .open());
        // Old finished tasks that the retention can drop later to free pages.
        List<JournalRecord> old = new ArrayList<>();
        for (int id = 1; id <= 40; id++) {
            old.addAll(life(id, T0));
        }
        await(j.write(old));
        String big = "x".repeat(2000);
        Throwable failure = null;
        int id = 100;
        for (int i = 0; i < 200 && failure == null; i++, id++) {
            Map<String, Object> task = Task.builder("code").input(Map.of("blob", big)).build().toPlainData();
            CompletableFuture<Void> f = j.write(List.of(new Accepted(id, task, "default", null, T0)));
            try {
                await(f);
            } catch (java.util.concurrent.ExecutionException e) {
                failure = e.getCause();
            }
        }
        assertThat(failure).as("the journal never filled up").isNotNull();
        assertThat(failure).isInstanceOf(JournalException.class)
                .hasMessageStartingWith("journal " + file() + " is full:")
                .hasMessageContaining("nothing of this write was stored");
        long failedId = id - 1;
        // Reads go on while the disk is full.
        assertThat(j.find(1)).isPresent();
        assertThat(j.find(failedId)).isEmpty();

        clock.advance(Duration.ofHours(2));
        assertThat(j.prune().get().tasks()).isEqualTo(40);
        await(j.write(List.of(accepted(failedId, T0))));
        assertThat(j.find(failedId)).isPresent();
    }
}
