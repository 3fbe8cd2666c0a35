package io.trinity.pool.bench.dispatch;

import static io.trinity.pool.report.Table.f;

import io.trinity.pool.bench.report.Report;
import io.trinity.pool.bench.report.Stats;
import io.trinity.pool.report.Chart;
import io.trinity.pool.report.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 1 of the benchmark report: dispatch overhead. Runs {@link DispatchBench} (throughput),
 * {@link SubmitLatency} (submit-to-start with an idle pool) and {@link ScaleBench} (16 against
 * 10,000 agents) in one process, then writes the tables, the verdicts against the targets of
 * issue 7 and two charts. Every ratio divides two figures of this same run.
 */
public final class DispatchReport {

    static final String DEFAULT_POOL = "trinity-least-loaded";
    private final Report report;
    private final boolean quick;

    public DispatchReport(Report report, boolean quick) {
        this.report = report;
        this.quick = quick;
    }

    public void run() {
        long t0 = System.nanoTime();
        JmhRun.Settings settings = quick ? JmhRun.Settings.QUICK : JmhRun.Settings.REPORT;
        List<JmhRun.Score> throughput = JmhRun.run(DispatchBench.class, settings);
        List<SubmitLatency.Result> latency = quick
                ? new SubmitLatency(500, 2_000, 50_000).run(Target.NAMES, 1)
                : new SubmitLatency(2_000, 8_000, 50_000).run(Target.NAMES, 5);
        Map<String, List<JmhRun.Score[]>> scale = scaleRounds(settings, quick ? 1 : SCALE_ROUNDS);
        double minutes = (System.nanoTime() - t0) / 60e9;

        StringBuilder md = new StringBuilder();
        md.append(f("Settings: %d fork(s), %d warm-up x %s, %d measured iterations x %s; window %d tasks in flight;"
                + " %d workers per executor. Wall time of this part: %.1f min.%n%n", settings.forks(),
                settings.warmups(), settings.warmupTime(), settings.iterations(), settings.iterationTime(),
                DispatchBench.WINDOW, Target.WIDTH, minutes));
        Map<String, JmhRun.Score> byKey = new LinkedHashMap<>();
        for (JmhRun.Score s : throughput) {
            byKey.put(key(s.param("target"), s.param("work"), s.method()), s);
        }
        md.append("### Throughput (tasks/s, median of iterations; ± is JMH's 99.9% error of the mean)\n\n");
        Table t = new Table("executor", "no-op, 1 thread", "no-op, 2 threads", "10 µs, 1 thread", "10 µs, 2 threads",
                "no-op 1t vs TPE");
        double tpeNoop = med(byKey, "tpe", "noop", "submit1");
        for (String target : Target.NAMES) {
            t.row(target, cell(byKey, target, "noop", "submit1"), cell(byKey, target, "noop", "submit2"),
                    cell(byKey, target, "spin10us", "submit1"), cell(byKey, target, "spin10us", "submit2"),
                    f("%.2f×", med(byKey, target, "noop", "submit1") / tpeNoop));
        }
        md.append(t.markdown()).append('\n');

        Map<String, SubmitLatency.Result> lat = new LinkedHashMap<>();
        latency.forEach(r -> lat.put(r.target(), r));
        md.append("### Submit-to-start latency, idle pool (µs; median over rounds of each round's percentile)\n\n");
        Table lt = new Table("executor", "p50", "p99", "p99 per round", "p99 vs TPE");
        double tpeP99 = Stats.median(lat.get("tpe").p99Micros());
        for (SubmitLatency.Result r : latency) {
            lt.row(r.target(), f("%.1f", Stats.median(r.p50Micros())), f("%.1f", Stats.median(r.p99Micros())),
                    join(r.p99Micros(), "%.0f"), f("%.2f×", Stats.median(r.p99Micros()) / tpeP99));
        }
        md.append(lt.markdown()).append('\n');

        md.append("### Dispatch cost against pool size (no-op, 1 submitting thread)\n\n");
        md.append(f("In %d round(s); each round measures 16 and 10,000 agents back to back (the order alternating"
                + " between rounds), so a drift of the machine between the two cells stays out of the round's"
                + " ratio. Tasks/s are the median over rounds of each round's median; the ratio is the median of"
                + " the rounds' ratios.%n%n", scale.values().iterator().next().size()));
        Table st = new Table("balancer", "16 agents (tasks/s)", "10,000 agents (tasks/s)", "cost ratio 10k/16",
                "ratio per round");
        Map<String, Double> scaleRatio = new LinkedHashMap<>();
        scale.forEach((b, rounds) -> {
            double[] small = new double[rounds.size()];
            double[] big = new double[rounds.size()];
            double[] ratios = new double[rounds.size()];
            for (int i = 0; i < rounds.size(); i++) {
                small[i] = rounds.get(i)[0].median();
                big[i] = rounds.get(i)[1].median();
                ratios[i] = small[i] / big[i];
            }
            double ratio = Stats.median(ratios);
            scaleRatio.put(b, ratio);
            st.row(b, f("%,.0f", Stats.median(small)), f("%,.0f", Stats.median(big)), f("%.2f", ratio),
                    join(ratios, "%.2f"));
        });
        md.append(st.markdown()).append('\n');

        md.append("### Targets\n\n");
        Table v = new Table("target", "measured", "verdict");
        // issue 16's targets, each against its baseline in this same run, with 1 and with 2 submitters
        for (String m : List.of("submit1", "submit2")) {
            String threads = submitters(m);
            double ours = med(byKey, DEFAULT_POOL, "noop", m);
            atLeast(v, "no-op throughput ≥ 0.5× ThreadPoolExecutor (least-loaded, " + threads + ")", "%.3f×",
                    ours, med(byKey, "tpe", "noop", m), 0.5);
            double rr = med(byKey, "pekko-round-robin", "noop", m);
            double sm = med(byKey, "pekko-smallest-mailbox", "noop", m);
            double bestPekko = Math.max(rr, sm);
            v.row("no-op throughput above every Pekko router (" + threads + ")",
                    f("%.2f× round-robin, %.2f× smallest-mailbox", ours / rr, ours / sm),
                    verdict(ours > bestPekko, f("gap %.0f%%", (1 - ours / bestPekko) * 100)));
        }
        for (String m : List.of("submit1", "submit2")) {
            atLeast(v, "10 µs tasks ≥ 0.9× ThreadPoolExecutor (" + submitters(m) + ")", "%.2f×",
                    med(byKey, DEFAULT_POOL, "spin10us", m), med(byKey, "tpe", "spin10us", m), 0.9);
        }
        double ourP99 = Stats.median(lat.get(DEFAULT_POOL).p99Micros());
        v.row("idle-pool p99 submit-to-start ≤ ThreadPoolExecutor's", f("%.1f µs vs %.1f µs (%.2f×)", ourP99, tpeP99, ourP99 / tpeP99),
                verdict(ourP99 <= tpeP99, f("gap %.1f µs", ourP99 - tpeP99)));
        v.row("idle-pool p99 < 1 ms (seed promise)", f("%.1f µs", ourP99), verdict(ourP99 < 1000, ""));
        double llRatio = scaleRatio.get("least-loaded");
        v.row("10,000-agent dispatch cost ≤ 2× the 16-agent cost (least-loaded)", f("%.2f×", llRatio),
                verdict(llRatio <= 2, f("gap %.2f×", llRatio - 2)));
        md.append(v.markdown()).append('\n');
        md.append("Other balancers at 10,000 agents: ");
        scaleRatio.forEach((b, r) -> md.append(f("%s %.2f×; ", b, r)));
        md.append("\n");

        charts(byKey, lat);
        md.append("\n![dispatch cost and latency](img/dispatch-latency-vs-cost.png)\n");
        md.append("\n![throughput](img/dispatch-throughput.png)\n");
        report.write("dispatch", md.toString());
    }

