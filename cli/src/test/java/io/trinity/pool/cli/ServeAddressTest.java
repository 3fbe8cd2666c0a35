package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the address a child {@code tri serve --port 0} prints, with real child processes. */
class ServeAddressTest {

    @TempDir
    Path dir;

    private Process start(Path log, String script) throws Exception {
        return new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Test
    void readsTheAddressThisRunPrintedNotAnEarlierRunsInTheSameLog() throws Exception {
        Path log = Files.writeString(dir.resolve("n1.log"), "tri serve: listening on http://127.0.0.1:1111/  (old run)\n");
        long from = ServeAddress.size(log);
        Process p = start(log, "echo 'tri serve: node n1 of the cluster'; "
                + "echo 'tri serve: listening on http://127.0.0.1:2222/  (API http://127.0.0.1:2222/v1)'; exec cat");
        try {
            assertThat(ServeAddress.await(p, log, from, Duration.ofSeconds(30))).isEqualTo("http://127.0.0.1:2222/");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessThatExitsFirstIsAnErrorWithItsExitCodeAndOutput() throws Exception {
        Path log = dir.resolve("n2.log");
        Process p = start(log, "echo 'tri serve: node n2: cannot reach the journal'; exit 3");
        p.waitFor();
        assertThatThrownBy(() -> ServeAddress.await(p, log, 0, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited (3)")
                .hasMessageContaining("cannot reach the journal");
    }
}
