package io.forewarm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code forewarm} command. Exit codes: 0 success, 1 failure, 2 bad usage or input. */
@Command(name = "forewarm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runs functions in isolated sandboxes and warms them before requests arrive.",
        subcommands = {SimulateCommand.class, TraceCommand.class, ServeCommand.class, FnCommand.class, SignalCommand.class, InvokeCommand.class, StatusCommand.class, HistoryCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the command failed", "2:bad usage or bad input (message says which)"})
public final class Main {

    /** Exit code for bad usage or input. */
    static final int BAD_INPUT = 2;

    private Main() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line on the process's stdout and stderr and returns its exit code. */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line writing to {@code out} and {@code err} and returns its exit code (for tests). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExpandAtFiles(false); // `invoke NAME --data @file` means the file's bytes, not picocli's argument file
        SimulateCommand.listPolicies(cli.getSubcommands().get("simulate"));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
                cmd.getErr().println("forewarm: " + e.getMessage());
                return BAD_INPUT;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"forewarm " + (v == null ? "dev" : v)};
        }
    }
}
