package io.trinity.pool.bench;

import io.trinity.pool.bench.autoscale.AutoscalingReport;
import io.trinity.pool.bench.dispatch.DispatchReport;
import io.trinity.pool.bench.journal.JournalPoolReport;
import io.trinity.pool.bench.journal.JournalReport;
import io.trinity.pool.bench.memory.QueuedTaskMemory;
import io.trinity.pool.bench.report.Report;
import io.trinity.pool.bench.sched.SchedulingReport;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code benchmarks.jar} ({@code ./tri bench ARGS}). Subcommands:
 * <ul>
 *   <li>{@code dispatch [--quick]}: part 1, JMH throughput, idle-pool latency, 16 vs 10,000 agents</li>
 *   <li>{@code scheduling}: part 2, balancers vs a central-queue oracle on virtual time</li>
 *   <li>{@code autoscaling}: part 3, our auto-scaler vs fixed, HPA, Ray Serve, Pekko resizer</li>
 *   <li>{@code journal [--quick] [--pg URL]}: journal throughput and write latency, SQLite and PostgreSQL</li>
 *   <li>{@code journal-pool [--quick] [--pg URL] [--only off,full,normal,pg]}: the journal end to end
 *       through a pool of no-op agents: tasks/s from N submitters, submit latency at 1,000/s</li>
 *   <li>{@code cluster [--quick] [--pg URL] [--only throughput,latency,failover]}: three cluster nodes: throughput, remote dispatch cost, failover</li>
 *   <li>{@code memory [--tasks N]}: heap per queued task, from class histograms before and after N submits</li>
 *   <li>{@code all [--quick]}: the three parts in order</li>
 *   <li>{@code jmh [JMH options]}: plain JMH (for example {@code jmh DispatchBench -p work=noop})</li>
 * </ul>
 * Results go to bench/results/PART.md and charts to docs/img/.
 */
public final class BenchMain {

    private static final String USAGE = """
            usage: ./tri bench COMMAND
              dispatch [--quick]   part 1: throughput, idle-pool latency, 16 vs 10,000 agents (JMH; ~8 min)
              scheduling           part 2: balancers vs central-queue oracle, virtual time (~1 min)
              autoscaling          part 3: auto-scalers on steady, diurnal, spiky workloads, virtual time (~2 min)
              journal [--quick] [--pg URL]
                                   journal: raw records/s, tasks/s from N submitters, write p50/p99
                                   at 1,000/s; SQLite FULL/NORMAL, and PostgreSQL with --pg URL or
                                   TRINITY_TEST_PG_URL (~2 min)
              journal-pool [--quick] [--pg URL] [--only off,full,normal,pg]
                                   the journal end to end through a pool of 16 no-op agents:
                                   tasks/s from 1, 8, 64, 256 submitters, submit and result p50/p99
                                   at 1,000 submits/s; no journal, SQLite FULL/NORMAL, PostgreSQL
                                   (~5 min)
              cluster [--quick] [--pg URL] [--only throughput,latency,failover]
                                   three tri serve --node-id processes on one PostgreSQL: tasks/s
                                   through all fronts, remote vs local dispatch p99, scheduler
                                   failover after kill -9 (needs cli/target/tri.jar; ~3 min)
              memory [--tasks N]   heap per queued task beyond its input: class histograms of the
                                   live heap before and after N (default 200,000) submits (~10 s)
              all [--quick]        parts 1, 2 and 3
              jmh [JMH options]    plain JMH over this jar's benchmarks (jmh -h lists options)
            results: bench/results/PART.md, charts: docs/img/*.png (see docs/benchmarks.md)""";

    private BenchMain() {
    }

    private static String pgUrl(List<String> rest) {
        int i = rest.indexOf("--pg");
        if (i >= 0 && i + 1 < rest.size()) {
            return rest.get(i + 1);
        }
        return System.getenv("TRINITY_TEST_PG_URL");
    }

    private static List<String> only(List<String> rest) {
        int i = rest.indexOf("--only");
        if (i >= 0 && i + 1 < rest.size()) {
            return List.of(rest.get(i + 1).split(","));
        }
        return List.of();
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.out.println(USAGE);
            return;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        boolean quick = rest.contains("--quick");
        Report report = Report.locate();
        switch (args[0]) {
            case "dispatch" -> new DispatchReport(report, quick).run();
            case "scheduling" -> new SchedulingReport(report).run();
            case "autoscaling" -> new AutoscalingReport(report).run();
            case "journal" -> new JournalReport(report, quick, pgUrl(rest)).run();
            case "journal-pool" -> new JournalPoolReport(report, quick, pgUrl(rest), only(rest)).run();
            case "memory" -> new QueuedTaskMemory(report, QueuedTaskMemory.tasksOption(rest)).run();
            case "cluster" -> new io.trinity.pool.bench.cluster.ClusterReport(report, quick, pgUrl(rest), only(rest)).run();
            case "all" -> {
                new DispatchReport(report, quick).run();
                new SchedulingReport(report).run();
                new AutoscalingReport(report).run();
            }
            case "jmh" -> org.openjdk.jmh.Main.main(rest.toArray(String[]::new));
            case "help", "-h", "--help" -> System.out.println(USAGE);
            default -> {
                System.err.println("tri bench: unknown command '" + args[0] + "'\n" + USAGE);
                System.exit(2);
            }
        }
    }
}
