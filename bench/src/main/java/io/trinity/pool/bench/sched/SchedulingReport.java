package io.trinity.pool.bench.sched;

import static io.trinity.pool.report.Table.f;

import io.trinity.pool.balance.Balancers;
import io.trinity.pool.bench.report.Report;
import io.trinity.pool.bench.report.Stats;
import io.trinity.pool.report.Chart;
import io.trinity.pool.report.Table;
import io.trinity.pool.sim.Distribution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 2 of the benchmark report: scheduling quality on virtual time. Each scenario's jobs
 * (arrivals, durations, skills) are drawn once and replayed through the real pool with each
 * balancer and through the central-queue {@link Oracle}; then an affinity study measures how
 * well same-key tasks stay on one agent and whether any agent goes over its load bound.
 */
public final class SchedulingReport {

    static final int AGENTS = 16;
    static final int TASKS = 20_000;
    static final long SEED = 7;
    static final List<String> BALANCERS = List.of(Balancers.ROUND_ROBIN, Balancers.LEAST_LOADED, Balancers.SKILL_AWARE);

    private record Scenario(String name, Distribution durations, Speeds speeds, double load) {
    }

    private final Report report;

    public SchedulingReport(Report report) {
        this.report = report;
    }

    public void run() {
        long t0 = System.nanoTime();
        Distribution lognormal = Distribution.lognormal(Duration.ofSeconds(1), 1.0);
        Distribution pareto = Distribution.pareto(Duration.ofMillis(500), 1.5);
        Speeds slowVision = new Speeds(4, "vision", 3.0, 0.9, 0.9);
        Speeds slowAndPoor = new Speeds(4, "vision", 3.0, 0.9, 0.5);
        List<Scenario> scenarios = List.of(
                new Scenario("lognormal (median 1 s, σ 1), 16 equal agents, load 0.8", lognormal, Speeds.UNIFORM, 0.8),
                new Scenario("Pareto (min 0.5 s, α 1.5), 16 equal agents, load 0.8", pareto, Speeds.UNIFORM, 0.8),
                new Scenario("lognormal, 4 of 16 agents 3× slower at 'vision', load 0.6", lognormal, slowVision, 0.6),
                new Scenario("as above, slow agents also report quality 0.5 (others 0.9)", lognormal, slowAndPoor, 0.6),
                new Scenario("control, not heavy-tailed: uniform 0.8-1.2 s, 4 of 16 agents 3× slower at 'vision',"
                        + " load 0.6", Distribution.uniform(Duration.ofMillis(800), Duration.ofMillis(1200)),
                        slowVision, 0.6));

        StringBuilder md = new StringBuilder();
        md.append(f("%d agents, %d tasks per scenario, Poisson arrivals; skills 'text' and 'vision' half each."
                + " Completion latency = end − submit, from the pool's events. Oracle: one FIFO queue that every"
                + " free agent pulls from, same jobs and speeds.%n%n", AGENTS, TASKS));
        Table t = new Table("scenario", "scheduler", "p50 (s)", "p99 (s)", "p99 / oracle");
        Map<String, Map<String, Double>> p99 = new java.util.LinkedHashMap<>();
        List<String> categories = new ArrayList<>();
        for (int s = 0; s < scenarios.size(); s++) {
            Scenario sc = scenarios.get(s);
            List<Job> jobs = Jobs.generate(SEED + s, TASKS, sc.durations(), sc.load(), AGENTS,
                    List.of("text", "vision"), 0);
            Map<String, Double> row = new java.util.LinkedHashMap<>();
            long[] oracle = sorted(Oracle.run(jobs, AGENTS, sc.speeds()));
            double o99 = sec(Stats.percentileSorted(oracle, 99));
            t.row(sc.name(), "oracle (central FIFO)", f("%.2f", sec(Stats.percentileSorted(oracle, 50))), f("%.2f", o99), "1.00");
            row.put("oracle", o99);
            for (String b : BALANCERS) {
                long[] lat = sorted(PoolRun.run(jobs, AGENTS, 1, sc.speeds(), b, SEED).latency());
                double b99 = sec(Stats.percentileSorted(lat, 99));
                t.row("", b, f("%.2f", sec(Stats.percentileSorted(lat, 50))), f("%.2f", b99), f("%.2f", b99 / o99));
                row.put(b, b99);
            }
            p99.put(sc.name(), row);
            categories.add("scenario " + (s + 1));
        }
        md.append(t.markdown()).append('\n');

        md.append("### Affinity\n\n");
        md.append(f("%d agents of capacity 4, %d tasks with 500 keys, lognormal durations (median 1 s, σ 1), at"
                + " loads 0.3, 0.5 and 0.7 of the 64 slots. Stickiness = share of tasks that ran on their key's most"
                + " used agent. Load bound = ceil(1.25 × (tasks in flight + 1) / agents) at each dispatch, the bound"
                + " the affinity balancer promises. 'Hottest key' is that key's mean number of tasks in flight:"
                + " above 4 (one agent's capacity) it cannot stay on one agent. The target is judged at load"
                + " 0.7.%n%n", AGENTS, TASKS));
        Table at = new Table("keys", "load", "balancer", "stickiness", "hottest key (tasks in flight)",
                "max in-flight on one agent", "dispatches over the bound", "worst load / bound", "p99 (s)");
        double[] stickiness = new double[2];
        int[] violations = new int[2];
        String[] keyNames = {"500, uniform popularity", "500, Zipf(1) popularity"};
        for (int k = 0; k < 2; k++) {
            for (double load : new double[] {0.3, 0.5, 0.7}) {
                List<Job> keyed = Jobs.generate(SEED + 100 + k, TASKS, lognormal, load, AGENTS * 4, List.of("text"),
                        k == 0 ? -500 : 500);
                double hottest = hottestKeyInFlight(keyed);
                for (String b : List.of(Balancers.AFFINITY, Balancers.LEAST_LOADED)) {
                    PoolRun.Outcome o = PoolRun.run(keyed, AGENTS, 4, Speeds.UNIFORM, b, SEED);
                    double st = stickiness(keyed, o.agentOf());
                    if (b.equals(Balancers.AFFINITY) && load == 0.7) {
                        stickiness[k] = st;
                        violations[k] = o.loadViolations();
                    }
                    long[] lat = sorted(o.latency());
                    at.row(keyNames[k], f("%.1f", load), b, f("%.1f%%", st * 100), f("%.2f", hottest), o.maxLoad(),
                            o.loadViolations(), f("%.2f", o.worstLoadOverBound()),
                            f("%.2f", sec(Stats.percentileSorted(lat, 99))));
                }
            }
        }
        md.append(at.markdown()).append('\n');

        md.append("### Targets\n\n");
        Table v = new Table("target", "measured", "verdict");
        for (int s = 0; s < 2; s++) {
            Map<String, Double> row = p99.get(scenarios.get(s).name());
            double r = row.get(Balancers.LEAST_LOADED) / row.get("oracle");
            v.row("least-loaded p99 ≤ 1.2× oracle, scenario " + (s + 1), f("%.2f×", r),
                    r <= 1.2 ? "**met**" : f("**missed** (gap %.2f×)", r - 1.2));
        }
        for (int s = 2; s < scenarios.size(); s++) {
            Map<String, Double> row = p99.get(scenarios.get(s).name());
            double r = row.get(Balancers.SKILL_AWARE) / row.get(Balancers.ROUND_ROBIN);
            v.row("skill-aware p99 ≤ 0.5× round-robin, scenario " + (s + 1), f("%.2f×", r),
                    r <= 0.5 ? "**met**" : f("**missed** (gap %.2f×)", r - 0.5));
        }
        for (int k = 0; k < 2; k++) {
            v.row("affinity keeps ≥ 90% of same-key tasks on one agent, load 0.7, keys " + keyNames[k],
                    f("%.1f%%", stickiness[k] * 100),
                    stickiness[k] >= 0.9 ? "**met**" : f("**missed** (gap %.1f points)", 90 - stickiness[k] * 100));
            v.row("no agent over its load bound (affinity), load 0.7, keys " + keyNames[k], violations[k] + " dispatches over",
                    violations[k] == 0 ? "**met**" : "**missed**");
        }
        md.append(v.markdown()).append('\n');
        md.append(f("Wall time of this part: %.1f s.%n", (System.nanoTime() - t0) / 1e9));

        List<Chart.Series> series = new ArrayList<>();
        for (String who : List.of("oracle", Balancers.ROUND_ROBIN, Balancers.LEAST_LOADED, Balancers.SKILL_AWARE)) {
            List<Chart.Point> pts = new ArrayList<>();
            p99.values().forEach(row -> pts.add(new Chart.Point(0, row.get(who), null)));
            series.add(new Chart.Series(who, pts));
        }
        Chart.bars(report.images().resolve("scheduling-p99.png"), "p99 completion latency per scheduler (s)",
                "p99 (s)", categories, series);
        md.append("\n![p99 per scheduler](img/scheduling-p99.png)\n");
        report.write("scheduling", md.toString());
    }

    static double stickiness(List<Job> jobs, int[] agentOf) {
        Map<String, Map<Integer, Integer>> counts = new HashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            counts.computeIfAbsent(jobs.get(i).key(), k -> new HashMap<>()).merge(agentOf[i], 1, Integer::sum);
        }
        long kept = 0;
        for (Map<Integer, Integer> perAgent : counts.values()) {
            kept += perAgent.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }
        return kept / (double) jobs.size();
    }

    /** Mean tasks in flight of the most frequent key: its arrival rate times its mean duration. */
    static double hottestKeyInFlight(List<Job> jobs) {
        Map<String, long[]> perKey = new HashMap<>();
        for (Job j : jobs) {
            long[] c = perKey.computeIfAbsent(j.key(), k -> new long[2]);
            c[0]++;
            c[1] += j.baseNanos();
        }
        long span = jobs.get(jobs.size() - 1).arrivalNanos() - jobs.get(0).arrivalNanos();
        return perKey.values().stream().mapToDouble(c -> c[1] / (double) span).max().orElse(0);
    }

    private static long[] sorted(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c;
    }

    private static double sec(long nanos) {
        return nanos / 1e9;
    }
}
