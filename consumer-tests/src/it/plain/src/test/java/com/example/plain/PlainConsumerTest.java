package com.example.plain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The promise of the split modules: an application that wants the code agent gets core, the code
 * agent and the few jars they need, and runs on exactly those (no test jars hiding a gap).
 */
class PlainConsumerTest {

    static List<String> runtimeJars() throws IOException {
        String cp = Files.readString(Path.of(System.getProperty("app.runtime.classpath")), StandardCharsets.UTF_8).strip();
        return Arrays.stream(cp.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
    }

    @Test
    void coreAndTheCodeAgentBringAtMostFourJars() throws IOException {
        List<String> names = runtimeJars().stream().map(p -> Path.of(p).getFileName().toString()).toList();
        assertThat(names).hasSizeLessThanOrEqualTo(4)
                .anyMatch(n -> n.startsWith("trinity-pool-core-"))
                .anyMatch(n -> n.startsWith("trinity-pool-agents-code-"))
                .allMatch(n -> n.endsWith(".jar"));
    }

    @Test
    void mainAnalysesASourceFileOnTheRuntimeClassPathAlone() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("app.classes") + File.pathSeparator + String.join(File.pathSeparator, runtimeJars());
        Path log = Files.createTempFile("plain-consumer", ".log");
        Process p = new ProcessBuilder(java, "-cp", cp, "com.example.plain.Main")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("Main ended within 2 minutes; output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
        assertThat(out.lines()).as(out).contains(
                "fileName=Evens.java",
                "compiled=false",
                "errors=1",
                "diagnostic=error 27:16 compiler.err.prob.found.req",
                "methods=3",
                "complexity.largestEven=4",
                "complexity.label=4",
                "complexity.broken=1");
    }
}
