package io.trinity.pool.bench.journal;

import io.trinity.pool.bench.report.Report;
import io.trinity.pool.report.Table;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./tri bench journal-pool [--quick] [--pg URL] [--only off,full,normal,pg]}: issue 14's
 * end-to-end figures, through a real pool ({@link PoolRun}) with no journal (the baseline), the
 * SQLite journal (synchronous FULL and NORMAL) and, given {@code --pg URL} or
 * {@code TRINITY_TEST_PG_URL}, the PostgreSQL journal: no-op tasks/s from 1, 8, 64 and 256 submitting
 * threads, and submit latency at a paced 1,000 submits/s. Checks the targets (SQLite: at least
 * 20,000 tasks/s, submit p99 under 5 ms) and writes bench/results/journal-pool.md.
 */
public final class JournalPoolReport {

    static final double TARGET_TASKS_PER_SECOND = 20_000;
    static final double TARGET_SUBMIT_P99_MS = 5;
    // 1, 8, 64 are the figures asked for; 256 shows whether more concurrent submitters still fill bigger groups.
    private static final int[] SUBMITTERS = {1, 8, 64, 256};
    private static final int RATE = 1_000;

    private final Report report;
    private final boolean quick;
    private final String pgUrl;
    private final List<String> only;

    public JournalPoolReport(Report report, boolean quick, String pgUrl, List<String> only) {
        this.report = report;
        this.quick = quick;
        this.pgUrl = pgUrl;
        this.only = only;
    }

    private record Case(String key, String name, JournalTarget target) {
    }

