package io.trinity.pool.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
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
import org.junit.jupiter.api.Test;

/**
 * Weighted fair queueing between tenants, on virtual time with simulated agents. Every figure
 * is computed from the pool's event log, as an outside observer would.
 */
class FairShareTest {

    static final String TYPE = "work";
    static final SimProfile ONE_SECOND_ISH = SimProfile.of(
            Distribution.uniform(Duration.ofMillis(500), Duration.ofMillis(1500))).withSpawnDelay(Duration.ofMillis(100));

    /** A pool with exactly {@code agents} agents of one type (so capacity is fixed and known). */
    static AgentPool pool(VirtualClock clock, List<PoolEvent> events, int agents, SimProfile profile,
                          TenantConfig... tenants) {
        PoolConfig.Builder c = PoolConfig.custom().maxAgents(agents).warmPool(0).warmPoolMin(0).warmPoolMax(agents)
                .queueCapacity(1_000_000).seed(7);
        for (TenantConfig t : tenants) {
            c.tenant(t);
        }
        return AgentPool.builder().config(c.build()).deterministic(clock).listener(events::add)
                .register(AgentType.of(TYPE, SimulatedAgent.factory(clock, profile, 7)).withMinAgents(agents)
                        .withMaxAgents(agents))
                .build();
    }

