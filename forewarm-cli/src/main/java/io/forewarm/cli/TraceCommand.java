package io.forewarm.cli;

import io.forewarm.sim.trace.FunctionSeries;
import io.forewarm.sim.trace.Trace;
import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.TraceGenerator;
import io.forewarm.sim.trace.Unit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forewarm trace}: generate and inspect traces. */
@Command(name = "trace", description = "Generate and inspect traces.", mixinStandardHelpOptions = true,
        subcommands = {TraceCommand.Generate.class, TraceCommand.Info.class})
final class TraceCommand {

    /** {@code forewarm trace generate}: write a synthetic trace in the Azure 2019 layout. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write a synthetic multi-day trace (Azure 2019 layout plus patterns.csv) into a directory.")
    static final class Generate implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--functions", required = true, paramLabel = "N", description = "Number of functions.")
        int functions;

        @Option(names = "--days", required = true, paramLabel = "D", description = "Number of days (1..366).")
        int days;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
                description = "Random seed; the same seed writes the same files (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Output directory (created; must not already hold a trace).")
        Path out;

        @Override
        public Integer call() throws IOException {
            TraceGenerator.Options options = new TraceGenerator.Options(functions, days, seed);
            if (Files.exists(out.resolve("invocations.csv"))) {
                throw new IllegalArgumentException("--out " + out + " already holds a trace (invocations.csv);"
                        + " choose an empty directory");
            }
            spec.commandLine().getOut().println(TraceGenerator.generate(options, out).line());
            return 0;
        }
    }

    /** {@code forewarm trace info}: summarize a trace. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print a trace's functions, apps, horizon, invocations and per-trigger counts.")
    static final class Info implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--trace", required = true, paramLabel = "PATH",
                description = "Trace file or directory.")
        Path trace;

        @Option(names = "--trace-format", paramLabel = "F",
                description = "Trace format: azure2019, azure2021 or csv (default: detected).")
        String format;

        @Override
        public Integer call() throws IOException {
            Trace t = TraceFormats.open(format, trace);
            Stats stats = new Stats();
            t.forEach(stats::add);
            // Printed only after the whole trace read cleanly: a failed read prints nothing but the error.
            PrintWriter out = spec.commandLine().getOut();
            out.println("trace:       " + t.description());
            out.println("functions:   " + stats.functions);
            out.println("apps:        " + stats.apps.size());
            out.printf(Locale.ROOT, "horizon:     minutes %d..%d (%d minutes, %.1f days)%n", t.firstMinute(),
                    t.firstMinute() + t.minutes() - 1, t.minutes(), t.minutes() / 1440.0);
            out.println("invocations: " + stats.invocations);
            out.println("triggers:");
            stats.triggers.forEach((trigger, c) -> out.printf(Locale.ROOT, "  %-14s %8d functions %14d invocations%n",
                    trigger, c[0], c[1]));
            out.flush();
            return 0;
        }
    }

    /** Counts gathered while streaming a trace. */
    private static final class Stats {
        long functions;
        long invocations;
        final Set<String> apps = new HashSet<>();
        final Map<String, long[]> triggers = new TreeMap<>();

        void add(FunctionSeries s) {
            functions++;
            invocations += s.invocations();
            apps.add(s.key().unit(Unit.APP));
            long[] c = triggers.computeIfAbsent(s.key().trigger().isEmpty() ? "(none)" : s.key().trigger(),
                    k -> new long[2]);
            c[0]++;
            c[1] += s.invocations();
        }
    }
}
