package io.trinity.pool.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.report.PanelChart;
import io.trinity.pool.report.Table;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tri spawn-bench}: every balancer x spawning strategy x workload on simulated agents in
 * virtual time (seeded, so a cell replays exactly), then a short real-time run that measures
 * what dispatch itself costs.
 */
@Command(name = "spawn-bench", aliases = "pool-bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Balancers x spawning strategies x workloads in virtual time, and dispatch overhead.",
        description = {"Benchmarks balancers x spawning strategies x workloads on simulated agents in virtual time,",
                "then measures real-time dispatch overhead with no-op agents."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tri spawn-bench                  # the whole matrix, 10-60 s",
                "  tri spawn-bench --workload bursty,heavy-tailed --balancer affinity",
                "  tri spawn-bench --tasks 500 --overhead-tasks 0 --json bench.json",
                "  tri spawn-bench --report out/bench.md   # + out/bench.png chart",
                "",
                "Strategies come from the core's registry by name; each set is one strategy",
                "followed by on-demand, joined with '+', e.g. clone+on-demand."})
final class BenchCommand implements Callable<Integer> {

    private static final int OVERHEAD_AGENTS = 4;

    @Spec
    CommandSpec spec;

    @Mixin
    PoolOptions pool;

    @Option(names = "--workload", split = ",", paramLabel = "NAME",
            description = "Workloads to run (default: all: steady, bursty, periodic, heavy-tailed, heterogeneous).")
    List<String> workloads;

    @Option(names = "--tasks", defaultValue = "1500", paramLabel = "N",
            description = "Tasks per workload (default: ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--spawn-delay", defaultValue = "500ms", paramLabel = "DURATION",
            description = "Cold start of a simulated agent (default: ${DEFAULT-VALUE}).")
    Duration spawnDelay;

    @Option(names = "--overhead-tasks", defaultValue = "20000", paramLabel = "N",
            description = "No-op tasks in the real-time dispatch run; 0 skips it (default: ${DEFAULT-VALUE}).")
    int overheadTasks;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every cell as JSON.")
    Path json;

    @Option(names = "--report", paramLabel = "FILE.md", description = "Also write a Markdown report and a PNG chart beside it.")
    Path report;

    @Option(names = "--no-progress", description = "No progress bar or progress lines.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PoolOptions.positive("--tasks", tasks);
        PoolOptions.atLeastZero("--overhead-tasks", overheadTasks);
        VirtualRun.checkSpawnDelay(spawnDelay);
        PoolConfig config = pool.toConfig(PoolConfig.ofDefaults());
        List<String> given = PoolOptions.listOption(spec, "--workload", workloads, "bursty,heterogeneous");
        List<String> names = given == null ? Workloads.names() : given;
        List<String> balancers = pool.balancer != null ? List.of(pool.balancer) : List.copyOf(Balancers.builtIn().keySet());
        List<List<String>> strategySets = strategySets();
        List<Workloads.Workload> loads = new ArrayList<>();
        for (String n : names) {
            loads.add(Workloads.create(n.trim(), tasks, config.seed()));
        }
        out.printf(Locale.ROOT, "spawn-bench: %d workloads x %d balancers x %d strategy sets = %d cells, %d tasks each,"
                        + " seed %d, virtual time%n", loads.size(), balancers.size(), strategySets.size(),
                loads.size() * balancers.size() * strategySets.size(), tasks, config.seed());
        out.flush();

        List<BenchCell> cells = new ArrayList<>();
        int total = loads.size() * balancers.size() * strategySets.size();
        long started = System.nanoTime();
        try (Progress progress = new Progress(total)) {
            for (Workloads.Workload w : loads) {
                for (List<String> strategies : strategySets) {
                    for (String balancer : balancers) {
                        PoolConfig cellConfig = PoolConfig.from(config).balancer(balancer).build();
                        VirtualRun.Result r = VirtualRun.run(new VirtualRun.Setup(cellConfig, strategies,
                                type -> profile(w, type), null), w.arrivals());
                        cells.add(new BenchCell(w.name(), balancer, String.join("+", strategies), r.summary(), r.virtualMs()));
                        progress.step(w.name() + " " + balancer + " " + String.join("+", strategies));
                    }
                }
                progress.line(err, String.format(Locale.ROOT, "  %-14s done (%d cells, %.1f s so far)", w.name(),
                        cells.size(), (System.nanoTime() - started) / 1e9));
            }
        }
        Table table = table(cells);
        out.println();
        out.print(table.render());
        List<DispatchOverhead.Result> overhead = new ArrayList<>();
        if (overheadTasks > 0) {
            // One task per agent in flight measures dispatch alone; a deep window measures throughput.
            out.println();
            for (int window : new int[] {OVERHEAD_AGENTS, 512}) {
                DispatchOverhead.Result o = DispatchOverhead.run(overheadTasks, OVERHEAD_AGENTS, window, config.seed());
                overhead.add(o);
                out.println(overheadLine(o));
            }
        }
        out.printf(Locale.ROOT, "%nbench took %.1f s%n", (System.nanoTime() - started) / 1e9);
        if (json != null) {
            writeJson(config, loads, cells, overhead);
            out.println("wrote " + json);
        }
        if (report != null) {
            Path png = writeReport(config, loads, table, cells, overhead);
            out.println("wrote " + report + " and " + png);
        }
        out.flush();
        return 0;
    }

