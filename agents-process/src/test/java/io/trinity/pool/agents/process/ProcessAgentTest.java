package io.trinity.pool.agents.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs real worker processes: the Python example worker and a few inline ones. */
class ProcessAgentTest {

    private static final long WAIT_S = 20;
    private static Path workers;
    /** The interpreter itself: version-manager shims on PATH can take seconds to start. */
    private static String python;
    private final List<ProcessAgent> started = new ArrayList<>();

    @BeforeAll
    static void findWorkers() {
        assumeThat(onPath("python3")).as("python3 on PATH").isTrue();
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("examples/workers"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("examples/workers above " + System.getProperty("user.dir")).isNotNull();
        workers = dir.resolve("examples/workers");
        python = pythonExecutable();
    }

    private static String pythonExecutable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
            String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor(WAIT_S, TimeUnit.SECONDS)).isTrue();
            return path.isEmpty() ? "python3" : path;
        } catch (Exception e) {
            throw new AssertionError("cannot ask python3 for its path", e);
        }
    }

    @AfterEach
    void closeAgents() {
        started.forEach(ProcessAgent::close);
    }

    private static boolean onPath(String program) {
        try {
            ProcessAgentConfig.builder(program).build();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ProcessAgentConfig.Builder python() {
        return ProcessAgentConfig.builder(python, workers.resolve("wordcount_worker.py").toString())
                .stopGrace(Duration.ofMillis(500));
    }

    private static ProcessAgentConfig.Builder inline(String script) {
        return ProcessAgentConfig.builder(python, "-c", script).stopGrace(Duration.ofMillis(300));
    }

    private ProcessAgent start(ProcessAgentConfig config) throws Exception {
        ProcessAgent agent = create(config);
        agent.init();
        return agent;
    }

    private ProcessAgent create(ProcessAgentConfig config) throws Exception {
        ProcessAgent agent = (ProcessAgent) ProcessAgent.factory(config)
                .create(new AgentInit("wc-" + (started.size() + 1), "wordcount", Optional.empty()));
        started.add(agent);
        return agent;
    }

    /** Runs execute on its own thread; the future holds the Payload or what execute threw. */
    private static CompletableFuture<Object> executeAsync(ProcessAgent agent, SignalContext ctx) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(agent.execute(ctx.fake));
            } catch (Throwable t) {
                f.complete(t);
            }
        });
        return f;
    }

    private static Throwable failureOf(CompletableFuture<Object> f) throws Exception {
        Object outcome = f.get(WAIT_S, TimeUnit.SECONDS);
        if (outcome instanceof Throwable t) {
            return t;
        }
        throw new AssertionError("the task succeeded with " + outcome + ", but it should have failed");
    }

    @Test
    void readyHandshakeThenWordcountRoundTrip() throws Exception {
        ProcessAgent agent = start(python().build());
        assertThat(agent.alive()).isTrue();

        FakeTaskContext ctx = FakeTaskContext.of("wordcount",
                Map.of("op", "wordcount", "text", "The cat and the hat.\nThe end, the END", "top", 2));
        Payload out = agent.execute(ctx);

        assertThat(out.data()).containsEntry("words", 9L).containsEntry("lines", 2L)
                .containsEntry("unique", 5L).containsEntry("chars", 37L)
                .containsEntry("top", List.of(List.of("the", 4L), List.of("end", 2L)));
        // The same process serves the next task.
        Payload second = agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "wordcount", "text", "one two")));
        assertThat(second.data()).containsEntry("words", 2L);
        assertThat(agent.alive()).isTrue();
    }

    @Test
    void progressLinesReachTheContextAsHeartbeats() throws Exception {
        ProcessAgent agent = start(python().build());
        FakeTaskContext ctx = FakeTaskContext.of("wordcount", Map.of("op", "sleep", "ms", 300));

        Payload out = agent.execute(ctx);

        assertThat(out.data()).containsEntry("slept_ms", 300L);
        assertThat(ctx.progress).hasSize(3);
        assertThat(ctx.progress.get(0)).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ctx.progress.get(2)).isEqualTo(1.0);
        assertThat(ctx.notes).containsExactly("slept 100 of 300 ms", "slept 200 of 300 ms", "slept 300 of 300 ms");
    }

    @Test
    void attachmentsTravelBase64BothWays() throws Exception {
        ProcessAgent agent = start(python().build());
        Task reverse = Task.builder("wordcount").input(Map.of("op", "reverse", "text", "héllo"))
                .attach("data", "application/octet-stream", new byte[] {1, 2, 3, 4, 5, (byte) 0xff}).build();

        Payload out = agent.execute(new FakeTaskContext(reverse));

        assertThat(out.data()).containsEntry("reversed", "olléh");
        Attachment back = out.attachment("reversed").orElseThrow();
        assertThat(back.mediaType()).isEqualTo("application/octet-stream");
        assertThat(back.bytes()).containsExactly((byte) 0xff, 5, 4, 3, 2, 1);

        Task count = Task.builder("wordcount").input(Map.of("op", "wordcount"))
                .attach("text", "text/plain", "a b a c a b".getBytes(StandardCharsets.UTF_8)).build();
        assertThat(agent.execute(new FakeTaskContext(count)).data())
                .containsEntry("words", 6L).containsEntry("top", List.of(List.of("a", 3L), List.of("b", 2L), List.of("c", 1L)));
    }

    @Test
    void errorLineIsANonRetryableFailureAndTheWorkerStays() throws Exception {
        ProcessAgent agent = start(python().build());

        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "wordcount"))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.text: a string (or a text attachment) is required (got nothing)");
        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "explode"))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.op: must be one of crash, flaky, hang, reverse, sleep, wordcount (got 'explode')");

        assertThat(agent.alive()).isTrue();
        assertThat(agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "wordcount", "text", "x y z"))).data())
                .containsEntry("words", 3L);
    }

    @Test
    void retryableErrorLineIsNotNonRetryable() throws Exception {
        ProcessAgent agent = start(python().build());

        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "flaky"))))
                .isInstanceOf(WorkerTaskException.class)
                .isNotInstanceOf(NonRetryableException.class)
                .hasMessageContaining("flaky op failed on purpose");
        assertThat(agent.alive()).isTrue();
    }

    @Test
    void killedWorkerMidTaskBreaksTheAgent() throws Exception {
        ProcessAgent agent = start(python().build());
        SignalContext ctx = new SignalContext(FakeTaskContext.of("wordcount", Map.of("op", "sleep", "ms", 60_000)));
        CompletableFuture<Object> result = executeAsync(agent, ctx);
        ctx.firstProgress.get(WAIT_S, TimeUnit.SECONDS);

        ProcessHandle process = agent.processHandle();
        assertThat(process.destroyForcibly()).isTrue();

        assertThat(failureOf(result)).isInstanceOf(AgentBrokenException.class)
                .hasMessageContaining("pid " + process.pid())
                .hasMessageContaining("exited with code 137 (killed by signal 9)")
                .hasMessageContaining("during task 1");
        assertThat(agent.alive()).isFalse();
        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "wordcount", "text", "a"))))
                .isInstanceOf(AgentBrokenException.class).hasMessageContaining("exited with code 137");
    }

    @Test
    void crashingWorkerReportsExitCodeAndLastStderr() throws Exception {
        ProcessAgent agent = start(python().build());

        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "crash"))))
                .isInstanceOf(AgentBrokenException.class)
                .hasMessageContaining("exited with code 3;")
                .hasMessageContaining("crashing on purpose with exit code 3");
        assertThat(agent.alive()).isFalse();
    }

    @Test
    void closeStopsTheWorkerPolitely() throws Exception {
        ProcessAgent agent = start(python().build());
        ProcessHandle process = agent.processHandle();

        agent.close();

        process.onExit().get(WAIT_S, TimeUnit.SECONDS);
        assertThat(process.isAlive()).isFalse();
        assertThat(agent.alive()).isFalse();
        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "wordcount", "text", "a"))))
                .isInstanceOf(AgentBrokenException.class).hasMessageContaining("the agent was closed");
    }

    @Test
    void closeKillsAWorkerThatIgnoresStopAndSigterm() throws Exception {
        ProcessAgent agent = start(inline("""
                import signal, sys, threading
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                print('{"type":"ready"}', flush=True)
                threading.Event().wait()
                """).build());
        ProcessHandle process = agent.processHandle();

        agent.close();

        process.onExit().get(WAIT_S, TimeUnit.SECONDS);
        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void workerThatNeverSendsReadyFailsInitClearly() throws Exception {
        ProcessAgent agent = create(inline("""
                import sys, threading
                sys.stderr.write('loading a very large model\\n'); sys.stderr.flush()
                threading.Event().wait()
                """).readyTimeout(Duration.ofSeconds(2)).build());

        assertThatThrownBy(agent::init).isInstanceOf(AgentBrokenException.class)
                .hasMessageContaining("sent no ready line within PT2S and was killed")
                .hasMessageContaining("loading a very large model")
                .hasMessageContaining("raise readyTimeout");
        agent.processHandle().onExit().get(WAIT_S, TimeUnit.SECONDS);
        assertThat(agent.alive()).isFalse();
    }

    @Test
    void workerThatExitsBeforeReadyFailsInitWithItsExitCode() throws Exception {
        ProcessAgent agent = create(inline("""
                import sys
                print('not protocol, ignored', flush=True)
                sys.stderr.write('cannot load libfoo.so\\n')
                sys.exit(2)
                """).build());

        assertThatThrownBy(agent::init).isInstanceOf(AgentBrokenException.class)
                .hasMessageContaining("exited with code 2;")
                .hasMessageContaining("cannot load libfoo.so")
                .hasMessageContaining("before it was ready");
    }

    @Test
    void hungWorkerIsKilledAfterTheGraceWhenTheTaskIsCancelled() throws Exception {
        ProcessAgent agent = start(python().build());
        SignalContext ctx = new SignalContext(FakeTaskContext.of("wordcount", Map.of("op", "hang")));
        CompletableFuture<Object> result = executeAsync(agent, ctx);
        assertThat(ctx.firstProgress.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("about to hang");
        ProcessHandle process = agent.processHandle();

        ctx.fake.cancel();

        assertThat(failureOf(result)).isInstanceOf(CancellationException.class)
                .hasMessageContaining("ignored the cancel of task 1 for PT0.5S and was killed")
                .hasMessageContaining("hanging on purpose");
        process.onExit().get(WAIT_S, TimeUnit.SECONDS);
        assertThat(agent.alive()).isFalse();
    }

    @Test
    void cancelHonouredByTheWorkerKeepsTheAgent() throws Exception {
        ProcessAgent agent = start(python().build());
        SignalContext ctx = new SignalContext(FakeTaskContext.of("wordcount", Map.of("op", "sleep", "ms", 60_000)));
        CompletableFuture<Object> result = executeAsync(agent, ctx);
        ctx.firstProgress.get(WAIT_S, TimeUnit.SECONDS);

        ctx.fake.cancel();

        assertThat(failureOf(result)).isInstanceOf(CancellationException.class)
                .hasMessageContaining("the worker stopped it");
        assertThat(agent.alive()).isTrue();
        assertThat(agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "wordcount", "text", "still here"))).data())
                .containsEntry("words", 2L);
    }

    @Test
    void interruptCancelsTheTask() throws Exception {
        ProcessAgent agent = start(python().build());
        SignalContext ctx = new SignalContext(FakeTaskContext.of("wordcount", Map.of("op", "sleep", "ms", 60_000)));
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                agent.execute(ctx.fake);
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
            }
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        });
        ctx.firstProgress.get(WAIT_S, TimeUnit.SECONDS);

        runner.interrupt();

        assertThat(failure.get(WAIT_S, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class)
                .hasMessageContaining("the worker stopped it");
        assertThat(stillInterrupted.get(WAIT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.alive()).isTrue();
    }

    @Test
    void overLongLineIsRefusedAndTheStreamStaysInStep() throws Exception {
        ProcessAgent agent = start(python().maxLineBytes(1024).build());

        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "reverse", "text", "ab".repeat(1000)))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("over the limit of 1024 (maxLineBytes)");
        assertThat(agent.execute(FakeTaskContext.of("wordcount", Map.of("op", "reverse", "text", "abc"))).data())
                .containsEntry("reversed", "cba");
    }

    @Test
    void shellWorkerEchoesWhatItReceives() throws Exception {
        ProcessAgent agent = start(ProcessAgentConfig.builder(workers.resolve("echo_worker.sh").toString()).build());
        FakeTaskContext ctx = FakeTaskContext.of("echo", Map.of("n", 42, "list", List.of("a", true)));

        Payload out = agent.execute(ctx);

        @SuppressWarnings("unchecked")
        Map<String, Object> echo = (Map<String, Object>) out.data().get("echo");
        assertThat(echo).containsEntry("type", "task").containsEntry("id", 1L).containsEntry("taskType", "echo")
                .containsEntry("input", Map.of("n", 42L, "list", List.of("a", true)));
        assertThat(ctx.progress).containsExactly(0.5);
    }

    @Test
    void configRefusesProgramsThatCannotRun() throws Exception {
        assertThatThrownBy(() -> ProcessAgentConfig.builder(List.of()))
                .hasMessage("command must name a program (got an empty list)");
        assertThatThrownBy(() -> ProcessAgentConfig.builder("no-such-worker-xyz", "--flag").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("command[0]: program 'no-such-worker-xyz' is not on PATH (searched ");
        assertThatThrownBy(() -> ProcessAgentConfig.builder("/nonexistent/worker.py").build())
                .hasMessageStartingWith("command[0]: program '/nonexistent/worker.py' does not exist");
        Path notExecutable = Files.createTempFile("worker", ".txt");
        try {
            assertThatThrownBy(() -> ProcessAgentConfig.builder(notExecutable.toString()).build())
                    .hasMessageContaining("is not executable");
        } finally {
            Files.delete(notExecutable);
        }
        assertThatThrownBy(() -> python().readyTimeout(Duration.ZERO))
                .hasMessage("readyTimeout must be > 0 (got PT0S)");
    }
}
