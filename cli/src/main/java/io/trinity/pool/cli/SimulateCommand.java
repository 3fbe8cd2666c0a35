package io.trinity.pool.cli;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.report.Table;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tri simulate}: replays a trace through the pool in virtual time, for capacity
 * planning. Agents are simulated: each task takes its trace duration, and the fault flags make
 * attempts fail, hang or crash their agent, seeded by {@code --seed}.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Replays a workload trace through the pool in virtual time (capacity planning).",
        description = {"Replays a trace (CSV: " + Trace.HEADER + "[,tenant]) through the pool in virtual time",
                "on simulated agents and prints what the workload costs: latency, agent-seconds, cold starts;",
                "with tenants or --limits, also each tenant's waits and share and each resource's pacing."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tri simulate traces/diurnal.csv",
                "  tri simulate traces/bursty.csv --max-agents 8 --warm 2 --idle-timeout 20s",
                "  tri simulate traces/bursty.csv --limits limits.json",
                "  tri simulate traces/bursty.csv --hang-rate 0.01 --crash-rate 0.005 \\",
                "      --events-out events.jsonl",
                "  tri simulate --generate diurnal --tasks 3000 --seed 7 \\",
                "      --out traces/diurnal.csv",
                "  tri simulate --generate cyclic --tasks 31680 --period 30m --out cyclic.csv"})