    private List<List<String>> strategySets() {
        List<String> given = pool.strategyNames(null);
        if (given != null) {
            SpawnStrategies.create(given);
            return List.of(given);
        }
        List<List<String>> sets = new ArrayList<>();
        String base = io.trinity.pool.spawn.OnDemandSpawning.NAME;
        sets.add(List.of(base));
        for (String name : SpawnStrategies.available().keySet()) {
            if (!name.equals(base)) {
                // The other strategy plans first: on-demand would otherwise cover every deficit itself.
                sets.add(List.of(name, base));
            }
        }
        return sets;
    }

    private SimProfile profile(Workloads.Workload w, String type) {
        return SimProfile.of(Distribution.fixed(Duration.ofMillis(300))).withSpawnDelay(spawnDelay)
                .withSlowdown(w.slowdowns().getOrDefault(type, 1.0));
    }

    static Table table(List<BenchCell> cells) {
        Table t = new Table("workload", "balancer", "strategy", "tasks/s", "p50 ms", "p95 ms", "p99 ms",
                "cold", "agent-s", "flips", "max");
        for (BenchCell c : cells) {
            RunMetrics.Summary s = c.summary();
            t.row(c.workload(), c.balancer(), c.strategy(), f1(s.throughputPerSec()), f1(s.p50Ms()), f1(s.p95Ms()),
                    f1(s.p99Ms()), s.coldStarts(), f1(s.agentSeconds()), s.scaleFlips(), s.maxPoolSize());
        }
        return t;
    }

    static String overheadLine(DispatchOverhead.Result o) {
        return String.format(Locale.ROOT, "dispatch overhead (real time, %d no-op tasks, %d agents, %3d in flight):"
                        + " submit->start p50 %.0f us, p99 %.0f us, max %.0f us; %.0f tasks/s", o.tasks(), o.agents(),
                o.inFlight(), o.p50Us(), o.p99Us(), o.maxUs(), o.throughputPerSec());
    }

    static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private Map<String, Object> settings(PoolConfig config, List<Workloads.Workload> loads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", config.seed());
        m.put("tasksPerWorkload", tasks);
        m.put("spawnDelayMs", spawnDelay.toMillis());
        m.put("maxAgents", config.maxAgents());
        m.put("warmPool", config.warmPool());
        m.put("idleTimeoutMs", config.idleTimeout().toMillis());
        m.put("spawnRate", config.spawnRate());
        m.put("queueCapacity", config.queueCapacity());
        Map<String, String> w = new LinkedHashMap<>();
        loads.forEach(l -> w.put(l.name(), l.description()));
        m.put("workloads", w);
        return m;
    }

