package io.trinity.pool.cli;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code tri} command. Exit codes: 0 success, 1 the run itself went wrong (a task not
 * final, an internal error), 2 a usage mistake (unknown flag, bad value, missing file,
 * malformed trace line): one clear message on stderr, never a stack trace.
 */
@Command(name = "tri", mixinStandardHelpOptions = true, version = "tri 0.1.0",
        description = "Trinity Agent Pool: elastic pools of typed agents.",
        subcommands = {SpawnCommand.class, BenchCommand.class, SimulateCommand.class, RunCommand.class, ServeCommand.class,
                CheckEventsCommand.class, JournalCommand.class, ChaosCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tri spawn",
                "  tri spawn-bench --report bench.md",
                "  tri simulate traces/bursty.csv --max-agents 8",
                "  tri run vision --input photo.png --op thumbnail --width 64",
                "  tri check-events events.jsonl",
                "  tri --config pool.properties simulate traces/bursty.csv",
                "  tri journal stats ./data/trinity.db",
                "  tri serve --port 8080 --keys keys.json",
                "  tri chaos kill9 --cycles 20",
                "",
                "Durations are written 250ms, 1.5s, 2m or PT30S. Exit codes: 0 ok, 1 the run failed,",
                "2 a usage mistake. More in docs/cli.md."})
public final class Tri implements Runnable {

    private final boolean interactive;

    // Inherited, so it may come before or after the subcommand; picocli sets this field either way.
    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Pool settings as trinity.pool.* properties (docs/configuration.md); flags win over the file.")
    Path config;

    private Tri(boolean interactive) {
        this.interactive = interactive;
    }

    /** Held so the level sticks: JUL keeps loggers weakly. */
    private static final java.util.logging.Logger LUCENE_VECTORS =
            java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

    public static void main(String[] args) {
        // Lucene (the data agent's retrieval) warns once that the incubating Vector API is off; it
        // is only slower, and the warning would land in the middle of the demo.
        LUCENE_VECTORS.setLevel(java.util.logging.Level.SEVERE);
        System.exit(commandLine(isTerminal()).execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        return commandLine(false);
    }

    static CommandLine commandLine(boolean interactive) {
        CommandLine cl = new CommandLine(new Tri(interactive));
        cl.registerConverter(Duration.class, new DurationConverter());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            c.getErr().flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            String name = c.getCommandSpec().qualifiedName();
            if (ex instanceof UserError) {
                c.getErr().println(name + ": " + ex.getMessage());
                c.getErr().flush();
                return 2;
            }
            c.getErr().println(name + ": internal error: " + ex);
            for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                c.getErr().println("  caused by: " + cause);
            }
            c.getErr().flush();
            return 1;
        });
        return cl;
    }

    /** Whether output goes to a terminal that can redraw in place (false in tests and pipes). */
    boolean interactive() {
        return interactive;
    }

    /** The {@code --config} file given anywhere on the command line, or null. */
    static Path configFile(CommandLine.Model.CommandSpec spec) {
        return spec != null && spec.root().userObject() instanceof Tri t ? t.config : null;
    }

    /** Tri of the command line a subcommand runs in. */
    static boolean interactive(CommandLine.Model.CommandSpec spec) {
        return spec.root().userObject() instanceof Tri t && t.interactive;
    }

    private static boolean isTerminal() {
        var console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a Console even when redirected; isTerminal() tells the difference.
            Method m = console.getClass().getMethod("isTerminal");
            return (Boolean) m.invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
