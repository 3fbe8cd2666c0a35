package io.trinity.pool.cli;

import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.jdbc.JdbcJournal;
import io.trinity.pool.journal.jdbc.Journals;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tri chaos kill9}: the crash campaign against the real service. Each cycle starts
 * {@code tri serve} as a child process on one journal, submits tasks over HTTP with an
 * {@code Idempotency-Key} each (retrying on connection errors), and {@code kill -9}s it at a random
 * moment: during the submits, while tasks run, or right after asking it to drain. A last start
 * finishes everything; then every task the client ever got a 2xx for must have one id and exactly
 * one final state, and every final state the client saw for it, before or after a kill, must agree.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        header = "Crash campaigns against tri serve.",
        description = "Runs the service as child processes and crashes them; see kill9.",
        subcommands = ChaosCommand.Kill9.class)
final class ChaosCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "kill9", mixinStandardHelpOptions = true, sortOptions = false,
            header = "kill -9 tri serve over and over; check that no acknowledged task is lost or ends twice.",
            description = {"Each cycle starts tri serve (a child JVM) on the same journal, submits tasks over HTTP with an",
                    "Idempotency-Key each, and kills it with SIGKILL during the submits, while tasks run, or right after",
                    "SIGTERM. The next cycle re-submits every key not yet acknowledged and a few that were (they must",
                    "return the same id). A last start waits for every acknowledged task to end. Exit 0 only when none",
                    "is lost and no task was reported with two different final states."},
            footerHeading = "%nExamples:%n",
            footer = {
                    "  tri chaos kill9 --cycles 20",
                    "  tri chaos kill9 --cycles 20 --journal 'jdbc:postgresql://127.0.0.1:5432/trinity?user=u&password=p'"})
    static final class Kill9 implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--cycles", defaultValue = "20", paramLabel = "N",
                description = "Starts that end in kill -9 (default: ${DEFAULT-VALUE}).")
        int cycles;

        @Option(names = "--tasks-per-cycle", defaultValue = "50", paramLabel = "N",
                description = "New tasks submitted in each cycle (default: ${DEFAULT-VALUE}).")
        int tasksPerCycle;

        @Option(names = "--journal", paramLabel = "PATH|URL",
                description = "The journal all starts share: a SQLite file or a jdbc:postgresql:// URL"
                        + " (default: a fresh SQLite file in a temporary folder).")
        String journal;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of the kill moments (default: random, printed).")
        Long seed;

        @Override
        public Integer call() throws Exception {
            if (cycles < 1) {
                throw new UserError("--cycles must be >= 1 (got " + cycles + ")");
            }
            if (tasksPerCycle < 1) {
                throw new UserError("--tasks-per-cycle must be >= 1 (got " + tasksPerCycle + ")");
            }
            if (journal != null && (journal.isBlank() || journal.equals("none"))) {
                throw new UserError("--journal must name a SQLite file or a jdbc:postgresql:// URL (got '" + journal
                        + "'): a crash campaign without a journal would lose everything by design");
            }
            if (journal != null) {
                checkJournal(journal);
            }
            PrintWriter out = spec.commandLine().getOut();
            long s = seed != null ? seed : new Random().nextLong();
            Path dir = Files.createTempDirectory("tri-chaos");
            String db = journal != null ? journal : dir.resolve("chaos.db").toString();
            out.println("tri chaos kill9: " + cycles + " cycles of " + tasksPerCycle + " tasks, seed " + s + ", journal "
                    + Journals.redact(db) + ", server logs in " + dir.resolve("serve.log"));
            out.flush();
            ChaosCampaign campaign = new ChaosCampaign(dir, db, new Random(s), out);
            for (int c = 1; c <= cycles; c++) {
                campaign.crashCycle(c, tasksPerCycle);
            }
            ChaosCampaign.Outcome o = campaign.finish();
            Map<String, Integer> byState = new TreeMap<>(o.finalByState());
            StringBuilder states = new StringBuilder();
            byState.forEach((k, v) -> states.append(states.isEmpty() ? "" : ", ").append(k.toLowerCase()).append(' ').append(v));
            out.println("kills: " + o.kills());
            out.println("cycles " + cycles + ", acknowledged " + o.acknowledged() + ", final " + o.finals() + " (" + states
                    + "), lost " + o.lost() + ", disagreements " + o.disagreements() + ", snapshots " + o.snapshots()
                    + " (missing after a restart " + o.snapshotsMissing() + ")");
            o.problems().stream().limit(20).forEach(p -> out.println("  " + p));
            out.flush();
            return o.lost() == 0 && o.disagreements() == 0 && o.snapshotsMissing() == 0 && o.snapshots() > 0 ? 0 : 1;
        }

        /**
         * Opens the journal once, as the first tri serve would, and closes it: a file that is not
         * a journal, a corrupt one or an unreachable database is a usage error told at once, not
         * three failed server starts later. Opening creates (or migrates) what the first start
         * would create anyway.
         */
        private static void checkJournal(String journal) {
            try (Journal j = JdbcJournal.builder(journal).open()) {
                // only whether it opens
            } catch (JournalException | IllegalArgumentException e) {
                throw new UserError("--journal: " + Journals.redact(e.getMessage()), e);
            }
        }
    }
}
