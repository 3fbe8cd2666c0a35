package io.trinity.pool.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tri} command. */
@Command(name = "tri", mixinStandardHelpOptions = true, version = "tri 0.1.0",
        description = "Elastic pools of typed agents.",
        subcommands = {SpawnCommand.class, CommandLine.HelpCommand.class})
public final class Tri implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Tri());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("tri: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Run '" + ex.getCommandLine().getCommandName() + " --help' for usage.");
            return 2;
        });
        return cl;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
