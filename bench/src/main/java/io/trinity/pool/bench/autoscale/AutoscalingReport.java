package io.trinity.pool.bench.autoscale;

import static io.trinity.pool.report.Table.f;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.bench.report.Report;
import io.trinity.pool.report.Chart;
import io.trinity.pool.report.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Part 3 of the benchmark report: our auto-scaler against a fixed pool, the Kubernetes HPA,
 * Ray Serve and Pekko's DefaultResizer, on three 6-hour workloads in virtual time, with the
 * same arrivals, durations, cap and cold start for all. Writes a table per workload, the
 * verdicts against issue 7's target, and a latency-against-cost chart per workload.
 */
public final class AutoscalingReport {

    static final int MAX_AGENTS = 64;
    static final Duration SPAWN_DELAY = Duration.ofSeconds(10);
    static final long SEED = 11;

    private final Report report;

    public AutoscalingReport(Report report) {
        this.report = report;
    }

    public void run() {
        long t0 = System.nanoTime();
        PoolConfig ours = OursRun.config(MAX_AGENTS);
        double target = ours.targetUtilization();
        Map<String, Supplier<Policy>> baselines = new LinkedHashMap<>();
        baselines.put("fixed at max", FixedPolicy::new);
        baselines.put("Kubernetes HPA", () -> new HpaPolicy(target, 1, MAX_AGENTS));
        baselines.put("Ray Serve", () -> new RayServePolicy(target, 1, MAX_AGENTS));
        baselines.put("Pekko DefaultResizer", () -> new PekkoResizerPolicy(1, MAX_AGENTS));

        StringBuilder md = new StringBuilder();
        md.append(f("Every scaler: at most %d agents, each agent runs one task at a time, cold start %d s (billed"
                + " from spawn), the same arrivals and durations (lognormal, median 2 s, σ 0.6). Ours: the real pool"
                + " with its defaults (%s) and simulated agents. HPA target utilization and Ray Serve target ongoing"
                + " requests per replica are set to our target utilization, %.2f, so all aim at the same load;"
                + " Pekko uses its DefaultResizer defaults. 'Flips < 60 s' are reversals of the agent count's"
                + " direction within 60 s of the last change the other way. The last row of each table runs our"
                + " pool with the warm pool switched off; it is a diagnostic, not part of any verdict.%n%n", MAX_AGENTS, SPAWN_DELAY.toSeconds(),
                ours, target));
        Table verdicts = new Table("workload", "cost and p95 wait vs each baseline", "flips < 60 s", "verdict");
        for (Workload w : List.of(Workload.steady(SEED), Workload.diurnal(SEED + 1), Workload.spiky(SEED + 2))) {
            Map<String, Metrics> results = new LinkedHashMap<>();
            results.put(OursRun.NAME, OursRun.run(w, MAX_AGENTS, SPAWN_DELAY, SEED));
            baselines.forEach((name, p) -> results.put(name,
                    new ClusterSim(w, p.get(), MAX_AGENTS, SPAWN_DELAY.toNanos()).run()));
            md.append(f("### %s: %s (%,d tasks over %d h)%n%n", w.name(), w.description(), w.size(),
                    Workload.LENGTH.toHours()));
            Table t = new Table("scaler", "agent-hours", "p95 wait (s)", "p99 wait (s)", "cold starts", "flips",
                    "flips < 60 s", "peak agents");
            results.forEach((name, m) -> t.row(name, f("%.1f", m.agentSeconds() / 3600), f("%.2f", m.p95WaitMillis() / 1000),
                    f("%.2f", m.p99WaitMillis() / 1000), m.coldStarts(), m.flips(), m.fastFlips(), m.peakAgents()));
            Metrics diag = OursRun.run(w, OursRun.withoutWarmPool(MAX_AGENTS), SPAWN_DELAY, SEED);
            t.row("*diagnostic: ours, warm pool off*", f("%.1f", diag.agentSeconds() / 3600),
                    f("%.2f", diag.p95WaitMillis() / 1000), f("%.2f", diag.p99WaitMillis() / 1000), diag.coldStarts(),
                    diag.flips(), diag.fastFlips(), diag.peakAgents());
            md.append(t.markdown()).append('\n');
            verdicts.row(w.name(), compare(results), results.get(OursRun.NAME).fastFlips(), verdict(results));
            chart(w, results);
            md.append(f("![%s: p95 wait vs agent-hours](img/autoscaling-%s.png)%n%n", w.name(), w.name()));
        }
        md.append("### Target: at least as good as each baseline on cost and p95 wait, strictly better on one,"
                + " no flip inside the stabilization window\n\n");
        md.append(verdicts.markdown()).append('\n');
        md.append(f("Wall time of this part: %.1f s.%n", (System.nanoTime() - t0) / 1e9));
        report.write("autoscaling", md.toString());
    }

    private static String compare(Map<String, Metrics> results) {
        Metrics ours = results.get(OursRun.NAME);
        StringBuilder sb = new StringBuilder();
        results.forEach((name, m) -> {
            if (name.equals(OursRun.NAME)) {
                return;
            }
            sb.append(sb.isEmpty() ? "" : "; ").append(name).append(": cost ")
                    .append(f("%.2f×", ours.agentSeconds() / m.agentSeconds())).append(", p95 ")
                    .append(m.p95WaitMillis() == 0 ? f("%.2f s vs 0", ours.p95WaitMillis() / 1000)
                            : f("%.2f×", ours.p95WaitMillis() / m.p95WaitMillis()))
                    .append(beats(ours, m) ? " ✓" : " ✗");
        });
        return sb.toString();
    }

    /** Ours is no worse on both and strictly better on one. */
    static boolean beats(Metrics ours, Metrics other) {
        boolean noWorse = ours.agentSeconds() <= other.agentSeconds() && ours.p95WaitMillis() <= other.p95WaitMillis();
        boolean better = ours.agentSeconds() < other.agentSeconds() || ours.p95WaitMillis() < other.p95WaitMillis();
        return noWorse && better;
    }

    private static String verdict(Map<String, Metrics> results) {
        Metrics ours = results.get(OursRun.NAME);
        List<String> lost = new ArrayList<>();
        results.forEach((name, m) -> {
            if (!name.equals(OursRun.NAME) && !beats(ours, m)) {
                lost.add(name);
            }
        });
        if (ours.fastFlips() > 0) {
            lost.add(ours.fastFlips() + " flips < 60 s");
        }
        return lost.isEmpty() ? "**met**" : "**missed** (" + String.join(", ", lost) + ")";
    }

    private void chart(Workload w, Map<String, Metrics> results) {
        List<Chart.Series> series = new ArrayList<>();
        results.forEach((name, m) -> series.add(new Chart.Series(name, List.of(
                new Chart.Point(m.agentSeconds() / 3600, m.p95WaitMillis() / 1000, null)))));
        Chart.scatter(report.images().resolve("autoscaling-" + w.name() + ".png"),
                "Auto-scaling, " + w.name() + ": p95 queue wait vs cost", "agent-hours over 6 h", "p95 queue wait (s)",
                series);
    }
}