    private void writeJson(PoolConfig config, List<Workloads.Workload> loads, List<BenchCell> cells,
                           List<DispatchOverhead.Result> overhead) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("settings", settings(config, loads));
        doc.put("cells", cells);
        doc.put("dispatchOverhead", overhead);
        try {
            createParent(json);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        } catch (IOException e) {
            throw new UserError("--json: cannot write " + json + " (" + UserError.reason(e) + ")", e);
        }
    }

    private Path writeReport(PoolConfig config, List<Workloads.Workload> loads, Table table, List<BenchCell> cells,
                             List<DispatchOverhead.Result> overhead) {
        String base = report.getFileName().toString().replaceFirst("\\.md$", "");
        Path png = report.resolveSibling(base + ".png");
        StringBuilder md = new StringBuilder("# tri spawn-bench\n\n");
        md.append("Virtual time, simulated agents, seed ").append(config.seed()).append(", ").append(tasks)
                .append(" tasks per workload, cold start ").append(DurationConverter.format(spawnDelay))
                .append(", max agents ").append(config.maxAgents()).append(", warm pool ").append(config.warmPool())
                .append(", idle timeout ").append(DurationConverter.format(config.idleTimeout())).append(".\n\n");
        md.append("| workload | arrivals and work |\n|---|---|\n");
        loads.forEach(l -> md.append("| ").append(l.name()).append(" | ").append(l.description()).append(" |\n"));
        md.append("\nLatency is submit to result of succeeded tasks; cold = tasks that waited for their agent's spawn;"
                + " agent-s = live agents integrated over time; flips = scale-direction reversals; max = largest pool.\n\n");
        md.append(table.markdown());
        md.append("\n![p99 latency against agent-seconds](").append(png.getFileName()).append(")\n");
        if (!overhead.isEmpty()) {
            md.append("\nReal-time dispatch overhead (no-op agents, submit to start):\n\n");
            overhead.forEach(o -> md.append("- ").append(overheadLine(o)).append("\n"));
        }
        try {
            createParent(report);
            Files.writeString(report, md);
            chart(cells, png);
        } catch (IOException e) {
            throw new UserError("--report: cannot write " + report + " (" + UserError.reason(e) + ")", e);
        } catch (UncheckedIOException e) {
            throw new UserError("--report: cannot write " + report + " (" + UserError.reason(e.getCause()) + ")", e);
        }
        return png;
    }

    /** p99 latency against agent-seconds, one panel per workload: down and left is better. */
    private static void chart(List<BenchCell> cells, Path png) {
        Map<String, List<PanelChart.Mark>> panels = new LinkedHashMap<>();
        for (BenchCell c : cells) {
            panels.computeIfAbsent(c.workload(), k -> new ArrayList<>()).add(new PanelChart.Mark(
                    c.summary().agentSeconds(), c.summary().p99Ms(), c.strategy(), c.balancer()));
        }
        PanelChart.write(png, new PanelChart.Labels("agent-seconds", "p99 latency (ms)", "spawning strategy", "balancer"),
                panels);
    }

    static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    /** A progress bar on a terminal; a line per workload otherwise; nothing with --no-progress. */
    private final class Progress implements AutoCloseable {
        private final ProgressBar bar;

        Progress(int total) {
            bar = !noProgress && Tri.interactive(spec) ? new ProgressBarBuilder().setTaskName("spawn-bench")
                    .setInitialMax(total).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                    .clearDisplayOnFinish().build() : null;
        }

        void step(String what) {
            if (bar != null) {
                bar.step();
                bar.setExtraMessage(what);
            }
        }

        void line(PrintWriter err, String text) {
            if (bar == null && !noProgress) {
                err.println(text);
                err.flush();
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