final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "TRACE", description = "The trace CSV to replay.")
    Path trace;

    @Mixin
    PoolOptions pool;

    @Option(names = "--fail-rate", paramLabel = "P", defaultValue = "0",
            description = "Probability that an attempt throws (a retryable failure).")
    double failRate;

    @Option(names = "--hang-rate", paramLabel = "P", defaultValue = "0",
            description = "Probability that an attempt stops reporting progress and never returns.")
    double hangRate;

    @Option(names = "--crash-rate", paramLabel = "P", defaultValue = "0",
            description = "Probability that the agent breaks during an attempt (it is replaced).")
    double crashRate;

    @Option(names = "--spawn-delay", defaultValue = "500ms", paramLabel = "DURATION",
            description = "Cold start of a simulated agent (default: ${DEFAULT-VALUE}).")
    Duration spawnDelay;

    @Option(names = "--events-out", paramLabel = "FILE", description = "Write the event log (JSON Lines, DESIGN.md format).")
    Path eventsOut;

    @Option(names = "--limits", paramLabel = "FILE",
            description = "JSON with per-resource limits and prices, tenant weights, limits and budgets, and the"
                    + " resources each type uses (docs/fairness.md).")
    Path limitsFile;

    @Option(names = "--json", description = "Print the summary as JSON instead of tables.")
    boolean json;

    @Option(names = "--generate", paramLabel = "KIND", description = "Write an example trace instead: diurnal, bursty, fair-admission, cyclic, cyclic-square or cyclic-burst.")
    String generate;

    @Option(names = "--period", paramLabel = "DURATION", defaultValue = "30m",
            description = "With --generate cyclic, cyclic-square or cyclic-burst: the cycle's length (default: ${DEFAULT-VALUE}).")
    Duration period;

    @Option(names = "--out", paramLabel = "FILE", description = "With --generate: where to write the trace.")
    Path out;

    @Option(names = "--tasks", paramLabel = "N", defaultValue = "3000", description = "With --generate: tasks (default: ${DEFAULT-VALUE}).")
    int tasks;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        if (generate != null) {
            return generate(o);
        }
        List<String> generateOnly = given("--out", "--tasks", "--period");
        if (!generateOnly.isEmpty()) {
            throw new UserError(String.join(", ", generateOnly) + (generateOnly.size() == 1 ? " is" : " are")
                    + " for writing a trace with --generate KIND; to replay " + (trace != null ? trace : "a trace")
                    + ", leave " + (generateOnly.size() == 1 ? "it" : "them") + " out");
        }
        if (trace == null) {
            throw new UserError("give a trace file to replay (examples: traces/diurnal.csv, traces/bursty.csv),"
                    + " or --generate KIND --out FILE to write one");
        }
        rate("--fail-rate", failRate);
        rate("--hang-rate", hangRate);
        rate("--crash-rate", crashRate);
        if (failRate + hangRate + crashRate > 1) {
            throw new UserError("--fail-rate + --hang-rate + --crash-rate must be <= 1 (got "
                    + (failRate + hangRate + crashRate) + ")");
        }
        VirtualRun.checkSpawnDelay(spawnDelay);
        PoolConfig defaults = PoolConfig.ofDefaults();
        Limits limits = limitsFile == null ? Limits.NONE : Limits.read(limitsFile);
        PoolConfig config = limits.applyTo(pool.toConfig(defaults));
        List<String> strategies = pool.strategyNames(SpawnStrategies.POOL_DEFAULT);
        SpawnStrategies.create(strategies);
        // two passes, so that a trace of any length is checked whole before the run and then
        // replayed a line at a time instead of held
        Trace.Stats stats = Trace.scan(trace);
        if (stats.tasks() == 0) {
            throw new UserError(trace + ": the trace has a header but no tasks");
        }
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofMillis(100))).withSpawnDelay(spawnDelay)
                .withFaults(failRate, hangRate, crashRate);
        FairnessReport fairness = new FairnessReport(limits.typeResources());
        VirtualRun.Result r;
        try (Trace.Reader arrivals = Trace.open(trace)) {
            r = VirtualRun.run(new VirtualRun.Setup(config, strategies, type -> profile, eventsOut,
                    limits.typeResources(), List.of(fairness)), stats.tasksByType().keySet(), arrivals);
        }
        boolean showFairness = !limits.isEmpty() || fairness.hasContent();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("trace", trace.toString());
            doc.put("virtualMs", r.virtualMs());
            doc.put("allFinal", r.allFinal());
            doc.put("summary", r.summary());
            if (showFairness) {
                doc.putAll(fairness.json());
            }
            o.println(SummaryReport.json(doc));
        } else {
            o.println("tri simulate " + trace + ": " + stats.tasks() + " tasks over "
                    + seconds(stats.lastArrivalMs()) + " of arrivals, types " + SummaryReport.counts(new TreeMap<>(stats.tasksByType())));
            o.printf(Locale.ROOT, "faults per attempt: fail %.3f, hang %.3f, crash %.3f; cold start %s%n%n",
                    failRate, hangRate, crashRate, DurationConverter.format(spawnDelay));
            o.print(new Table("setting", "value", "seed default", "from")
                    .rows(pool.settingsTable(config, defaults, strategies, SpawnStrategies.POOL_DEFAULT, "simulate")).render());
            o.println();
            o.print(BenchCommand.table(List.of(new BenchCell(trace.getFileName().toString(), config.balancer(),
                    String.join("+", strategies), r.summary(), r.virtualMs()))).render());
            o.println();
            o.print(SummaryReport.table(r.summary()).render());
            o.println();
            if (showFairness) {
                o.print(fairness.tenantTable().render());
                o.println();
                if (!limits.typeResources().isEmpty()) {
                    o.print(fairness.resourceTable().render());
                    o.println();
                }
            }
            String ended = r.allFinal() ? seconds(r.virtualMs()) + " until the last task ended"
                    : "the run was cut at " + seconds(r.stoppedMs()) + (r.summary().completed() == 0 ? ", no task ended"
                    : ", the last task ended at " + seconds(r.virtualMs()));
            o.println("virtual time: " + ended + (eventsOut != null ? "; event log: " + eventsOut : ""));
        }
        o.flush();
        if (!r.allFinal()) {
            RunMetrics.Summary sum = r.summary();
            spec.commandLine().getErr().println("tri simulate: " + (sum.submitted() - sum.completed()) + " of "
                    + sum.submitted() + " tasks never ended: none ended for " + DurationConverter.format(r.quiet())
                    + " of virtual time (the longest one task may take under these settings, plus "
                    + DurationConverter.format(VirtualRun.DRAIN_MARGIN) + ", at most "
                    + DurationConverter.format(VirtualRun.MAX_QUIET) + "), so the run was cut at "
                    + seconds(r.stoppedMs()) + "; --events-out shows what held them (a limit, a budget, a circuit)");
            return 1;
        }
        return 0;
    }

    private int generate(PrintWriter o) {
        if (trace != null) {
            throw new UserError("--generate writes a trace to --out and replays nothing, but a TRACE to replay was"
                    + " given too (" + trace + "); run the two separately");
        }
        if (out == null) {
            throw new UserError("--generate needs --out FILE (where to write the trace)");
        }
        if (!generate.startsWith(TraceGenerator.CYCLIC) && given("--period").size() == 1) {
            throw new UserError("--period is the cycle of --generate cyclic, cyclic-square or cyclic-burst; the kind "
                    + generate + " has none, so leave it out");
        }
        List<String> replayOnly = new java.util.ArrayList<>();
        for (var opt : spec.commandLine().getParseResult().matchedOptions()) {
            String n = opt.longestName();
            if (!GENERATE_FLAGS.contains(n)) {
                replayOnly.add(n);
            }
        }
        if (!replayOnly.isEmpty()) {
            throw new UserError(String.join(", ", replayOnly) + " " + (replayOnly.size() == 1 ? "does" : "do")
                    + " nothing with --generate, which only writes a trace (it takes --out, --tasks, --seed and, for"
                    + " the cyclic kinds, --period); replay the trace in a second run with them");
        }
        PoolOptions.positive("--tasks", tasks);
        long seed = pool.seed != null ? pool.seed : PoolConfig.ofDefaults().seed();
        long span = TraceGenerator.write(generate, tasks, seed, period, out);
        o.println("wrote " + out + ": " + tasks + " tasks of kind " + generate + " over " + seconds(span)
                + " (seed " + seed + ")");
        o.flush();
        return 0;
    }

    /** The flags a {@code --generate} run uses; any other is meant for a replay. */
    private static final java.util.Set<String> GENERATE_FLAGS = java.util.Set.of("--generate", "--out", "--tasks",
            "--seed", "--period", "--config");

    /** Which of these flags the command line gave (some have defaults, so a value alone does not tell). */
    private List<String> given(String... flags) {
        var parsed = spec.commandLine().getParseResult();
        return java.util.Arrays.stream(flags).filter(parsed::hasMatchedOption).toList();
    }

    private static void rate(String flag, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new UserError(flag + " must be a probability between 0 and 1 (got " + v + ")");
        }
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
