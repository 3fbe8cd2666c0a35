package com.example.modular;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every jar of ours is a named module that says what it requires: the application starts with
 * {@code --module-path} and {@code --module} alone, no {@code --add-modules} or {@code --add-opens}.
 */
class ModulePathConsumerTest {

    @Test
    void mainRunsTheCodeAgentOnTheModulePath() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String deps = Files.readString(Path.of(System.getProperty("app.runtime.classpath")), StandardCharsets.UTF_8).strip();
        String modulePath = System.getProperty("app.classes") + File.pathSeparator + deps;
        Path log = Files.createTempFile("module-path-consumer", ".log");
        Process p = new ProcessBuilder(java, "--module-path", modulePath, "--module", "com.example.modular/com.example.modular.Main")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("Main ended within 2 minutes; output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
        assertThat(out.lines()).as(out).contains(
                "app.module=com.example.modular",
                "core.module=io.trinity.pool",
                "agent.module=io.trinity.pool.agents.code",
                "compiled=true",
                "complexity=3")
                .anyMatch(l -> l.startsWith("classFiles={demo.Hello="));
    }
}
