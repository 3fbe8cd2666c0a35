package io.trinity.pool.bench.journal;

import io.trinity.pool.bench.report.Report;
import io.trinity.pool.report.Table;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./tri bench journal [--quick] [--pg URL]}: raw journal throughput, accepted tasks/s with
 * group commit from N concurrent submitters, and write() latency at a paced 1,000 writes/s, on
 * SQLite (synchronous FULL and NORMAL) and PostgreSQL. PostgreSQL is measured when {@code --pg URL}
 * is given or {@code TRINITY_TEST_PG_URL} is set ({@code .ci/postgres} prints one). Results go to
 * bench/results/journal.md.
 */
public final class JournalReport {

    private static final int[] SUBMITTERS = {1, 8, 64};

    private final Report report;
    private final boolean quick;
    private final String pgUrl;

    public JournalReport(Report report, boolean quick, String pgUrl) {
        this.report = report;
        this.quick = quick;
        this.pgUrl = pgUrl;
    }

    public void run() throws Exception {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<JournalTarget> targets = new ArrayList<>();
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "trinity-journal-bench");
        targets.add(JournalTarget.sqlite("FULL", dir.resolve("full")));
        targets.add(JournalTarget.sqlite("NORMAL", dir.resolve("normal")));
        if (pgUrl != null && !pgUrl.isBlank()) {
            targets.add(JournalTarget.postgres(pgUrl));
        } else {
            System.out.println("journal bench: PostgreSQL skipped (give --pg URL or set TRINITY_TEST_PG_URL)");
        }
        long rawRecords = quick ? 50_000 : 300_000;
        double submitSeconds = quick ? 1 : 4;
        double pacedSeconds = quick ? 2 : 10;

        Table raw = new Table("journal", "records", "seconds", "records/s", "commits", "records/commit");
        Table sub = new Table("journal", "submitters", "tasks/s", "commits/s", "tasks per commit");
        Table paced = new Table("journal", "writes", "p50", "p99", "p99.9", "max", "commits/s");
        for (JournalTarget t : targets) {
            try (t) {
                JournalBench b = new JournalBench(t);
                b.raw(rawRecords / 10);  // warm-up: JIT, page cache, connections
                JournalBench.Raw r = b.raw(rawRecords);
                System.out.printf("%s raw: %,.0f records/s%n", t.name(), r.perSecond());
                raw.row(t.name(), String.format("%,d", r.records()), Table.f("%.2f", r.seconds()),
                        Table.f("%,.0f", r.perSecond()), r.commits(), Table.f("%,.0f", r.records() / (double) r.commits()));
                for (int n : SUBMITTERS) {
                    JournalBench.Submitters s = b.submitters(n, submitSeconds);
                    System.out.printf("%s %d submitters: %,.0f tasks/s, %.1f tasks per commit%n", t.name(), n,
                            s.perSecond(), s.perCommit());
                    sub.row(t.name(), n, Table.f("%,.0f", s.perSecond()), Table.f("%,.0f", s.commits() / s.seconds()),
                            Table.f("%.1f", s.perCommit()));
                }
                JournalBench.Paced p = b.paced(1_000, quick ? 1 : 2, pacedSeconds);
                System.out.printf("%s paced 1000/s: p50 %.0f us p99 %.0f us%n", t.name(), p.p50Micros(), p.p99Micros());
                paced.row(t.name(), String.format("%,d", p.writes()), ms(p.p50Micros()), ms(p.p99Micros()),
                        ms(p.p999Micros()), ms(p.maxMicros()), Table.f("%.0f", p.commits() / pacedSeconds));
            }
        }
        Files.deleteIfExists(dir);
        String md = "Journal benchmark (`./tri bench journal" + (quick ? " --quick" : "") + "`), load average "
                + Table.f("%.2f", load) + " at start, " + Runtime.getRuntime().availableProcessors() + " cores.\n\n"
                + "### Raw throughput (one producer, batches of 1,000 Accepted records, 64 in flight)\n\n"
                + raw.markdown()
                + "\n### Accepted tasks/s, each submitter waiting for its task to be durable (group commit)\n\n"
                + sub.markdown()
                + "\n### write() to durable, one Accepted per write, paced at 1,000 writes/s ("
                + (long) pacedSeconds + " s measured)\n\n"
                + paced.markdown();
        report.write("journal", md);
    }

    private static String ms(double micros) {
        return Table.f("%.2f ms", micros / 1000);
    }
}
