package io.trinity.pool.agents.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CodeAgentTest {

    private final CodeAgent agent = new CodeAgent(new AgentInit("code-1", "code", Optional.empty()));

    private static String resource(String name) throws IOException {
        try (InputStream in = CodeAgentTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Map<String, Object> run(Map<String, ?> input) throws Exception {
        return agent.execute(FakeTaskContext.of("code", input)).data();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> complexityByMethod(Map<String, Object> out) {
        return ((List<Map<String, Object>>) out.get("methodMetrics")).stream().collect(Collectors.toMap(
                m -> m.get("type") + "#" + m.get("name"), m -> (Long) m.get("complexity")));
    }

    @Test
    void measuresBranchesExactly() throws Exception {
        Map<String, Object> out = run(Map.of("source", resource("Branches.java")));

        assertThat(out.get("fileName")).isEqualTo("Branches.java");
        assertThat(out.get("compiled")).isEqualTo(true);
        assertThat(out.get("errors")).isEqualTo(0L);
        assertThat(out.get("classFiles")).isEqualTo(Map.of("demo.Branches", ((Map<?, ?>) out.get("classFiles"))
                .get("demo.Branches")));
        assertThat((Long) ((Map<?, ?>) out.get("classFiles")).get("demo.Branches")).isPositive();
        assertThat(out.get("classes")).isEqualTo(1L);
        assertThat(out.get("methods")).isEqualTo(3L);
        assertThat(complexityByMethod(out)).isEqualTo(Map.of(
                "Branches#straight", 1L, "Branches#classify", 4L, "Branches#loops", 7L));
        assertThat(out.get("complexity")).isEqualTo(Map.of("total", 12L, "max", 7L, "average", 4.0));
        assertThat(out.get("lines")).isEqualTo(Map.of("total", 41L, "code", 30L, "blank", 4L, "comment", 7L));
    }

    @Test
    void measuresSwitchesLambdasCatchesAndNestedTypes() throws Exception {
        Map<String, Object> out = run(Map.of("source", resource("Switches.java")));

        assertThat(out.get("compiled")).as("diagnostics %s", out.get("diagnostics")).isEqualTo(true);
        assertThat(out.get("classes")).isEqualTo(3L);
        assertThat(out.get("anonymousClasses")).isEqualTo(1L);
        assertThat(out.get("methods")).isEqualTo(7L);
        assertThat(complexityByMethod(out)).isEqualTo(Map.of(
                "Switches#legacy", 3L,
                "Switches#rules", 5L,
                "Switches#parse", 5L,
                "Switches#runner", 1L,
                "Switches.<anonymous #1>#run", 2L,
                "Switches.Point#Point", 3L,
                "Switches.Shape#area", 1L));
        assertThat(out.get("types")).isEqualTo(List.of(
                Map.of("name", "Switches", "kind", "class", "line", 3L),
                Map.of("name", "Switches.Point", "kind", "record", "line", 62L),
                Map.of("name", "Switches.Shape", "kind", "interface", "line", 70L)));
        assertThat(((Map<?, ?>) out.get("classFiles")).keySet().stream().map(String::valueOf).toList())
                .containsExactlyInAnyOrder("Switches", "Switches$1", "Switches$Point", "Switches$Shape");
    }

    @Test
    void reportsTheLineAndColumnOfAnError() throws Exception {
        String source = """
                public class Broken {
                    int f() {
                        return "x";
                    }
                }
                """;
        Map<String, Object> out = run(Map.of("source", source));

        assertThat(out.get("compiled")).isEqualTo(false);
        assertThat(out.get("errors")).isEqualTo(1L);
        assertThat(out.get("classFiles")).isEqualTo(Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> d = ((List<Map<String, Object>>) out.get("diagnostics")).get(0);
        assertThat(d.get("kind")).isEqualTo("error");
        assertThat(d.get("line")).isEqualTo(3L);
        assertThat(d.get("column")).isEqualTo(16L);
        assertThat(d.get("code")).isEqualTo("compiler.err.prob.found.req");
        assertThat((String) d.get("message")).contains("String cannot be converted to int");
        // metrics still come from the tree of code that does not compile
        assertThat(out.get("methods")).isEqualTo(1L);
    }

    @Test
    void syntaxErrorsStillGiveMetricsAndWarningsAreCounted() throws Exception {
        String source = """
                class Sloppy {
                    java.util.List raw = new java.util.ArrayList();
                    int g(int a) {
                        if (a > 0) return a
                        return 0;
                    }
                }
                """;
        Map<String, Object> out = run(Map.of("source", source, "fileName", "Sloppy.java"));

        assertThat(out.get("compiled")).isEqualTo(false);
        @SuppressWarnings("unchecked")
        Map<String, Object> d = ((List<Map<String, Object>>) out.get("diagnostics")).get(0);
        assertThat(d).containsEntry("kind", "error").containsEntry("line", 4L).containsEntry("column", 28L)
                .containsEntry("code", "compiler.err.expected");
        assertThat(complexityByMethod(out)).isEqualTo(Map.of("Sloppy#g", 2L));

        Map<String, Object> fixed = run(Map.of("source", source.replace("return a\n", "return a;\n")));
        assertThat(fixed.get("compiled")).isEqualTo(true);
        // -Xlint:all flags both raw types on line 2
        assertThat(fixed.get("warnings")).isEqualTo(2L);
        assertThat(fixed.get("diagnostics").toString()).contains("kind=warning, line=2, column=14, code=compiler.warn.raw.class.use");
        assertThat(fixed.get("fileName")).isEqualTo("Sloppy.java");
    }

    @Test
    void aPublicClassInTheWrongFileIsTheCompilersError() throws Exception {
        Map<String, Object> out = run(Map.of("source", "public class Named {}\n", "fileName", "Other.java"));

        assertThat(out.get("compiled")).isEqualTo(false);
        assertThat(out.get("diagnostics").toString()).contains("compiler.err.class.public.should.be.in.file");
    }

    @Test
    void countsLinesAroundTrickyLiterals() {
        String source = "class T {\r\n"
                + "    String a = \"/* not a comment\";\r\n"
                + "    // a comment with \"quotes\"\r\n"
                + "\r\n"
                + "    /*\r\n"
                + "\r\n"
                + "     */ int b = '\"';\r\n"
                + "    String c = \"\"\"\r\n"
                + "        // text, not a comment\r\n"
                + "\r\n"
                + "        \"\"\"; /* trailing */\r\n"
                + "}";
        assertThat(LineCounter.count(source)).isEqualTo(new LineCounter.Lines(12, 8, 2, 2));
    }

    @Test
    void reportsPhasesAsHeartbeats() throws Exception {
        FakeTaskContext ctx = FakeTaskContext.of("code", Map.of("source", "class A { void m() {} }"));
        agent.execute(ctx);

        assertThat(ctx.notes).contains("parsing", "compiling: parse", "compiling: analyze", "compiling: generate",
                "done");
        assertThat(ctx.progress.get(ctx.progress.size() - 1)).isEqualTo(1.0);
    }

    @Test
    void stopsWhenCancelled() {
        FakeTaskContext ctx = FakeTaskContext.of("code", Map.of("source", "class A {}"));
        ctx.cancel();
        assertThatThrownBy(() -> agent.execute(ctx)).isInstanceOf(CancellationException.class);
    }

    @Test
    void badInputIsRefusedClearly() {
        assertThatThrownBy(() -> run(Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.source: a non-empty string is required (got nothing)");
        assertThatThrownBy(() -> run(Map.of("source", "  \n ")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.source: is blank; give the Java source text to analyse");
        assertThatThrownBy(() -> run(Map.of("source", 42)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.source: a non-empty string is required (got 42)");
        assertThatThrownBy(() -> run(Map.of("source", "class A {}", "fileName", "../A.java")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.fileName: must be a plain file name ending in .java, without folders (got '../A.java')");
        Map<String, Object> wrongOp = new HashMap<>(Map.of("source", "class A {}", "op", "run"));
        assertThatThrownBy(() -> run(wrongOp))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.op: the code agent knows only 'analyze' (got 'run')");
    }

    @Test
    void withoutACompilerTheAgentSaysItNeedsAJdk() {
        CodeAgent onJre = new CodeAgent(new AgentInit("code-2", "code", Optional.empty()), () -> null);
        assertThatThrownBy(onJre::init)
                .isInstanceOf(AgentBrokenException.class)
                .hasMessageContaining("needs a JDK")
                .hasMessageContaining("run the pool on a JDK 21 or later");
    }

    @Test
    void isAnAgentFactory() throws Exception {
        AgentFactory factory = CodeAgent::new;
        Payload out = factory.create(new AgentInit("code-3", "code", Optional.empty()))
                .execute(FakeTaskContext.of("code", Map.of("source", "class A { int m(boolean b) { return b ? 1 : 2; } }")));
        assertThat(out.data().get("complexity")).isEqualTo(Map.of("total", 2L, "max", 2L, "average", 2.0));
    }
}
