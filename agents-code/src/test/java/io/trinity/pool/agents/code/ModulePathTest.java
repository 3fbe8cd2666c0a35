package io.trinity.pool.agents.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.agents.common.Inputs;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A modular application that requires only {@code io.trinity.pool.agents.code} compiles and
 * runs the code agent in a pool on the module path, with no {@code --add-modules}: the module
 * descriptors alone bring in core, slf4j, {@code java.compiler} and {@code jdk.compiler}.
 * (The rest of the suite runs on the class path.)
 */
class ModulePathTest {

    private static final String MODULE_INFO = "module demo { requires io.trinity.pool.agents.code; }\n";

    private static final String MAIN = """
            package demo;

            import io.trinity.pool.AgentPool;
            import io.trinity.pool.PoolConfig;
            import io.trinity.pool.Task;
            import io.trinity.pool.agents.code.CodeAgent;
            import java.util.Map;
            import java.util.concurrent.TimeUnit;

            public class Main {
                public static void main(String[] args) throws Exception {
                    try (AgentPool pool = AgentPool.builder()
                            .config(PoolConfig.custom().warmPool(0).warmPoolMin(0).build())
                            .register("code", CodeAgent::new)
                            .build()) {
                        Map<String, Object> out = pool.submit(Task.of("code",
                                Map.of("source", "class A { int f(int x) { return x > 0 ? 1 : 0; } }")))
                                .result().get(60, TimeUnit.SECONDS).data();
                        System.out.println("module=" + CodeAgent.class.getModule().getName()
                                + " compiled=" + out.get("compiled") + " methods=" + out.get("methods"));
                    }
                }
            }
            """;

    @Test
    void runsOnTheModulePathWithoutAddModules(@TempDir Path dir) throws Exception {
        String modulePath = Stream.concat(Stream.of(CodeAgent.class, Inputs.class, AgentPool.class)
                        .map(ModulePathTest::location), Stream.of(slf4jApiJar()))
                .collect(Collectors.joining(File.pathSeparator));
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("demo"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("demo/Main.java"), MAIN);
        Path out = dir.resolve("out");

        ByteArrayOutputStream javacOutput = new ByteArrayOutputStream();
        int javac = ToolProvider.getSystemJavaCompiler().run(null, javacOutput, javacOutput,
                "--module-path", modulePath, "-d", out.toString(),
                src.resolve("module-info.java").toString(), src.resolve("demo/Main.java").toString());
        assertThat(javac).as(javacOutput.toString(StandardCharsets.UTF_8)).isZero();

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process run = new ProcessBuilder(List.of(java.toString(),
                "--module-path", out + File.pathSeparator + modulePath, "-m", "demo/demo.Main"))
                .redirectErrorStream(true).start();
        // A bound, not a wait for something: the run ends by itself in about a second.
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("the demo finished").isTrue();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).contains("module=io.trinity.pool.agents.code compiled=true methods=1");
    }

    /** Core requires slf4j-api; found by resource, as nothing in this module uses it. */
    private static String slf4jApiJar() throws IOException, URISyntaxException {
        URL logger = ClassLoader.getSystemResource("org/slf4j/Logger.class");
        assertThat(logger).as("slf4j-api on the test class path").isNotNull();
        return Path.of(((JarURLConnection) logger.openConnection()).getJarFileURL().toURI()).toString();
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
