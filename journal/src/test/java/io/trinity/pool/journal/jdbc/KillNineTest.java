package io.trinity.pool.journal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.journal.JournalState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process killed with SIGKILL in the middle of writing loses nothing it was told is stored,
 * with either synchronous mode, and leaves no stale lock.
 */
class KillNineTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"FULL", "NORMAL"})
    void everyAcknowledgedTaskSurvivesKillNine(String synchronous) throws Exception {
        Path file = dir.resolve("killed.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), KillTarget.class.getName(), file.toString(), synchronous)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long acknowledged = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                acknowledged = Long.parseLong(line.substring("stored ".length()));
                if (acknowledged == 100) {
                    p.destroyForcibly();  // SIGKILL: no shutdown hook, no close, writes still in flight
                    break;
                }
            }
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertThat(acknowledged).isEqualTo(100);
        try (JdbcJournal j = JdbcJournal.builder(file.toString()).open()) {
            JournalState s = j.load();
            assertThat(s.pending().size()).isGreaterThanOrEqualTo(100);
            assertThat(s.maxTaskId()).isGreaterThanOrEqualTo(100);
            for (int i = 0; i < 100; i++) {
                assertThat(s.pending().get(i).taskId()).isEqualTo(i + 1);
                assertThat(s.pending().get(i).running()).isTrue();
            }
        }
    }
}
