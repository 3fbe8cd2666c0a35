package io.trinity.pool.cli;

import io.trinity.pool.sim.Distribution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The bench's workloads: seeded generators of arrivals. Each is an arrival process and a
 * duration distribution over three agent types; the rates are fixed (not scaled to the pool
 * settings) so one workload can be compared across settings. Adding a workload means adding
 * an entry to {@link #ALL}.
 */
final class Workloads {

    /**
     * A generated workload.
     *
     * @param slowdowns per type; a type missing here runs at slowdown 1
     */
    record Workload(String name, String description, List<Arrival> arrivals, Map<String, Double> slowdowns) {
    }

    @FunctionalInterface
    private interface Generator {
        Workload generate(int tasks, SplittableRandom random);
    }

    private static final List<String> TYPES = List.of("code", "data", "vision");
    private static final Distribution TYPICAL = Distribution.lognormal(Duration.ofMillis(300), 0.5);
    private static final Distribution HEAVY = Distribution.pareto(Duration.ofMillis(100), 1.3);
    private static final long MAX_DURATION_MS = 120_000;

    private static final Map<String, Generator> ALL = new LinkedHashMap<>();

    static {
        ALL.put("steady", (n, r) -> new Workload("steady", "Poisson arrivals at 25/s, lognormal work (median 300 ms)",
                poisson(n, r, t -> 25, TYPICAL), Map.of()));
        ALL.put("bursty", (n, r) -> new Workload("bursty", "8/s with a 3 s burst at 80/s every 30 s",
                poisson(n, r, t -> (t % 30_000) < 3_000 ? 80 : 8, TYPICAL), Map.of()));
        ALL.put("periodic", (n, r) -> new Workload("periodic", "rate 25/s +-80% in a 120 s sine wave",
                poisson(n, r, t -> 25 * (1 + 0.8 * Math.sin(2 * Math.PI * t / 120_000.0)), TYPICAL), Map.of()));
        ALL.put("heavy-tailed", (n, r) -> new Workload("heavy-tailed", "20/s, Pareto work (min 100 ms, alpha 1.3)",
                poisson(n, r, t -> 20, HEAVY), Map.of()));
        ALL.put("heterogeneous", (n, r) -> new Workload("heterogeneous",
                "10/s over agents 1x (code), 2.5x (data) and 6x (vision) slower",
                poisson(n, r, t -> 10, TYPICAL), Map.of("code", 1.0, "data", 2.5, "vision", 6.0)));
    }

    private Workloads() {
    }

    static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    static Workload create(String name, int tasks, long seed) {
        Generator g = ALL.get(name);
        if (g == null) {
            throw new UserError("unknown workload '" + name + "'; choose from " + String.join(", ", ALL.keySet()));
        }
        return g.generate(tasks, new SplittableRandom(seed ^ name.hashCode()));
    }

    @FunctionalInterface
    private interface Rate {
        double perSecondAt(long ms);
    }

    /**
     * A non-homogeneous Poisson process by thinning: candidates at the peak rate, each kept with
     * probability rate(t) / peak, so any rate shape is exact.
     */
    private static List<Arrival> poisson(int n, SplittableRandom r, Rate rate, Distribution work) {
        double peak = 0;
        for (long t = 0; t < 120_000; t += 100) {
            peak = Math.max(peak, rate.perSecondAt(t));
        }
        List<Arrival> out = new ArrayList<>(n);
        double t = 0;
        while (out.size() < n) {
            t += -Math.log(1 - r.nextDouble()) * 1000 / peak;
            if (r.nextDouble() * peak > rate.perSecondAt((long) t)) {
                continue;
            }
            String type = TYPES.get(r.nextInt(TYPES.size()));
            long ms = Math.min(MAX_DURATION_MS, Math.max(1, work.sampleNanos(r) / 1_000_000));
            int priority = r.nextInt(10) == 0 ? 1 + r.nextInt(5) : 0;
            String affinity = r.nextInt(5) == 0 ? "session-" + r.nextInt(50) : null;
            out.add(new Arrival((long) t, type, ms, priority, affinity));
        }
        return Collections.unmodifiableList(out);
    }
}
