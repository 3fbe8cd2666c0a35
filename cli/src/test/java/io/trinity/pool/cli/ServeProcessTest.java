package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tri serve} as a child process: what it prints on stderr and the exit code it ends with. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeProcessTest {

    @TempDir
    Path dir;

    /** Runs {@code tri serve args} in a child JVM on the test's class path, output and errors into {@code log}. */
    private static Process serve(Path log, String... args) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Tri.class.getName(), "serve"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void aPortInUseIsOneLineOnStderrAndExitCode2() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path log = dir.resolve("taken.log");
            Process p = serve(log, "--journal", "none", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            assertThat(p.exitValue()).as(String.join("\n", lines)).isEqualTo(2);
            assertThat(lines).as("stderr").hasSize(1);
            assertThat(lines.getFirst()).startsWith("tri serve: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void aDrainAfterSigtermEndsWithTheJvmsExitCode143() throws Exception {
        Path log = dir.resolve("serve.log");
        Process p = serve(log, "--journal", "none", "--port", "0", "--warm", "0", "--drain", "5s");
        try {
            ServeAddress.await(p, log, 0, Duration.ofSeconds(60));
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(log);
            assertThat(out).contains("tri serve: draining for up to 5s", "tri serve: stopped;");
            assertThat(p.exitValue()).as(out).isEqualTo(143);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
