package io.trinity.pool.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.DeadLetter;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.RateLimitedException;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.internal.Engine;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** Regression tests of issue 11 on virtual time: nothing holds an agent forever, nothing grows without bound, the log tells all. */
class HardeningTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    private AgentPool pool(PoolConfig.Builder config, AgentType... types) {
        var b = AgentPool.builder().deterministic(clock).listener(events::add)
                .config(config.warmPool(0).warmPoolMin(0).build());
        for (AgentType t : types) {
            b.register(t);
        }
        return b.build();
    }

    private void runUntilFinal(TaskHandle... handles) {
        long limit = clock.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (clock.nanoTime() < limit && !allFinal(handles)) {
            clock.advance(Duration.ofMillis(100));
        }
    }

    private static boolean allFinal(TaskHandle... handles) {
        for (TaskHandle h : handles) {
            if (!h.state().isFinal()) {
                return false;
            }
        }
        return true;
    }

    /** An agent whose first run never returns and ignores cancellation; later runs finish in 100 ms. */
    private AgentType neverReturnsOnce(String name) {
        int[] runs = {0};
        return AgentType.of(name, init -> (AsyncAgent) ctx -> {
            if (runs[0]++ == 0) {
                return new CompletableFuture<>(); // never completes, whatever happens
            }
            CompletableFuture<Payload> f = new CompletableFuture<>();
            clock.schedule(Duration.ofMillis(100), () -> f.complete(Payload.of(Map.of("agent", ctx.agentId()))));
            return f;
        });
    }

    @Test
    void anAttemptThatTimedOutButNeverReturnsIsStuckAndItsAgentReplaced() {
        AgentPool pool = pool(PoolConfig.custom().maxAgents(1).warmPoolMax(1).stuckAfter(Duration.ofMillis(800))
                .healthInterval(Duration.ofMillis(200)), neverReturnsOnce("code"));
        TaskHandle first = pool.submit(Task.builder("code").timeout(Duration.ofMillis(500)).maxAttempts(1).build());
        TaskHandle second = pool.submit(Task.of("code", Map.of()));
        runUntilFinal(first, second);

        assertThat(first.state()).isEqualTo(TaskState.TIMED_OUT);
        // the slot held by the runaway code was freed by failing its agent, so the queue moved on
        assertThat(second.state()).isEqualTo(TaskState.SUCCEEDED);
        PoolEvent.HealthStuck stuck = events.stream().filter(e -> e instanceof PoolEvent.HealthStuck)
                .map(PoolEvent.HealthStuck.class::cast).findFirst().orElseThrow();
        assertThat(stuck.task()).isEqualTo(first.id());
        assertThat(stuck.silentMs()).isBetween(800L, 1_000L);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.HealthRestart.class,
                r -> assertThat(r.agent()).isEqualTo(stuck.agent())));
        assertThat(second.result().join().data().get("agent")).isNotEqualTo(stuck.agent());
        assertThat(((Engine) pool).loopFailures()).isZero();
    }

    @Test
    void aTimeoutTooLongForNanosecondsCountsAsNone() {
        AgentType quick = AgentType.of("code", init -> (AsyncAgent) ctx -> {
            CompletableFuture<Payload> f = new CompletableFuture<>();
            clock.schedule(Duration.ofSeconds(2), () -> f.complete(Payload.EMPTY));
            return f;
        });
        AgentPool pool = pool(PoolConfig.custom(), quick);
        TaskHandle forever = pool.submit(Task.builder("code").timeout(ChronoUnit.FOREVER.getDuration()).build());
        TaskHandle centuries = pool.submit(Task.builder("code").timeout(Duration.ofDays(365L * 300)).build());
        runUntilFinal(forever, centuries);
        assertThat(forever.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(centuries.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(((Engine) pool).loopFailures()).isZero();
    }

    @Test
    void deadLettersAreBoundedByCountAndAgeWithAnEventForEachEviction() {
        AgentType failing = AgentType.of("code", init -> ctx -> {
            throw new IllegalStateException("always fails");
        });
        AgentPool pool = pool(PoolConfig.custom().deadLetterMax(3).deadLetterRetention(Duration.ofMinutes(5)), failing);
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            handles.add(pool.submit(Task.builder("code").maxAttempts(1).build()));
        }
        runUntilFinal(handles.toArray(TaskHandle[]::new));
        assertThat(handles).allSatisfy(h -> assertThat(h.state()).isEqualTo(TaskState.DEAD_LETTERED));
        assertThat(pool.deadLetters()).extracting(DeadLetter::taskId)
                .containsExactly(handles.get(2).id(), handles.get(3).id(), handles.get(4).id());
        assertThat(evictions()).extracting(PoolEvent.DeadLetterEvicted::task, PoolEvent.DeadLetterEvicted::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(handles.get(0).id(), "count"),
                        org.assertj.core.groups.Tuple.tuple(handles.get(1).id(), "count"));

        clock.advance(Duration.ofMinutes(6));
        assertThat(pool.deadLetters()).isEmpty();
        assertThat(evictions()).hasSize(5).filteredOn(e -> e.reason().equals("age")).hasSize(3);
    }

    private List<PoolEvent.DeadLetterEvicted> evictions() {
        return events.stream().filter(e -> e instanceof PoolEvent.DeadLetterEvicted)
                .map(PoolEvent.DeadLetterEvicted.class::cast).toList();
    }

    @Test
    void aProviderThatAlwaysRefusesATaskFailsItAfterTheRequeueCap() {
        AgentType refusing = AgentType.of("llm", init -> ctx -> {
            throw new RateLimitedException("openai:gpt", Duration.ofMillis(50), "429 Too Many Requests: quota", null);
        }).withResource("openai:gpt", 10);
        AgentPool pool = pool(PoolConfig.custom().maxRateLimitRequeues(3), refusing);
        TaskHandle h = pool.submit(Task.of("llm", Map.of()));
        runUntilFinal(h);

        assertThat(h.state()).isEqualTo(TaskState.FAILED);
        assertThat(h.attempts()).isEqualTo(1);
        assertThat(h.failureReasons()).singleElement().asString()
                .contains("refused by provider 'openai:gpt' 4 times", "maxRateLimitRequeues=3", "429 Too Many Requests");
        List<PoolEvent.TaskEnded> ends = events.stream().filter(e -> e instanceof PoolEvent.TaskEnded)
                .map(PoolEvent.TaskEnded.class::cast).toList();
        assertThat(ends).extracting(PoolEvent.TaskEnded::outcome).containsExactly(
                PoolEvent.TaskOutcome.RATE_LIMITED, PoolEvent.TaskOutcome.RATE_LIMITED, PoolEvent.TaskOutcome.RATE_LIMITED,
                PoolEvent.TaskOutcome.FAILED);
    }

    @Test
    void tasksFailedThroughAnOpenCircuitEndInTheLogAndCarryTheCause() {
        AgentType broken = AgentType.of("vision", init -> {
            throw new NoClassDefFoundError("org/example/MissingCodec");
        });
        AgentPool pool = pool(PoolConfig.custom().circuitMode(PoolConfig.CircuitMode.FAIL_FAST)
                .restartIntensity(2).restartBackoff(Duration.ofMillis(100)), broken);
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            handles.add(pool.submit(Task.of("vision", Map.of())));
        }
        runUntilFinal(handles.toArray(TaskHandle[]::new));
        TaskHandle late = pool.submit(Task.of("vision", Map.of())); // refused at once: the circuit is open
        runUntilFinal(late);
        handles.add(late);

        for (TaskHandle h : handles) {
            assertThat(h.state()).isEqualTo(TaskState.FAILED);
            assertThat(String.join(" ", h.failureReasons())).contains("circuit open", "NoClassDefFoundError",
                    "org/example/MissingCodec");
            assertThat(events).as("task.end of task %d", h.id()).anySatisfy(e -> assertThat(e)
                    .isInstanceOfSatisfying(PoolEvent.TaskEnded.class, end -> {
                        assertThat(end.task()).isEqualTo(h.id());
                        assertThat(end.outcome()).isEqualTo(PoolEvent.TaskOutcome.FAILED);
                    }));
        }
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.CircuitChanged.class,
                c -> assertThat(c.cause()).contains("NoClassDefFoundError")));
    }

    @Test
    void inWaitModeABrokenTypeFailsItsQueuedTasksAfterCircuitMaxWaitWithTheCause() {
        AgentType broken = AgentType.of("vision", init -> {
            throw new IllegalStateException("bad API key");
        });
        AgentPool pool = pool(PoolConfig.custom().restartIntensity(2).circuitMaxWait(Duration.ofSeconds(20)), broken);
        TaskHandle h = pool.submit(Task.of("vision", Map.of()));
        clock.advance(Duration.ofSeconds(10));
        assertThat(h.state()).as("waits while the circuit probes").isEqualTo(TaskState.QUEUED);
        runUntilFinal(h);
        assertThat(h.state()).isEqualTo(TaskState.FAILED);
        assertThat(h.failureReasons()).singleElement().asString().contains("circuitMaxWait=20000 ms", "bad API key");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(PoolEvent.TaskEnded.class,
                end -> assertThat(end.task()).isEqualTo(h.id())));
    }

    @Test
    void cancellingWhileAFiredRetryTimerIsPendingDoesNotLeakWaitingRetry() {
        ArrayDeque<Runnable> loopRuns = new ArrayDeque<>();
        Executor manual = loopRuns::add;
        AgentType failing = AgentType.of("code", init -> ctx -> {
            throw new IllegalStateException("fails, to be retried");
        });
        AgentPool pool = AgentPool.builder().clock(clock).loopExecutor(manual).agentExecutor(Runnable::run)
                .callbackExecutor(Runnable::run).listener(events::add)
                .config(PoolConfig.custom().warmPool(0).warmPoolMin(0).retryBackoff(Duration.ofSeconds(1)).build())
                .register(failing).build();
        TaskHandle h = pool.submit(Task.of("code", Map.of()));
        drain(loopRuns);
        clock.advance(Duration.ofMillis(100));
        drain(loopRuns);
        assertThat(h.attempts()).isEqualTo(1);
        assertThat(h.state()).isEqualTo(TaskState.QUEUED); // waiting out its retry backoff

        h.cancel();                             // posted, not yet run
        clock.advance(Duration.ofSeconds(2));   // the retry timer fires and posts its requeue behind the cancel
        drain(loopRuns);
        assertThat(h.state()).isEqualTo(TaskState.CANCELLED);
        CompletableFuture<io.trinity.pool.PoolSnapshot> snap = CompletableFuture.supplyAsync(pool::snapshot);
        while (!snap.isDone()) {
            drain(loopRuns);
            Thread.onSpinWait();
        }
        assertThat(snap.join().waitingRetry()).isZero();
    }

    private static void drain(ArrayDeque<Runnable> runs) {
        Runnable r;
        while ((r = runs.poll()) != null) {
            r.run();
        }
    }

    @Test
    void eventsReachListenersInNonDecreasingTime() {
        PoolEvent later = new PoolEvent.TaskSubmitted(500, 1, "code", 0, null, "default");
        PoolEvent earlier = new PoolEvent.TaskEnded(400, 1, "code-1", PoolEvent.TaskOutcome.SUCCEEDED, 3, null);
        PoolEvent restamped = io.trinity.pool.internal.EventsAccess.emitInOrder(later, earlier).get(1);
        assertThat(restamped).isInstanceOfSatisfying(PoolEvent.TaskEnded.class, e -> {
            assertThat(e.nanos()).isEqualTo(500);
            assertThat(e.agent()).isEqualTo("code-1");
            assertThat(e.ms()).isEqualTo(3);
        });
    }

    @Test
    void aFailedTaskFutureCarriesTheFinalState() {
        AgentType failing = AgentType.of("code", init -> ctx -> {
            throw new IllegalStateException("nope");
        });
        AgentPool pool = pool(PoolConfig.custom(), failing);
        TaskHandle h = pool.submit(Task.builder("code").maxAttempts(1).build());
        runUntilFinal(h);
        assertThat(h.result()).isCompletedExceptionally();
        assertThat(h.result().exceptionNow()).isInstanceOfSatisfying(TaskFailedException.class,
                e -> assertThat(e.state()).isEqualTo(TaskState.DEAD_LETTERED));
    }
}
