package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The simulator is faithful: a fixed pool of c agents (warm = max = c, nothing spawns, scales or
 * idles out) replaying an M/M/c trace gives every task the wait a plain first-come-first-served
 * c-server queue computes, to the nanosecond, and the report's wait percentiles are those of
 * the plain computation. Trace times are whole milliseconds, so the virtual clock represents
 * them exactly.
 */
class MmcFidelityTest {

    private static final int AGENTS = 4;
    private static final int TASKS = 20_000;
    private static final double MEAN_SERVICE_MS = 1000;
    private static final double LOAD = 0.85;
    /** The agents are spawned and ready well before the first arrival. */
    private static final long START_MS = 10_000;

    @Test
    void aFixedPoolReplayingAnMmcTraceWaitsExactlyLikeFcfs() {
        List<Arrival> trace = mmcTrace(42);
        long[] expected = fcfsWaitsNanos(trace, AGENTS);

        PoolConfig config = PoolConfig.custom().maxAgents(AGENTS).warmPool(AGENTS).warmPoolMin(AGENTS)
                .warmPoolMax(AGENTS).spawnRate(AGENTS).queueCapacity(TASKS + 1).idleTimeout(Duration.ofDays(30))
                .stuckAfter(Duration.ofDays(30)).healthInterval(Duration.ofHours(1)).maxAttempts(1).seed(42).build();
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofMillis(1))).withSpawnDelay(Duration.ZERO);
        Waits waits = new Waits();
        FairnessReport report = new FairnessReport(Map.of());
        VirtualRun.Result r = VirtualRun.run(new VirtualRun.Setup(config, SpawnStrategies.POOL_DEFAULT, t -> profile,
                null, Map.of(), List.of(waits, report)), trace);

        assertThat(r.allFinal()).isTrue();
        assertThat(r.summary().tasksByFinalState()).containsEntry("succeeded", (long) TASKS);
        assertThat(r.summary().spawnsByCause().values().stream().mapToLong(Long::longValue).sum())
                .as("a fixed pool: only the %d warm agents are ever spawned", AGENTS).isEqualTo(AGENTS);
        assertThat(r.summary().destroysByReason()).doesNotContainKeys("idle_timeout", "scale_down");
        assertThat(r.summary().maxPoolSize()).isEqualTo(AGENTS);
        assertThat(waits.inSubmitOrder()).as("each task's wait, submit to start").containsExactly(expected);

        double[] expectedMs = Arrays.stream(expected).sorted().mapToDouble(n -> n / 1e6).toArray();
        assertThat(expectedMs[TASKS / 2]).as("a queue that actually waits").isPositive();
        Map<String, Object> tenant = tenantJson(report);
        assertThat((double) tenant.get("waitP50Ms")).isEqualTo(nearestRank(expectedMs, 50));
        assertThat((double) tenant.get("waitP95Ms")).isEqualTo(nearestRank(expectedMs, 95));
    }

    /** Poisson arrivals at LOAD x c / mean service, exponential service times, in whole ms. */
    static List<Arrival> mmcTrace(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double meanGapMs = MEAN_SERVICE_MS / (LOAD * AGENTS);
        List<Arrival> out = new ArrayList<>(TASKS);
        double t = START_MS;
        for (int i = 0; i < TASKS; i++) {
            t += -Math.log(1 - rnd.nextDouble()) * meanGapMs;
            long service = Math.max(1, Math.round(-Math.log(1 - rnd.nextDouble()) * MEAN_SERVICE_MS));
            out.add(new Arrival((long) t, "work", service, 0, null));
        }
        return out;
    }

    /** The textbook FCFS c-server queue: each task starts when it has arrived and a server is free. */
    static long[] fcfsWaitsNanos(List<Arrival> trace, int servers) {
        long[] freeAt = new long[servers];
        long[] waits = new long[trace.size()];
        for (int i = 0; i < trace.size(); i++) {
            Arrival a = trace.get(i);
            int k = 0;
            for (int j = 1; j < servers; j++) {
                if (freeAt[j] < freeAt[k]) {
                    k = j;
                }
            }
            long start = Math.max(a.atMs(), freeAt[k]);
            waits[i] = (start - a.atMs()) * 1_000_000;
            freeAt[k] = start + a.durationMs();
        }
        return waits;
    }

    private static double nearestRank(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tenantJson(FairnessReport report) {
        Map<String, Object> tenants = (Map<String, Object>) report.json().get("tenants");
        assertThat(tenants).containsOnlyKeys("default");
        return (Map<String, Object>) tenants.get("default");
    }

    /** Each task's first wait, submit to dispatch, in the order the tasks were submitted. */
    private static final class Waits implements PoolListener {
        private final Map<Long, Long> submitted = new HashMap<>();
        private final Map<Long, Integer> order = new HashMap<>();
        private final long[] waits = new long[TASKS];
        private int count;

        @Override
        public void onEvent(PoolEvent event) {
            switch (event) {
                case PoolEvent.TaskSubmitted s -> {
                    submitted.put(s.task(), s.nanos());
                    order.put(s.task(), count++);
                }
                case PoolEvent.TaskDispatched d -> {
                    Long at = submitted.remove(d.task());
                    if (at != null) {
                        waits[order.get(d.task())] = d.nanos() - at;
                    }
                }
                default -> { }
            }
        }

        long[] inSubmitOrder() {
            assertThat(count).isEqualTo(TASKS);
            return waits;
        }
    }
}
