package io.trinity.pool.journal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalsTest {

    @TempDir
    Path dir;

    @Test
    void redactHidesThePasswordWhereverAJournalIsNamed() {
        assertThat(Journals.redact("jdbc:postgresql://127.0.0.1:5432/db?user=u&password=secret&currentSchema=s"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/db?user=u&password=***&currentSchema=s");
        assertThat(Journals.redact("jdbc:postgresql://h/db?PASSWORD=secret")).isEqualTo("jdbc:postgresql://h/db?PASSWORD=***");
        assertThat(Journals.redact("jdbc:postgresql://h/db;password=secret;user=u")).isEqualTo("jdbc:postgresql://h/db;password=***;user=u");
        assertThat(Journals.redact("./data/trinity.db")).isEqualTo("./data/trinity.db");
        // a whole message: the words after the URL stay
        String message = "journal jdbc:postgresql://h/db?user=u&password=secret is unreachable: refused; check it";
        assertThat(Journals.redact(message))
                .isEqualTo("journal jdbc:postgresql://h/db?user=u&password=*** is unreachable: refused; check it");
        assertThat(Journals.redact(Journals.redact(message))).isEqualTo(Journals.redact(message));
        assertThatThrownBy(() -> Journals.open("jdbc:sqlite::memory:?password=secret"))
                .hasMessageContaining("password=***").hasMessageNotContaining("secret");
    }

    @Test
    void noneMeansInMemory() {
        assertThat(Journals.open("none")).isEmpty();
        assertThat(Journals.open(" NONE ", Duration.ofHours(1), 10)).isEmpty();
    }

    @Test
    void aPathAndASqliteUrlOpenTheSameFile() {
        Path file = dir.resolve("a/b/j.db");
        try (Journal j = Journals.open(file.toString()).orElseThrow()) {
            assertThat(j.load().pending()).isEmpty();
        }
        assertThat(Files.exists(file)).isTrue();
        try (Journal j = Journals.open("jdbc:sqlite:" + file).orElseThrow()) {
            assertThat(((JdbcJournal) j).name()).isEqualTo(file.toString());
            assertThat(((JdbcJournal) j).schemaVersion()).isEqualTo(3);
        }
    }

    @Test
    void fencingIsRefusedOnSqliteAndWithoutAnEpoch() {
        Path file = dir.resolve("fenced.db");
        assertThatThrownBy(() -> JdbcJournal.builder(file.toString()).fencedBy(1).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fencedBy(1) needs PostgreSQL")
                .hasMessageContaining(file.toString());
        assertThat(Files.exists(file)).isFalse();
        assertThatThrownBy(() -> JdbcJournal.builder(file.toString()).fencedBy(-1))
                .hasMessageContaining("fencedBy must be >= 0 (got -1)");
        assertThatThrownBy(() -> JdbcJournal.builder("jdbc:postgresql://127.0.0.1:1/x").onFenced(() -> { }).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("onFenced is set but fencedBy is not");
    }

    @Test
    void specsOfNoKnownFormAreRefusedNamingTheForms() {
        assertThatThrownBy(() -> Journals.open("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> Journals.open("jdbc:mysql://db/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:mysql://db/x is not supported");
        assertThatThrownBy(() -> Journals.open("jdbc:sqlite::memory:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--journal none");
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> Journals.open("jdbc:postgresql://127.0.0.1:1/nowhere?user=u&password=s3cret"))
                .isInstanceOf(JournalException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/nowhere?user=u&password=***")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> JdbcJournal.builder("x.db").retain(Duration.ZERO))
                .hasMessageContaining("retain must be positive (got PT0S)");
        assertThatThrownBy(() -> JdbcJournal.builder("x.db").retainCount(-1))
                .hasMessageContaining("retainCount must be >= 0 (got -1)");
        assertThatThrownBy(() -> JdbcJournal.builder("x.db").synchronous("OFF"))
                .hasMessageContaining("synchronous must be FULL, NORMAL or EXTRA (got OFF)");
        assertThatThrownBy(() -> JdbcJournal.builder("x.db").sqlitePragma("journal_mode", "DELETE"))
                .hasMessageContaining("sqlitePragma journal_mode is set by the journal itself");
        assertThatThrownBy(() -> JdbcJournal.builder(dir.resolve("y.db").toString()).sqlitePragma("no_such", "1").open())
                .hasMessageContaining("unknown SQLite pragma 'no_such'");
    }
}
