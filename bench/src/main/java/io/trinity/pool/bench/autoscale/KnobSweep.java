package io.trinity.pool.bench.autoscale;

import io.trinity.pool.PoolConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Each scaler's knob swept on one workload, each setting one run: the HPA's target utilization,
 * Ray Serve's target ongoing requests per replica, a fixed pool's size, and for ours the target
 * utilization, the target wait (the Erlang-C sizing's p99 goal), the warm-pool bounds and the
 * idle timeout, one knob at a time from the defaults, and at the cheap end a high or no
 * utilization cap with long target waits (one of them with a 30 s scale-down window). Gives each
 * scaler's cost-vs-p99 frontier (the runs no other run of the same scaler beats on both) and
 * whether ours lies on or below each baseline's.
 */
final class KnobSweep {

    static final String OURS = OursRun.NAME;
    static final String HPA = "Kubernetes HPA";
    static final String RAY = "Ray Serve";
    static final String FIXED = "fixed size";
    static final String PEKKO = "Pekko DefaultResizer";
    static final double[] TARGETS = {0.5, 0.6, 0.7, 0.75, 0.8, 0.9};

    /** One run: which scaler, its knob setting, what it cost and delivered. */
    record Run(String scaler, String knob, Metrics m) {
        double agentHours() {
            return m.agentSeconds() / 3600;
        }

        double p99() {
            return m.p99WaitMillis() / 1000;
        }
    }

    private KnobSweep() {
    }

    /** Every scaler's sweep on {@code w}, grouped by scaler (ours first). */
    static Map<String, List<Run>> run(Workload w, int max, Duration spawnDelay, long seed) {
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        PoolConfig base = OursRun.config(max);
        Map<String, PoolConfig> ours = new LinkedHashMap<>();
        ours.put("defaults", base);
        for (double u : TARGETS) {
            if (u != base.targetUtilization()) {
                ours.put("u=" + u, PoolConfig.from(base).targetUtilization(u).build());
            }
        }
        // the cheap end: utilization alone (a target wait so long that only the utilization cap sizes
        // the flow) and long target waits, with the warm pool off, whose busy-plus-N floor would
        // otherwise hold the pool above what these settings ask for
        PoolConfig cold = OursRun.withoutWarmPool(max);
        for (double u : new double[] {0.8, 0.85, 0.9, 0.95}) {
            ours.put("u=" + u + ", wait=60s, warm off", PoolConfig.from(cold).targetUtilization(u)
                    .targetWait(Duration.ofSeconds(60)).build());
        }
        // long target waits with the utilization cap high or off (u=1: the target wait alone sizes the flow
        // by Erlang C), the settings a user picks for a cheap pool that may queue
        for (long s : new long[] {10, 30}) {
            ours.put("u=0.95, wait=" + s + "s, warm off", PoolConfig.from(cold).targetUtilization(0.95)
                    .targetWait(Duration.ofSeconds(s)).build());
        }
        for (long s : new long[] {3, 4, 10, 30, 60}) {
            ours.put("u=1, wait=" + s + "s, warm off", PoolConfig.from(cold).targetUtilization(1)
                    .targetWait(Duration.ofSeconds(s)).build());
        }
        // the same with a 30 s scale-down window: cheaper after bursts, but it may reverse within 60 s
        ours.put("u=1, wait=60s, window=30s, warm off", PoolConfig.from(cold).targetUtilization(1)
                .targetWait(Duration.ofSeconds(60)).scaleDownWindow(Duration.ofSeconds(30)).build());
        for (long s : new long[] {2, 4}) {
            ours.put("wait=" + s + "s, warm off", PoolConfig.from(cold).targetWait(Duration.ofSeconds(s)).build());
        }
        for (long ms : new long[] {0, 250, 500, 1000, 1500, 2000, 4000}) {
            ours.put("wait=" + ms / 1000.0 + "s", PoolConfig.from(base).targetWait(Duration.ofMillis(ms)).build());
        }
        ours.put("warm off", OursRun.withoutWarmPool(max));
        ours.put("warm 1..3", PoolConfig.from(base).warmPool(1).warmPoolMin(1).warmPoolMax(3).build());
        ours.put("warm 3..12", PoolConfig.from(base).warmPool(3).warmPoolMin(3).warmPoolMax(12).build());
        ours.put("idle=15s", PoolConfig.from(base).idleTimeout(Duration.ofSeconds(15)).build());
        ours.put("idle=300s", PoolConfig.from(base).idleTimeout(Duration.ofSeconds(300)).build());
        List<Run> o = new ArrayList<>();
        ours.forEach((knob, config) -> o.add(new Run(OURS, knob, OursRun.run(w, config, spawnDelay, seed))));
        runs.put(OURS, o);
        runs.put(HPA, sweep(HPA, TARGETS, u -> new HpaPolicy(u, 1, max), w, max, spawnDelay));
        runs.put(RAY, sweep(RAY, TARGETS, u -> new RayServePolicy(u, 1, max), w, max, spawnDelay));
        runs.put(PEKKO, List.of(new Run(PEKKO, "defaults",
                new ClusterSim(w, new PekkoResizerPolicy(1, max), max, spawnDelay.toNanos()).run())));
        double load = w.size() / (w.lengthNanos() / 1e9) * meanServiceSeconds(w);
        List<Run> fixed = new ArrayList<>();
        int from = (int) Math.ceil(load * 1.1);
        for (int c = from; c <= Math.min(max, from + 12); c += w.name().equals("steady") ? 1 : 3) {
            fixed.add(new Run(FIXED, "c=" + c, new ClusterSim(w, new FixedPolicy(c), max, spawnDelay.toNanos()).run()));
        }
        runs.put(FIXED, fixed);
        return runs;
    }

    private static List<Run> sweep(String name, double[] knobs, Function<Double, Policy> policy, Workload w, int max,
                                   Duration spawnDelay) {
        List<Run> out = new ArrayList<>();
        for (double k : knobs) {
            out.add(new Run(name, "u=" + k, new ClusterSim(w, policy.apply(k), max, spawnDelay.toNanos()).run()));
        }
        return out;
    }

    static double meanServiceSeconds(Workload w) {
        double sum = 0;
        for (long d : w.durations()) {
            sum += d;
        }
        return sum / w.size() / 1000;
    }

    /** The runs no other run beats on both cost and p99 wait, cheapest first. */
    static List<Run> frontier(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Run::agentHours).thenComparingDouble(Run::p99));
        List<Run> out = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (Run r : sorted) {
            if (r.p99() < best) {
                out.add(r);
                best = r.p99();
            }
        }
        return out;
    }

    /** The lowest p99 among {@code frontier}'s runs that cost at most {@code agentHours}; infinity if none. */
    static double p99At(List<Run> frontier, double agentHours) {
        double best = Double.POSITIVE_INFINITY;
        for (Run r : frontier) {
            if (r.agentHours() <= agentHours + 1e-9) {
                best = Math.min(best, r.p99());
            }
        }
        return best;
    }

    /** The baseline's frontier runs that ours does not match (no run of ours as cheap with as low a p99). */
    static List<Run> notMatched(List<Run> ours, List<Run> baseline) {
        List<Run> out = new ArrayList<>();
        for (Run b : frontier(baseline)) {
            if (p99At(ours, b.agentHours()) > b.p99() + 1e-9) {
                out.add(b);
            }
        }
        return out;
    }
}
