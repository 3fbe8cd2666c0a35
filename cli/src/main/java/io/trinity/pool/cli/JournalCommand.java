package io.trinity.pool.cli;

import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.jdbc.JournalInspector;
import io.trinity.pool.journal.jdbc.JournalStats;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tri journal stats|export}: looks into a journal without owning it (no lock, no
 * migration, nothing written), so it works beside a running pool.
 */
@Command(name = "journal", mixinStandardHelpOptions = true,
        header = "Looks into a journal: counts and ages, or its tasks as an event log.",
        description = {"Looks into a journal (a SQLite file or a jdbc:postgresql:// URL) without changing it."},
        subcommands = {JournalCommand.Stats.class, JournalCommand.Export.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tri journal stats ./data/trinity.db",
                "  tri journal stats 'jdbc:postgresql://127.0.0.1:5432/trinity?user=trinity&password=...'",
                "  tri journal export ./data/trinity.db --out events.jsonl",
                "More in docs/durability.md."})
final class JournalCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static JournalInspector open(String journal) {
        try {
            return JournalInspector.open(journal);
        } catch (JournalException | IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            header = "Tasks by state, the oldest queued task, dead letters, size and schema version.",
            description = {"Tasks by state, the oldest queued task and its age, dead letters, snapshots,"
                    + " the size on disk and the schema version."},
            footerHeading = "%nExamples:%n",
            footer = {"  tri journal stats ./data/trinity.db"})
    static final class Stats implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE|URL", description = "The journal: a SQLite file or a jdbc:postgresql:// URL.")
        String journal;

        @Override
        public Integer call() {
            JournalStats s;
            try (JournalInspector in = open(journal)) {
                s = in.stats();
            } catch (JournalException e) {
                throw new UserError(e.getMessage(), e);
            }
            print(spec.commandLine().getOut(), s, Instant.now());
            return 0;
        }

        static void print(PrintWriter out, JournalStats s, Instant now) {
            java.util.List<String[]> t = new java.util.ArrayList<>();
            row(t, "journal", s.journal() + " (" + s.database() + ", schema version " + s.schemaVersion() + ")");
            row(t, "tasks", String.format(Locale.ROOT, "%,d", s.tasks()));
            for (Map.Entry<String, Long> e : s.byState().entrySet()) {
                row(t, "  " + e.getKey(), String.format(Locale.ROOT, "%,d", e.getValue()));
            }
            row(t, "dead letters", String.format(Locale.ROOT, "%,d offered for resubmission", s.deadLetters()));
            row(t, "oldest queued", s.oldestQueuedId() == 0 ? "none"
                    : "task " + s.oldestQueuedId() + ", waiting " + age(now.toEpochMilli() - s.oldestQueuedAt())
                    + " (since " + Instant.ofEpochMilli(s.oldestQueuedAt()) + ")");
            row(t, "finals kept", s.lastEndedAt() == 0 ? "none"
                    : "ended " + Instant.ofEpochMilli(s.firstEndedAt()) + " .. " + Instant.ofEpochMilli(s.lastEndedAt()));
            row(t, "snapshots", String.format(Locale.ROOT, "%,d", s.snapshots()));
            row(t, "highest task id", String.valueOf(s.maxTaskId()));
            row(t, "size", s.database().equals("SQLite") ? bytes(s.sizeBytes()) + " (file and WAL)"
                    : bytes(s.sizeBytes()) + " (journal tables), database " + bytes(s.databaseBytes()));
            int w = t.stream().mapToInt(r -> r[0].length()).max().orElse(0);
            for (String[] r : t) {
                out.println(r[0] + " ".repeat(w - r[0].length() + 2) + r[1]);
            }
            out.flush();
        }

        private static void row(java.util.List<String[]> t, String key, String value) {
            t.add(new String[] {key, value});
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            header = "Writes what the journal holds as event-log JSON Lines.",
            description = {"Writes what the journal holds as event-log JSON Lines (docs/events.md):"
                    + " task.submit for every task, task.dispatch for its last attempt, task.end and"
                    + " task.deadletter for final states. What it cannot reconstruct: docs/durability.md."},
            footerHeading = "%nExamples:%n",
            footer = {"  tri journal export ./data/trinity.db --out events.jsonl",
                    "  tri journal export ./data/trinity.db | grep task.deadletter"})
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE|URL", description = "The journal: a SQLite file or a jdbc:postgresql:// URL.")
        String journal;

        @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        Path out;

        @Override
        public Integer call() {
            try (JournalInspector in = open(journal)) {
                long lines;
                if (out == null) {
                    PrintWriter w = spec.commandLine().getOut();
                    lines = in.export(w);
                    w.flush();
                } else {
                    lines = exportTo(in, out);
                    spec.commandLine().getErr().println("wrote " + lines + " events to " + out);
                }
            } catch (JournalException e) {
                throw new UserError(e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return 0;
        }

        /**
         * Writes to a new file beside {@code out} and moves it into place only once the whole
         * export is written, so a journal that fails halfway (or a full disk) never costs the
         * user the file that was there.
         */
        private static long exportTo(JournalInspector in, Path out) {
            Path target = out.toAbsolutePath().normalize();
            if (Files.isDirectory(target)) {
                throw new UserError("--out " + out + " is a folder; give a file path such as " + out.resolve("events.jsonl"));
            }
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            boolean done = false;
            try {
                long lines;
                try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    lines = in.export(w);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                done = true;
                return lines;
            } catch (IOException e) {
                throw new UserError("cannot write " + out + " (" + UserError.reason(e) + "); check that its folder exists, is writable"
                        + " and has space" + (Files.exists(target) ? " (" + out + " was left as it was)" : ""), e);
            } finally {
                if (!done) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // The export already failed; that failure is the one to report.
                    }
                }
            }
        }
    }

    static String age(long ms) {
        Duration d = Duration.ofMillis(Math.max(0, ms));
        if (d.toDays() > 0) {
            return d.toDays() + "d" + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m" + d.toSecondsPart() + "s";
        }
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }
}
