package io.trinity.pool.agents.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agents.process.ProcessAgent;
import io.trinity.pool.agents.process.ProcessAgentConfig;
import io.trinity.pool.event.PoolEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Process agents inside a real pool: crash recovery and stuck detection end to end. */
class ProcessAgentPoolTest {

    static Path worker;
    static String python;
    final List<PoolEvent> events = new CopyOnWriteArrayList<>();
    AgentPool pool;

    @BeforeAll
    static void findWorker() throws Exception {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("examples/workers"))) {
            dir = dir.getParent();
        }
        assertThat(dir).isNotNull();
        worker = dir.resolve("examples/workers/wordcount_worker.py");
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
        } catch (java.io.IOException e) {
            assumeThat(false).as("python3 is installed (.ci/run installs it)").isTrue();
            return;
        }
        python = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    AgentPool pool(CountDownLatch dispatched) {
        ProcessAgentConfig config = ProcessAgentConfig.builder(python, worker.toString())
                .stopGrace(Duration.ofMillis(500)).build();
        pool = AgentPool.builder()
                .config(PoolConfig.custom().warmPool(1).warmPoolMin(1).warmPoolMax(1)
                        .healthInterval(Duration.ofMillis(200)).restartBackoff(Duration.ofMillis(100))
                        .retryBackoff(Duration.ofMillis(50)).retryBackoffMax(Duration.ofMillis(100)).build())
                .register(AgentType.of("wordcount", ProcessAgent.factory(config)).withStuckAfter(Duration.ofSeconds(2)))
                .listener(e -> {
                    events.add(e);
                    if (e instanceof PoolEvent.TaskDispatched) {
                        dispatched.countDown();
                    }
                })
                .build();
        return pool;
    }

    @AfterEach
    void close() throws Exception {
        if (pool != null) {
            pool.shutdown(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTaskRoundTripsThroughAWorkerProcess() throws Exception {
        AgentPool p = pool(new CountDownLatch(1));
        TaskHandle h = p.submit(Task.of("wordcount", Map.of("op", "wordcount", "text", "to be or not to be", "top", 1)));
        Map<String, Object> out = h.result().get(30, TimeUnit.SECONDS).data();
        assertThat(out).containsEntry("words", 6L).containsEntry("unique", 4L);
    }

    @Test
    void killingTheWorkerMidTaskFailsTheAgentReplacesItAndTheTaskCompletesOnRetry() throws Exception {
        CountDownLatch dispatched = new CountDownLatch(1);
        AgentPool p = pool(dispatched);
        TaskHandle h = p.submit(Task.of("wordcount", Map.of("op", "sleep", "ms", 1500)));
        assertThat(dispatched.await(30, TimeUnit.SECONDS)).isTrue();
        List<ProcessHandle> workers = ProcessHandle.current().descendants()
                .filter(ph -> ph.info().commandLine().orElse("").contains("wordcount_worker.py")).toList();
        assertThat(workers).isNotEmpty();
        workers.forEach(ProcessHandle::destroyForcibly); // kill -9

        assertThat(h.result().get(60, TimeUnit.SECONDS).data()).containsEntry("slept_ms", 1500L);
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.attempts()).isEqualTo(2);
        assertThat(h.failureReasons()).singleElement().asString().contains("broke").contains("exit");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.AgentStateChanged.class,
                s -> assertThat(s.to().name()).isEqualTo("FAILED")));
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.AgentSpawned.class,
                s -> assertThat(s.cause()).isEqualTo(PoolEvent.SpawnCause.REPLACE)));
    }

    @Test
    void aSilentWorkerIsDetectedAsStuck() throws Exception {
        AgentPool p = pool(new CountDownLatch(1));
        TaskHandle h = p.submit(Task.builder("wordcount").input(Map.of("op", "hang")).maxAttempts(1).build());
        h.result().handle((v, e) -> null).get(60, TimeUnit.SECONDS);
        assertThat(h.state()).isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(h.failureReasons()).singleElement().asString().startsWith("stuck: no progress for");
        PoolEvent.HealthStuck stuck = events.stream().filter(e -> e instanceof PoolEvent.HealthStuck)
                .map(PoolEvent.HealthStuck.class::cast).findFirst().orElseThrow();
        assertThat(stuck.silentMs()).isGreaterThanOrEqualTo(2_000);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(PoolEvent.HealthRestart.class));
    }
}