    public void run() throws Exception {
        // Each measurement opens a fresh journal; their migration and pool logs would bury the figures.
        for (String quiet : List.of("org.flywaydb", "com.zaxxer.hikari", "io.trinity.pool.internal.Engine")) {
            if (System.getProperty("org.slf4j.simpleLogger.log." + quiet) == null) {
                System.setProperty("org.slf4j.simpleLogger.log." + quiet, "warn");
            }
        }
        double loadAtStart = load();
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "trinity-journal-pool-bench");
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("off", "no journal (in memory)", null));
        JournalTarget full = JournalTarget.sqlite("FULL", dir.resolve("full"));
        cases.add(new Case("full", full.name(), full));
        JournalTarget normal = JournalTarget.sqlite("NORMAL", dir.resolve("normal"));
        cases.add(new Case("normal", normal.name(), normal));
        if (pgUrl != null && !pgUrl.isBlank()) {
            JournalTarget pg = JournalTarget.postgres(pgUrl);
            cases.add(new Case("pg", pg.name(), pg));
        } else {
            System.out.println("journal-pool bench: PostgreSQL skipped (give --pg URL or set TRINITY_TEST_PG_URL)");
        }
        cases.removeIf(c -> !only.isEmpty() && !only.contains(c.key));
        double warmup = quick ? 1 : 2;
        double seconds = quick ? 3 : 8;
        double pacedSeconds = quick ? 5 : 20;

        Table tput = new Table("journal", "submitters", "tasks", "seconds", "tasks/s", "× no journal", "commits/s",
                "tasks per commit", "records per task", "failed", "load");
        Table paced = new Table("journal", "tasks", "submit p50", "submit p99", "submit p99.9", "submit max",
                "p99 from schedule", "to result p50", "to result p99", "to result p99.9", "commits/s", "failed",
                "load");
        Table split = new Table("journal", "submit p50", "submit p99", "Accepted write p50", "Accepted write p99",
                "loop write p50", "loop write p99", "records per loop write", "to result p99");
        Map<Integer, Double> baseline = new LinkedHashMap<>();
        Map<String, Double> bestRate = new LinkedHashMap<>();
        Map<String, Integer> bestThreads = new LinkedHashMap<>();
        Map<String, PoolRun.Paced> pacedBy = new LinkedHashMap<>();
        for (Case c : cases) {
            try {
                PoolRun run = new PoolRun(c.target);
                run.throughput(8, warmup, warmup); // JIT, page cache, connections: one throw-away run per case
                for (int n : SUBMITTERS) {
                    double l = load();
                    PoolRun.Throughput t = run.throughput(n, warmup, seconds);
                    System.out.printf("%s, %d submitters: %,.0f tasks/s (%d failed), %.1f tasks per commit, load %.2f%n",
                            c.name, n, t.perSecond(), t.failed(), t.tasksPerCommit(), l);
                    if (c.target == null) {
                        baseline.put(n, t.perSecond());
                    }
                    if (t.perSecond() > bestRate.getOrDefault(c.key, 0.0)) {
                        bestRate.put(c.key, t.perSecond());
                        bestThreads.put(c.key, n);
                    }
                    Double base = baseline.get(n);
                    tput.row(c.name, n, String.format("%,d", t.tasks()), Table.f("%.2f", t.seconds()),
                            Table.f("%,.0f", t.perSecond()),
                            base == null ? "–" : Table.f("%.2f×", t.perSecond() / base),
                            c.target == null ? "–" : Table.f("%,.0f", t.commits() / t.seconds()),
                            c.target == null ? "–" : Table.f("%.1f", t.tasksPerCommit()),
                            c.target == null ? "–" : Table.f("%.2f", t.records() / (double) t.tasks()),
                            t.failed(), Table.f("%.2f", l));
                }
                double l = load();
                PoolRun.Paced p = run.paced(RATE, quick ? 1 : 2, pacedSeconds);
                pacedBy.put(c.key, p);
                System.out.printf("%s, paced %d/s: submit p50 %s p99 %s, to result p99 %s, load %.2f%n", c.name, RATE,
                        ms(p.call().p50()), ms(p.call().p99()), ms(p.result().p99()), l);
                paced.row(c.name, String.format("%,d", p.tasks()), ms(p.call().p50()), ms(p.call().p99()),
                        ms(p.call().p999()), ms(p.call().max()), ms(p.scheduled().p99()), ms(p.result().p50()),
                        ms(p.result().p99()), ms(p.result().p999()),
                        c.target == null ? "–" : Table.f("%,.0f", p.commits() / p.seconds()), p.failed(),
                        Table.f("%.2f", l));
                if (c.target != null) {
                    split.row(c.name, ms(p.call().p50()), ms(p.call().p99()), ms(p.acceptedWrite().p50()),
                            ms(p.acceptedWrite().p99()), ms(p.loopWrite().p50()), ms(p.loopWrite().p99()),
                            Table.f("%.1f", p.recordsPerLoopWrite()), ms(p.result().p99()));
                }
            } finally {
                if (c.target != null) {
                    c.target.close();
                }
            }
        }
        Files.deleteIfExists(dir);

        Table verdicts = new Table("target", "journal", "measured", "verdict");
        for (Case c : cases) {
            if (c.target == null) {
                continue;
            }
            boolean sqlite = !c.key.equals("pg");
            double best = bestRate.getOrDefault(c.key, 0.0);
            verdicts.row("≥ 20,000 no-op tasks/s end to end" + (sqlite ? "" : " (SQLite target; PostgreSQL beside it)"),
                    c.name, Table.f("%,.0f tasks/s (best, %d submitters)", best, bestThreads.getOrDefault(c.key, 0)),
                    verdict(best >= TARGET_TASKS_PER_SECOND, Table.f("%.2f× the target", best / TARGET_TASKS_PER_SECOND)));
            PoolRun.Paced p = pacedBy.get(c.key);
            if (p != null) {
                double p99 = p.call().p99() / 1e6;
                verdicts.row("submit p99 < 5 ms at 1,000 tasks/s" + (sqlite ? "" : " (SQLite target; PostgreSQL beside it)"),
                        c.name, ms(p.call().p99()),
                        verdict(p99 < TARGET_SUBMIT_P99_MS, Table.f("%.1f× the bound", p99 / TARGET_SUBMIT_P99_MS)));
            }
        }
        String md = "Journal end to end through the pool (`./tri bench journal-pool" + (quick ? " --quick" : "")
                + "`), load average " + Table.f("%.2f", loadAtStart) + " at start, "
                + Table.f("%.2f", load()) + " at the end, " + Runtime.getRuntime().availableProcessors()
                + " cores; " + PoolRun.AGENTS + " warm no-op agents.\n\n"
                + "### No-op tasks/s end to end (N threads submitting, result futures counted, at most " + String.format("%,d", PoolRun.WINDOW) + " unfinished; "
                + (long) seconds + " s per row after " + (long) warmup + " s warm-up)\n\n"
                + tput.markdown()
                + "\n### Paced " + String.format("%,d", RATE) + " submits/s from " + PoolRun.CLIENTS
                + " client threads (" + (long) pacedSeconds + " s measured)\n\n"
                + paced.markdown()
                + "\n### Where the paced submit's time goes: the journal write it waits for (write() to durable)"
                + " and the control loop's per-batch writes a result waits for\n\n"
                + split.markdown()
                + "\n### Targets (issue 14)\n\n"
                + verdicts.markdown();
        report.write("journal-pool", md);
    }

    private static String verdict(boolean met, String gap) {
        return met ? "**met**" : "**missed** (" + gap + ")";
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String ms(long nanos) {
        return Table.f("%.2f ms", nanos / 1e6);
    }
}
