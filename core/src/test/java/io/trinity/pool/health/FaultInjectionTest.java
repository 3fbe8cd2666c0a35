package io.trinity.pool.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.event.EventLogWriter;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.internal.Engine;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * 10,000 tasks on simulated agents where 10% of attempts throw, 1% hang and 1% crash their
 * agent: every task ends in exactly one final state and the event log keeps its contract.
 */
class FaultInjectionTest {

    static final int TASKS = 10_000;

    @Test
    void everyTaskEndsExactlyOnceUnderInjectedFaults() {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        // With 1% of attempts crashing their agent the restart intensity is crossed all the time;
        // WAIT keeps tasks queued while a type's circuit is open instead of failing them fast.
        PoolConfig config = PoolConfig.custom().seed(7).queueCapacity(500)
                .circuitMode(PoolConfig.CircuitMode.WAIT).build();
        SimProfile profile = SimProfile.of(Distribution.lognormal(Duration.ofMillis(300), 0.7))
                .withSpawnDelay(Duration.ofMillis(200)).withFaults(0.10, 0.01, 0.01);
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register("code", SimulatedAgent.factory(clock, profile, 7))
                .register("data", SimulatedAgent.factory(clock, profile, 7))
                .build();

        List<TaskHandle> handles = new ArrayList<>();
        int submitted = 0;
        while (submitted < TASKS) {
            try {
                handles.add(pool.submit(Task.of(submitted % 3 == 0 ? "data" : "code", Map.of())));
                submitted++;
                if (submitted % 20 == 0) {
                    clock.advance(Duration.ofMillis(100)); // ~200 tasks/s offered
                }
            } catch (QueueFullException full) {
                clock.advance(Duration.ofMillis(100)); // back-pressure: wait for room, never drop
            }
        }
        long limit = clock.nanoTime() + Duration.ofHours(2).toNanos();
        while (handles.stream().anyMatch(h -> !h.state().isFinal()) && clock.nanoTime() < limit) {
            clock.advance(Duration.ofSeconds(1));
        }

        // exactly one final state each, and the future agrees with it
        EnumMap<TaskState, Integer> finals = new EnumMap<>(TaskState.class);
        for (TaskHandle h : handles) {
            assertThat(h.state().isFinal()).as("task %d final", h.id()).isTrue();
            assertThat(h.result()).isDone();
            assertThat(h.result().isCompletedExceptionally()).isEqualTo(h.state() != TaskState.SUCCEEDED);
            finals.merge(h.state(), 1, Integer::sum);
        }
        assertThat(finals.keySet()).isSubsetOf(Set.of(TaskState.SUCCEEDED, TaskState.DEAD_LETTERED));
        assertThat(finals.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(TASKS);
        assertThat(finals.get(TaskState.SUCCEEDED)).isGreaterThan(TASKS * 99 / 100);
        assertThat(((Engine) pool).loopFailures()).isZero();

        // faults really happened and were handled
        long failed = count(events, PoolEvent.TaskEnded.class, e -> e.outcome() == PoolEvent.TaskOutcome.FAILED);
        long stuck = count(events, PoolEvent.HealthStuck.class, e -> true);
        long restarts = count(events, PoolEvent.HealthRestart.class, e -> true);
        assertThat(failed).isGreaterThan(TASKS / 20);
        assertThat(stuck).isGreaterThan(TASKS / 400);
        assertThat(restarts).isGreaterThanOrEqualTo(stuck);
        System.out.printf("fault injection: tasks=%d attempts-failed=%d stuck=%d restarts=%d finals=%s deadLetters=%d%n",
                TASKS, failed, stuck, restarts, finals, pool.deadLetters().size());
        assertThat(pool.deadLetters()).hasSize(finals.getOrDefault(TaskState.DEAD_LETTERED, 0));

        // per task: one submit, at least one dispatch, exactly one terminal record of its end
        Map<Long, Integer> submits = new HashMap<>();
        Map<Long, Integer> terminal = new HashMap<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskSubmitted s) {
                submits.merge(s.task(), 1, Integer::sum);
            } else if (e instanceof PoolEvent.TaskDeadLettered d) {
                terminal.merge(d.task(), 1, Integer::sum);
            }
        }
        assertThat(submits).hasSize(TASKS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        long succeededEnds = count(events, PoolEvent.TaskEnded.class, e -> e.outcome() == PoolEvent.TaskOutcome.SUCCEEDED);
        assertThat(succeededEnds).isEqualTo((long) finals.get(TaskState.SUCCEEDED));
        assertThat(terminal.values()).allMatch(n -> n == 1);

        // the event log keeps the DESIGN.md contract
        Pattern line = Pattern.compile("\\{\"t\":\\d+,\"ev\":\"[a-z_.]+\".*\\}");
        for (PoolEvent e : events) {
            String l = EventLogWriter.toLine(e, 0);
            assertThat(l).matches(line);
            String[] required = required(e.name());
            if (required.length > 0) {
                assertThat(e.fields()).as(l).containsKeys(required);
            }
        }

        // the pool returns to its target size once the work is gone
        clock.advance(Duration.ofMinutes(5));
        PoolSnapshot snap = pool.snapshot();
        assertThat(snap.agents()).allSatisfy(a -> assertThat(a.state().name()).isIn("READY", "IDLE"));
        assertThat(snap.agents().size()).isBetween(config.warmPoolMin(), config.warmPoolMax());
        assertThat(snap.agents()).allMatch(PoolSnapshot.AgentInfo::warm);
    }

    private static String[] required(String ev) {
        return switch (ev) {
            case "agent.spawn" -> new String[] {"agent", "type", "cause"};
            case "agent.state" -> new String[] {"agent", "type", "from", "to"};
            case "agent.destroy" -> new String[] {"agent", "type", "reason"};
            case "task.submit" -> new String[] {"task", "type", "priority"};
            case "task.reject" -> new String[] {"task", "reason"};
            case "task.dispatch" -> new String[] {"task", "agent", "balancer", "attempt"};
            case "task.end" -> new String[] {"task", "outcome", "ms"};
            case "task.retry", "task.deadletter" -> new String[] {"task", "attempt", "reason"};
            case "scale.decision" -> new String[] {"type", "from", "to", "reason", "queue", "utilization"};
            case "health.stuck" -> new String[] {"agent", "task", "silentMs"};
            case "health.restart" -> new String[] {"agent", "replacement", "backoffMs"};
            case "pool.stats" -> new String[] {"agents", "queue"};
            default -> new String[] {};
        };
    }

    private static <T extends PoolEvent> long count(List<PoolEvent> events, Class<T> type, java.util.function.Predicate<T> p) {
        return events.stream().filter(type::isInstance).map(type::cast).filter(p).count();
    }
}
