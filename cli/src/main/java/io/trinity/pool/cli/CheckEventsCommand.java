package io.trinity.pool.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tri check-events FILE}: checks an event log against the contract of DESIGN.md and
 * the task lifecycle ({@link EventLogCheck}). Prints one line per violation (the first
 * {@code --max-shown}), then a summary; exit 0 with no violation, 1 with any.
 */
@Command(name = "check-events", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Checks an event log (JSON Lines): fields, time order, one final state per task.",
        description = {"Reads an event log written with --events-out (or EventLogWriter) and reports",
                "each line that breaks the contract of docs/events.md (not a JSON object, t",
                "missing or going back, a required field missing, an unknown enum value) and",
                "each task that does not end in exactly one final state or has lifecycle",
                "events after it.",
                "Unknown event names are allowed (extra events are fine) and counted.",
                "Exit 0: no violation; 1: any."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tri simulate traces/diurnal.csv --fail-rate 0.2 --events-out events.jsonl",
                "  tri check-events events.jsonl",
                "  tri check-events --allow-open cut.jsonl"})
final class CheckEventsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The event log (JSON Lines).")
    Path file;

    @Option(names = "--allow-open", description = "The log was cut: tasks without a final state are not violations.")
    boolean allowOpen;

    @Option(names = "--max-shown", paramLabel = "N", defaultValue = "50",
            description = "Print at most N violations (all are counted; default: ${DEFAULT-VALUE}).")
    int maxShown;

    @Override
    public Integer call() throws IOException {
        if (maxShown < 0) {
            throw new UserError("--max-shown must be >= 0 (got " + maxShown + ")");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError("event log not found: " + file + " (write one with --events-out FILE on tri simulate or tri spawn)");
        }
        EventLogCheck.Report r = EventLogCheck.check(file, new EventLogCheck.Options(allowOpen, true, maxShown),
                e -> { });
        PrintWriter out = spec.commandLine().getOut();
        for (EventLogCheck.Violation v : r.violations()) {
            out.println(v);
        }
        if (r.violationCount() > r.violations().size()) {
            out.println("... and " + (r.violationCount() - r.violations().size()) + " more violations");
        }
        if (r.unknownCount() > 0) {
            out.println("note: " + r.unknownCount() + " events of kinds the contract does not list (allowed): "
                    + counts(r.unknownEvents()));
        }
        StringBuilder summary = new StringBuilder("events " + r.events() + ", tasks " + r.tasks()
                + ", violations " + r.violationCount());
        if (!r.ok()) {
            summary.append(" (").append(r.byKind().entrySet().stream()
                    .map(e -> e.getKey().label() + " " + e.getValue()).collect(Collectors.joining(", "))).append(')');
        }
        out.println(summary);
        out.flush();
        return r.ok() ? 0 : 1;
    }

    private static String counts(Map<String, Long> m) {
        return m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