    /** Waits (first dispatch - submit, ms) of one tenant's tasks. */
    static List<Double> waitsMs(List<PoolEvent> events, String tenant) {
        Map<Long, Long> submitted = new HashMap<>();
        List<Double> waits = new ArrayList<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskSubmitted s && s.tenant().equals(tenant)) {
                submitted.put(s.task(), s.nanos());
            } else if (e instanceof PoolEvent.TaskDispatched d) {
                Long at = submitted.remove(d.task());
                if (at != null) {
                    waits.add((d.nanos() - at) / 1e6);
                }
            }
        }
        return waits;
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i));
    }

    /**
     * The quiet tenant sends a batch of 12 tasks every 20 s (15% of the pool); the flooder sends
     * ten times as many tasks, evenly spread (150% of the pool: its backlog only grows).
     */
    double[] quietRun(boolean withFlood, boolean flooderIsSameTenant) {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        AgentPool pool = pool(clock, events, 4, ONE_SECOND_ISH);
        String flooder = flooderIsSameTenant ? "quiet" : "flood";
        SplittableRandom random = new SplittableRandom(11);
        long minutes = 30;
        clock.advance(Duration.ofSeconds(5)); // the four agents are up
        for (long t = 0; t < minutes * 60_000; t += 20_000) {
            clock.schedule(Duration.ofMillis(t), () -> {
                for (int i = 0; i < 12; i++) {
                    pool.submit(Task.builder(TYPE).tenant("quiet").build());
                }
            });
            if (withFlood) {
                for (int i = 0; i < 120; i++) {
                    long at = t + random.nextLong(20_000);
                    clock.schedule(Duration.ofMillis(at), () -> pool.submit(Task.builder(TYPE).tenant(flooder).build()));
                }
            }
        }
        clock.advance(Duration.ofMinutes(minutes));
        // only the quiet tenant's own tasks: when the flooder shares its name, tell them apart by batch timing
        List<Double> waits = flooderIsSameTenant ? batchWaits(events) : waitsMs(events, "quiet");
        return new double[] {percentile(waits, 95), percentile(waits, 50), waits.size()};
    }

    /** Waits of the tasks submitted exactly on a batch instant (the quiet ones) when both share a tenant. */
    static List<Double> batchWaits(List<PoolEvent> events) {
        Map<Long, Long> submitted = new HashMap<>();
        long start = events.stream().filter(e -> e instanceof PoolEvent.TaskSubmitted).findFirst().orElseThrow().nanos();
        List<Double> waits = new ArrayList<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskSubmitted s && (s.nanos() - start) % 20_000_000_000L == 0) {
                submitted.put(s.task(), s.nanos());
            } else if (e instanceof PoolEvent.TaskDispatched d) {
                Long at = submitted.remove(d.task());
                if (at != null) {
                    waits.add((d.nanos() - at) / 1e6);
                }
            }
        }
        return waits;
    }

    @Test
    void aQuietTenantKeepsItsLatencyWhileAnotherFloods() {
        double[] alone = quietRun(false, false);
        double[] fair = quietRun(true, false);
        double[] fifo = quietRun(true, true);
        double ratio = fair[0] / alone[0];
        System.out.printf("fairness: quiet tenant p95 wait alone=%.0f ms, with a 10x flooder=%.0f ms (%.2fx),"
                        + " flooder in the same tenant (no fairness)=%.0f ms (%.1fx); p50 %.0f / %.0f / %.0f ms; %d quiet tasks%n",
                alone[0], fair[0], ratio, fifo[0], fifo[0] / alone[0], alone[1], fair[1], fifo[1], (int) fair[2]);
        assertThat(alone[2]).isEqualTo(fair[2]).isEqualTo(90 * 12);
        assertThat(alone[0]).as("alone, a batch of 12 on 4 agents queues behind itself").isGreaterThan(1000);
        assertThat(ratio).as("quiet p95 with the flooder / alone").isLessThanOrEqualTo(1.5);
        assertThat(fifo[0] / alone[0]).as("without tenant fairness the flood buries the quiet tasks").isGreaterThan(10);
    }

    @Test
    void sharesFollowTheWeightsOverAnHour() {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        AgentPool pool = pool(clock, events, 8, ONE_SECOND_ISH,
                TenantConfig.of("gold").withWeight(3), TenantConfig.of("bronze").withWeight(1));
        Map<String, int[]> queued = Map.of("gold", new int[1], "bronze", new int[1]);
        // both tenants keep a deep backlog all hour: each is topped up to 400 queued every 10 s
        for (long t = 0; t < 3_600_000; t += 10_000) {
            clock.schedule(Duration.ofMillis(t), () -> queued.forEach((tenant, n) -> {
                while (n[0] < 400) {
                    n[0]++;
                    pool.submit(Task.builder(TYPE).tenant(tenant).build()).result().whenComplete((v, e) -> n[0]--);
                }
            }));
        }
        clock.advance(Duration.ofHours(1));
        Map<String, double[]> share = agentTime(events);
        double gold = share.get("gold")[0];
        double bronze = share.get("bronze")[0];
        double ratio = gold / bronze;
        double countRatio = share.get("gold")[1] / share.get("bronze")[1];
        System.out.printf("fairness: weights 3:1 over 1 h on 8 agents: agent-time gold=%.0f s bronze=%.0f s, ratio %.3f"
                        + " (tasks %d:%d, ratio %.3f)%n", gold, bronze, ratio, (long) share.get("gold")[1],
                (long) share.get("bronze")[1], countRatio);
        assertThat(ratio / 3).isBetween(0.9, 1.1);
        assertThat(countRatio / 3).isBetween(0.9, 1.1);
        assertThat(gold + bronze).as("the pool stayed busy").isGreaterThan(0.95 * 8 * 3600);
    }

    @Test
    void sharesAreAgentTimeNotTaskCounts() {
        // equal weights; one tenant's tasks take 4x longer: each still gets half the agents' time
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        AgentPool pool = pool(clock, events, 4, SimProfile.of(Distribution.fixed(Duration.ofSeconds(1)))
                .withSpawnDelay(Duration.ofMillis(100)), TenantConfig.of("long"), TenantConfig.of("short"));
        // more of each than 30 min can run (fair: 1800 long and 7200 short), so both stay backlogged
        for (int i = 0; i < 10_000; i++) {
            if (i < 3000) {
                pool.submit(Task.builder(TYPE).tenant("long").input(Map.of(SimulatedAgent.DURATION_MS, 2000)).build());
            }
            pool.submit(Task.builder(TYPE).tenant("short").input(Map.of(SimulatedAgent.DURATION_MS, 500)).build());
        }
        clock.advance(Duration.ofMinutes(30));
        Map<String, double[]> share = agentTime(events);
        double ratio = share.get("long")[0] / share.get("short")[0];
        System.out.printf("fairness: equal weights, 2 s vs 0.5 s tasks over 30 min: agent-time ratio %.3f, task ratio %.3f%n",
                ratio, share.get("long")[1] / share.get("short")[1]);
        assertThat(ratio).isBetween(0.9, 1.1);
        assertThat(share.get("short")[1] / share.get("long")[1]).isBetween(3.6, 4.4);
    }

    /** Agent seconds and task count per tenant, from task.submit and task.end. */
    static Map<String, double[]> agentTime(List<PoolEvent> events) {
        Map<Long, String> tenantOf = new HashMap<>();
        Map<String, double[]> out = new HashMap<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskSubmitted s) {
                tenantOf.put(s.task(), s.tenant());
            } else if (e instanceof PoolEvent.TaskEnded end && end.agent() != null) {
                double[] v = out.computeIfAbsent(tenantOf.get(end.task()), k -> new double[2]);
                v[0] += end.ms() / 1000.0;
                v[1]++;
            }
        }
        return out;
    }
}
