package io.trinity.pool.agents.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Sources that crash javac (out of stack, out of memory) and cancelling a compile under way. */
class CompilerLimitsTest {

    private static final long WAIT_S = 60;
    private final CodeAgent agent = new CodeAgent(new AgentInit("code-1", "code", Optional.empty()));

    private Map<String, Object> run(String source) throws Exception {
        return agent.execute(FakeTaskContext.of("code", Map.of("source", source))).data();
    }

    /** {@code S0 = "aaaaaaaa"} and {@code doublings} lines {@code Si = Si-1 + Si-1}. */
    private static String doublings(int doublings) {
        StringBuilder sb = new StringBuilder("class A {\n static final String S0=\"aaaaaaaa\";\n");
        for (int i = 1; i <= doublings; i++) {
            sb.append(" static final String S").append(i).append("=S").append(i - 1).append("+S").append(i - 1)
                    .append(";\n");
        }
        return sb.append("}\n").toString();
    }

    /** Runs {@code action} with System.err captured; returns what was printed there. */
    private static String stderrOf(ThrowingRunnable action) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(old);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void constantFoldingBeyondTheLimitIsRefusedBeforeJavacRuns() {
        // S18 is 2,097,152 characters: javac would build it (and fail on the class file's limit).
        assertThatThrownBy(() -> run(doublings(18)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.source: the constant expression at line 19, column 26 would fold to a"
                        + " string of 1048576 characters, more than the limit of 1000000");
    }

    @Test
    void theProbesTwentyEightDoublingsAreRefusedWithoutBuildingAnyOfThem() {
        // Before: javac folded S28 toward 2^31 characters, ran the JVM out of memory and the task
        // succeeded with compiled:false and no diagnostic.
        assertThatThrownBy(() -> run(doublings(28)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("at line 19, column 26 would fold to a string of 1048576 characters");
    }

    @Test
    void manyConstantsUnderTheLimitEachAreBoundedInAll() {
        StringBuilder sb = new StringBuilder(doublings(15).replace("}\n", ""));
        for (int i = 0; i < 200; i++) { // S15 is 262,144 characters; 200 of these fold 52 million
            sb.append(" static final String T").append(i).append("=S15+\"").append(i).append("\";\n");
        }
        String source = sb.append("}\n").toString();
        assertThatThrownBy(() -> run(source))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.source: its constant string expressions would fold to more than"
                        + " 50000000 characters in all, the limit");
    }

    @Test
    void ordinaryConstantsStillCompile() throws Exception {
        Map<String, Object> out = run("""
                interface Names { String PREFIX = "app."; }
                class A implements Names {
                    static final String KEY = PREFIX + "key" + 1 + 'x' + true;
                    static final int N = 3 * 7;
                    final String label = KEY + N;
                    String f(String s) { final var local = KEY + "-"; return local + s + N; }
                }
                """);
        assertThat(out.get("compiled")).isEqualTo(true);
    }

    @Test
    void theProbesDeepNestingCompilesOnTheAnalysisThreadsStack() throws Exception {
        // Before: a stack overflow in javac, retried three times, or compiled:false with no error.
        Map<String, Object> parens = run("class A { int x = " + "(".repeat(5000) + "1" + ")".repeat(5000) + "; }");
        assertThat(parens.get("compiled")).isEqualTo(true);
        Map<String, Object> generics = run("import java.util.List; class A { " + "List<".repeat(3000) + "String"
                + ">".repeat(3000) + " x; }");
        assertThat(generics.get("compiled")).isEqualTo(true);
        assertThat(generics.get("errors")).isEqualTo(0L);
    }

    @Test
    void nestingBeyondTheStackFailsNonRetryablyAndPrintsNothing() throws Exception {
        // 100,000 nested List<...> overflow a stack more than ten times as large as the one they need
        String source = "import java.util.List; class A { " + "List<".repeat(100_000) + "String"
                + ">".repeat(100_000) + " x; }";
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        String stderr = stderrOf(() -> {
            try {
                run(source);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        assertThat(thrown.get()).isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.source: the compiler ran out of stack on this source"
                        + " (java.lang.StackOverflowError at ")
                .hasMessageContaining("it nests deeper than the 16 MiB stack the code agent compiles with allows");
        assertThat(stderr).isEmpty();
    }

    @Test
    void aCrashJavacSwallowsInsideItsCompileIsReportedNotCompiledFalse() throws Exception {
        // The whole compile on a 256 KiB stack: javac overflows while it parses inside call(), catches
        // the error, prints "An exception has occurred in the compiler" and returns false, no diagnostic.
        String source = "class A { int x = " + "(".repeat(20_000) + "1" + ")".repeat(20_000) + "; }";
        FakeTaskContext ctx = FakeTaskContext.of("code", Map.of("source", source));
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread small = new Thread(null, () -> {
            try {
                outcome.complete(InMemoryCompiler.compile(ToolProvider.getSystemJavaCompiler(), "A.java", source, ctx,
                        new CompilerThread.Stop(ctx)));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        }, "small-stack", 256 << 10);
        String stderr = stderrOf(() -> {
            small.start();
            small.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        });
        assertThatThrownBy(() -> outcome.get(WAIT_S, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.source: the compiler ran out of stack on this source"
                        + " (java.lang.StackOverflowError at com.sun.tools.javac.");
        assertThat(stderr).isEmpty();
    }

    @Test
    void anOutOfMemoryReportFromJavacIsReadAsSuch() {
        String printed = """
                An exception has occurred in the compiler (25.0.3). Please file a bug against the Java compiler via\
                 the Java bug reporting page (https://bugreport.java.com) after checking the Bug Database\
                 (https://bugs.java.com) for duplicates. Include your program, the following diagnostic, and the\
                 parameters passed to the Java compiler in your report. Thank you.
                java.lang.OutOfMemoryError: Java heap space
                \tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)
                \tat java.base/java.lang.AbstractStringBuilder.ensureCapacityInternal(AbstractStringBuilder.java:228)
                """;
        assertThat(CompilerCrash.fromOutput(printed, "class A {}"))
                .hasMessage("input.source: the compiler ran out of memory on this source (java.lang.OutOfMemoryError:"
                        + " Java heap space at java.util.Arrays.copyOf) (got 'class A {}')");
        assertThat(CompilerCrash.fromOutput("", "class A {}"))
                .hasMessage("input.source: the compiler stopped on this source without reporting an error or saying"
                        + " why (got 'class A {}')");
        assertThat(CompilerCrash.fromOutput(printed.replace("java.lang.OutOfMemoryError: Java heap space",
                "java.lang.AssertionError"), "class A {}"))
                .hasMessageStartingWith("input.source: the compiler failed with an internal error on this source"
                        + " (java.lang.AssertionError at java.util.Arrays.copyOf)");
    }

    @Test
    void aCancelEndsTheTaskAtOnceAndStopsJavacAtItsNextPhase() throws Exception {
        FakeTaskContext ctx = FakeTaskContext.of("code", Map.of("source", "class A { void m() {} }\nclass B {}\n"));
        CountDownLatch inAnalyze = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        ctx.onProgress = note -> {
            // holds javac inside its first analyze phase, as a long phase would
            if ("compiling: analyze".equals(note) && held.compareAndSet(false, true)) {
                inAnalyze.countDown();
                try {
                    release.await(WAIT_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        CompletableFuture<Object> task = CompletableFuture.supplyAsync(() -> {
            try {
                return agent.execute(ctx);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertThat(inAnalyze.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        Thread compiling = CompilerThread.last;

        ctx.cancel();
        // the task ends while javac is still held in its phase
        assertThatThrownBy(() -> task.get(WAIT_S, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CancellationException.class);
        assertThat(compiling.isAlive()).isTrue();

        release.countDown();
        compiling.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertThat(compiling.isAlive()).isFalse();
        assertThat(ctx.notes).doesNotContain("compiling: generate", "done");
    }
}
