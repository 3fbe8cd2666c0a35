package io.trinity.pool.cli;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.event.EventLogWriter;
import io.trinity.pool.report.Table;
import io.trinity.pool.time.PoolClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tri spawn}: the live demo. A real pool, in real time, runs a mixed multi-modal
 * workload through its scenes ({@link DemoScript}) while {@link LiveView} shows the pool, then
 * prints the summary. Timings are compressed so it fits in about 30 seconds; the settings
 * table says which seed default each one replaces.
 */
@Command(name = "spawn", aliases = {"spawn-demo", "pool"}, mixinStandardHelpOptions = true, sortOptions = false,
        header = "The live demo: a real pool of the built-in agents, about 30 s.",
        description = {"The live demo: a burst that grows the pool, tasks routed by every balancer, an affinity",
                "session, a high-priority task that preempts, an agent that hangs (detected as stuck and",
                "replaced), one that crashes (restarted), and a quiet period in which idle agents are",
                "reclaimed while the warm pool stays. Ends with a summary; exit 0 only when every task is final."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tri spawn",
                "  tri spawn --duration 15s --tasks 24",
                "  tri spawn --max-agents 12 --warm 3 --balancer round-robin",
                "  tri spawn --events-out events.jsonl --json",
                "  tri spawn --simulated         # the same scenes on simulated agents"})
final class SpawnCommand implements Callable<Integer> {

    /** The demo's compressed timings; everything else is the seed default. */
    static final PoolConfig DEMO_DEFAULTS = PoolConfig.custom()
            .maxAgents(8).warmPoolMin(1).warmPoolMax(4).warmPool(2)
            .idleTimeout(Duration.ofSeconds(3)).spawnRate(4)
            .healthInterval(Duration.ofMillis(500)).stuckAfter(Duration.ofSeconds(2))
            .queueCapacity(200)
            .scaleDownWindow(Duration.ofSeconds(5)).statsInterval(Duration.ofSeconds(1))
            .restartBackoff(Duration.ofMillis(200)).restartBackoffMax(Duration.ofSeconds(5))
            .build();

    @Spec
    CommandSpec spec;

    @Mixin
    PoolOptions pool;

    @Option(names = "--tasks", defaultValue = "48", paramLabel = "N",
            description = "Tasks in the opening burst (default: ${DEFAULT-VALUE}); the scenes add about 20 more.")
    int tasks;

    @Option(names = "--duration", defaultValue = "30s", paramLabel = "DURATION",
            description = "Length of the demo (default: ${DEFAULT-VALUE}); the scenes are spread over it.")
    Duration duration;

    @Option(names = "--events-out", paramLabel = "FILE", description = "Write the event log (JSON Lines, DESIGN.md format).")
    Path eventsOut;

    @Option(names = "--json", description = "Print the summary as JSON (and no live view).")
    boolean json;

    @Option(names = "--simulated", description = "Run the scenes on simulated agents instead of the built-in ones.")
    boolean simulated;

    @Option(names = "--plain", description = "Plain lines even on a terminal (no in-place redraw).")
    boolean plain;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PoolOptions.positive("--tasks", tasks);
        PoolOptions.positive("--duration", duration);
        PoolConfig config = pool.toConfig(DEMO_DEFAULTS);
        List<String> strategies = pool.strategyNames(SpawnStrategies.POOL_DEFAULT);
        SpawnStrategies.create(strategies);
        PoolClock clock = PoolClock.system();
        DemoAgents agents = simulated ? new SimulatedDemoAgents(clock, config.seed()) : new BuiltInDemoAgents(config.seed(), config.stuckAfter());

        PrintWriter view = json ? new PrintWriter(new StringWriter()) : out;
        if (!json) {
            out.println("tri spawn: " + agents.description() + ", real time, about "
                    + DurationConverter.format(duration));
            out.println();
            out.print(new Table("setting", "value", "seed default", "from")
                    .rows(pool.settingsTable(config, DEMO_DEFAULTS, strategies, SpawnStrategies.POOL_DEFAULT, "demo"))
                    .render());
            out.println("also compressed for the demo: scale-down window "
                    + DurationConverter.format(config.scaleDownWindow()) + " (DEFAULT_SCALE_DOWN_WINDOW "
                    + DurationConverter.format(PoolConfig.DEFAULT_SCALE_DOWN_WINDOW) + "), restart backoff "
                    + DurationConverter.format(config.restartBackoff()) + " (DEFAULT_RESTART_BACKOFF "
                    + DurationConverter.format(PoolConfig.DEFAULT_RESTART_BACKOFF) + "), stats every "
                    + DurationConverter.format(config.statsInterval()) + " (DEFAULT_STATS_INTERVAL "
                    + DurationConverter.format(PoolConfig.DEFAULT_STATS_INTERVAL) + ")");
            out.println();
            out.flush();
        }

        long start = clock.nanoTime();
        RunMetrics metrics = new RunMetrics(clock::nanoTime);
        boolean live = !plain && !json && Tri.interactive(spec);
        LiveView liveView = new LiveView(view, live, metrics, start, duration.toMillis() / 1000.0);
        PoolBuilder builder = AgentPool.builder().config(config).clock(clock).listener(metrics).listener(liveView);
        agents.register(builder);
        builder.register(FlakyAgent.TYPE, FlakyAgent::new);
        PoolOptions.applyStrategies(builder, strategies);
        EventLogWriter log = eventsOut == null ? null : VirtualRun.openLog(eventsOut, start);
        if (log != null) {
            builder.listener(log);
        }
        AgentPool p = builder.build();
        ShutdownReport report;
        DemoScript script = new DemoScript(p, agents, metrics, liveView, config, clock, duration, tasks);
        try {
            liveView.start(p);
            script.run();
            liveView.scene("shutdown: draining and destroying every agent");
            report = p.shutdown(Duration.ofSeconds(10)).get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            liveView.close();
            throw new IllegalStateException("the pool did not shut down within 60 s", e);
        } finally {
            liveView.close();
            VirtualRun.closeLog(log, eventsOut);
        }
        RunMetrics.Summary summary = metrics.summary(metrics.lastFinalNanos());
        boolean allFinal = metrics.allFinal();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("agents", agents.description());
            doc.put("allFinal", allFinal);
            doc.put("summary", summary);
            doc.put("routedByBalancer", metrics.dispatchesByBalancer());
            doc.put("affinity", metrics.agentsByAffinity());
            doc.put("scenes", script.findings());
            out.println(SummaryReport.json(doc));
        } else {
            out.println();
            out.print(SummaryReport.table(summary).render());
            out.println();
            out.println("routed by balancer:  " + SummaryReport.counts(metrics.dispatchesByBalancer()));
            script.findings().forEach((k, v) -> out.println(k + ":  " + v));
            out.printf(Locale.ROOT, "shutdown: %d drained, %d cancelled at the deadline%n", report.drained(), report.cancelled());
            out.println(allFinal ? "every task reached a final state." : "NOT every task reached a final state: "
                    + metrics.completed() + " of " + metrics.submitted());
            if (eventsOut != null) {
                out.println("event log: " + eventsOut);
            }
        }
        out.flush();
        return allFinal ? 0 : 1;
    }
}