    private void charts(Map<String, JmhRun.Score> byKey, Map<String, SubmitLatency.Result> lat) {
        List<Chart.Series> series = new ArrayList<>();
        for (String target : Target.NAMES) {
            double costNs = 1e9 / med(byKey, target, "noop", "submit1");
            double p99 = Stats.median(lat.get(target).p99Micros());
            series.add(new Chart.Series(target, List.of(new Chart.Point(costNs, p99, null))));
        }
        Chart.scatter(report.images().resolve("dispatch-latency-vs-cost.png"),
                "Dispatch: idle-pool p99 submit-to-start vs cost per no-op task", "ns per task (1 / throughput)",
                "p99 submit-to-start (µs)", series);
        List<Chart.Series> bars = new ArrayList<>();
        for (String[] w : new String[][] {{"noop", "submit1", "no-op, 1 thread"}, {"noop", "submit2", "no-op, 2 threads"},
                {"spin10us", "submit1", "10 µs, 1 thread"}, {"spin10us", "submit2", "10 µs, 2 threads"}}) {
            List<Chart.Point> pts = new ArrayList<>();
            for (String target : Target.NAMES) {
                pts.add(new Chart.Point(0, med(byKey, target, w[0], w[1]), null));
            }
            bars.add(new Chart.Series(w[2], pts));
        }
        Chart.bars(report.images().resolve("dispatch-throughput.png"), "Throughput, 16 workers (tasks/s, median)",
                "tasks/s", Target.NAMES.stream().map(n -> n.replace("trinity-", "t-").replace("pekko-", "pk-")).toList(),
                bars);
    }

