package io.trinity.pool.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A quiet tenant beside a flood that keeps the shared queue (capacity 100, the default) full:
 * fair admission lets the quiet tenant in and sheds the flooder's newest tasks. Virtual time,
 * simulated agents; figures from the event log.
 */
class FairAdmissionTest {

    static final String TYPE = "work";
    static final long MINUTES = 10;

    /** What one run showed. */
    record Run(List<PoolEvent> events, Map<String, Integer> refused, List<TaskHandle> handles,
               List<QueueFullException> refusals) {
    }

    /**
     * 4 agents, 1 s tasks. The quiet tenant sends one task every 2.5 s (0.4 agent-seconds a
     * second); the loud one twelve times that (4.8 a second, Poisson), so together they ask
     * 1.3x what the pool can serve and the queue stays full.
     */
    Run run(boolean withFlood) {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().maxAgents(4).warmPool(0).warmPoolMin(0).warmPoolMax(4).seed(7).build())
                .deterministic(clock).listener(events::add)
                .register(AgentType.of(TYPE, SimulatedAgent.factory(clock,
                        SimProfile.of(Distribution.fixed(Duration.ofSeconds(1))).withSpawnDelay(Duration.ofMillis(100)), 7))
                        .withMinAgents(4).withMaxAgents(4))
                .build();
        Map<String, Integer> refused = new HashMap<>(Map.of("quiet", 0, "loud", 0));
        List<TaskHandle> handles = new ArrayList<>();
        List<QueueFullException> refusals = new ArrayList<>();
        Runnable[] submitters = new Runnable[2];
        for (String tenant : List.of("quiet", "loud")) {
            submitters[tenant.equals("quiet") ? 0 : 1] = () -> {
                try {
                    handles.add(pool.submit(Task.builder(TYPE).tenant(tenant).build()));
                } catch (QueueFullException e) {
                    refused.merge(tenant, 1, Integer::sum);
                    refusals.add(e);
                }
            };
        }
        clock.advance(Duration.ofSeconds(2)); // the four agents are up
        for (long t = 0; t < MINUTES * 60_000; t += 2_500) {
            clock.schedule(Duration.ofMillis(t), submitters[0]);
        }
        if (withFlood) {
            SplittableRandom random = new SplittableRandom(3);
            double t = 0;
            while (t < MINUTES * 60_000) {
                t += -Math.log(1 - random.nextDouble()) * 1000 / 4.8;
                clock.schedule(Duration.ofMillis((long) t), submitters[1]);
            }
        }
        clock.advance(Duration.ofMinutes(MINUTES + 2)); // and time to drain
        return new Run(events, refused, handles, refusals);
    }

    @Test
    void aQuietTenantBesideAFloodIsNeverRefusedAndKeepsItsLatency() {
        Run alone = run(false);
        Run flood = run(true);
        double aloneP95 = FairShareTest.percentile(FairShareTest.waitsMs(alone.events(), "quiet"), 95);
        List<Double> quietWaits = FairShareTest.waitsMs(flood.events(), "quiet");
        double floodP95 = FairShareTest.percentile(quietWaits, 95);
        long sheds = flood.events().stream().filter(e -> e instanceof PoolEvent.TaskRejected r
                && r.reason() == PoolEvent.RejectReason.SHED).count();
        System.out.printf("fair admission: quiet tenant beside a 12x flood, queue 100: refused %d, shed %d, p95 wait"
                        + " %.0f ms (alone %.0f ms); loud refused %d at submit and %d shed%n", flood.refused().get("quiet"),
                shedsOf(flood, "quiet"), floodP95, aloneP95, flood.refused().get("loud"), sheds);

        assertThat(flood.refused().get("loud")).as("the flood fills the queue").isPositive();
        assertThat(flood.refused().get("quiet")).as("quiet tasks refused at submit").isZero();
        assertThat(shedsOf(flood, "quiet")).as("quiet tasks shed").isZero();
        assertThat(quietWaits).as("every quiet task ran").hasSize(240);
        assertThat(floodP95).as("quiet p95 wait beside the flood vs alone (ms)")
                .isLessThanOrEqualTo(Math.max(1.5 * aloneP95, aloneP95 + 1000));
        assertThat(sheds).as("a quiet arrival into a full queue sheds a loud task").isPositive();
        // a tenant at or above its share is still refused at once, with the reason
        assertThat(flood.refusals()).allSatisfy(e -> assertThat(e.getMessage())
                .contains("tenant 'loud' holds").contains("at or above its weighted share"));
    }

    @Test
    void everyTaskEndsExactlyOnceAndShedsAreTheFloodersNewest() {
        Run flood = run(true);
        Map<Long, String> tenantOf = new HashMap<>();
        Map<Long, Integer> finals = new HashMap<>();
        TreeSet<Long> loudWaiting = new TreeSet<>();
        int sheds = 0;
        for (PoolEvent e : flood.events()) {
            switch (e) {
                case PoolEvent.TaskSubmitted s -> {
                    tenantOf.put(s.task(), s.tenant());
                    if (s.tenant().equals("loud")) {
                        loudWaiting.add(s.task());
                    }
                }
                case PoolEvent.TaskDispatched d -> loudWaiting.remove(d.task());
                case PoolEvent.TaskRejected r when r.reason() == PoolEvent.RejectReason.SHED -> {
                    sheds++;
                    assertThat(r.tenant()).isEqualTo("loud");
                    assertThat(r.task()).as("the newest loud task still waiting").isEqualTo(loudWaiting.last());
                    assertThat(r.detail()).startsWith("shed: queue full and tenant 'loud' holds ")
                            .contains("of 100 queued slots, above its weighted share of 50.0");
                    loudWaiting.remove(r.task());
                }
                case PoolEvent.TaskEnded end -> {
                    assertThat(end.outcome()).isIn(PoolEvent.TaskOutcome.SUCCEEDED, PoolEvent.TaskOutcome.CANCELLED);
                    finals.merge(end.task(), 1, Integer::sum);
                }
                default -> { }
            }
        }
        assertThat(sheds).isPositive();
        assertThat(finals.keySet()).as("every accepted task has a final event").isEqualTo(tenantOf.keySet());
        assertThat(finals.values()).as("exactly one each").containsOnly(1);
        assertThat(flood.handles()).allMatch(h -> h.result().isDone());
        List<TaskHandle> shed = flood.handles().stream().filter(h -> h.state() == TaskState.REJECTED).toList();
        assertThat(shed).hasSize(sheds).allSatisfy(h -> {
            Throwable failure = catchFailure(h);
            assertThat(failure).isInstanceOf(TaskFailedException.class);
            assertThat(((TaskFailedException) failure).state()).isEqualTo(TaskState.REJECTED);
            assertThat(failure.getCause()).isInstanceOf(QueueFullException.class);
            assertThat(h.failureReasons()).singleElement().asString().startsWith("shed: queue full");
        });
        assertThat(flood.handles()).filteredOn(h -> h.state() != TaskState.REJECTED)
                .allMatch(h -> h.state() == TaskState.SUCCEEDED);
    }

    private static long shedsOf(Run run, String tenant) {
        return run.events().stream().filter(e -> e instanceof PoolEvent.TaskRejected r
                && r.reason() == PoolEvent.RejectReason.SHED && tenant.equals(r.tenant())).count();
    }

    private static Throwable catchFailure(TaskHandle h) {
        try {
            h.result().join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