    private static String submitters(String method) {
        return method.equals("submit1") ? "1 submitter" : "2 submitters";
    }

    /** A row for "ours at least {@code bound} × the baseline's tasks/s", with the gap when missed. */
    private static void atLeast(Table v, String target, String ratioFormat, double ours, double base, double bound) {
        double ratio = ours / base;
        v.row(target, f(ratioFormat + " (%,.0f vs %,.0f tasks/s)", ratio, ours, base),
                verdict(ratio >= bound, f("gap %.0f%%", (bound - ratio) / bound * 100)));
    }

    private static String verdict(boolean met, String gap) {
        return met ? "**met**" : "**missed** (" + gap + ")";
    }

    private static String key(String target, String work, String method) {
        return target + "/" + work + "/" + method;
    }

    private static double med(Map<String, JmhRun.Score> m, String target, String work, String method) {
        JmhRun.Score s = m.get(key(target, work, method));
        return s == null ? Double.NaN : s.median();
    }

    private static String cell(Map<String, JmhRun.Score> m, String target, String work, String method) {
        JmhRun.Score s = m.get(key(target, work, method));
        return s == null ? "n/a" : score(s);
    }

    private static String score(JmhRun.Score s) {
        return f("%,.0f ± %.0f%%", s.median(), s.relativeError() * 100);
    }

    static final int SCALE_ROUNDS = 3;
    static final List<String> SCALE_BALANCERS = List.of("round-robin", "least-loaded", "skill-aware", "affinity");

    /**
     * {@link ScaleBench} per balancer in {@code rounds} rounds, each a pair {16 agents, 10,000
     * agents} measured back to back, the order alternating between rounds. On this shared 2-core
     * machine the same cell measured minutes apart has differed by 1.8× (two modes, about 420 k
     * and 770 k tasks/s for 16 agents), which a ratio of cells measured apart turns into a verdict.
     */
    private static Map<String, List<JmhRun.Score[]>> scaleRounds(JmhRun.Settings settings, int rounds) {
        Map<String, List<JmhRun.Score[]>> out = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (String b : SCALE_BALANCERS) {
                boolean smallFirst = r % 2 == 0;
                JmhRun.Score first = scaleCell(settings, b, smallFirst ? "16" : "10000");
                JmhRun.Score second = scaleCell(settings, b, smallFirst ? "10000" : "16");
                out.computeIfAbsent(b, k -> new ArrayList<>())
                        .add(smallFirst ? new JmhRun.Score[] {first, second} : new JmhRun.Score[] {second, first});
            }
        }
        return out;
    }

    private static JmhRun.Score scaleCell(JmhRun.Settings settings, String balancer, String agents) {
        List<JmhRun.Score> scores = JmhRun.run(ScaleBench.class, settings, Map.of("balancer", balancer, "agents", agents));
        if (scores.size() != 1) {
            throw new IllegalStateException("ScaleBench with balancer " + balancer + " and " + agents
                    + " agents gave " + scores.size() + " results; expected 1");
        }
        return scores.get(0);
    }

    private static String join(double[] v, String format) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.isEmpty() ? "" : ", ").append(f(format, d));
        }
        return sb.toString();
    }
}
