package io.forewarm.cli;

import io.forewarm.predict.Policies;
import io.forewarm.sim.PolicyResult;
import io.forewarm.sim.Simulation;
import io.forewarm.sim.Sweep;
import io.forewarm.sim.report.Reports;
import io.forewarm.sim.report.SweepPlot;
import io.forewarm.sim.trace.Trace;
import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.Unit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code forewarm simulate}: replays a trace against keep-alive and pre-warm policies. Its flags and its
 * JSON output are a stable contract (change them only additively).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay a trace against keep-alive and pre-warm policies and compare cold starts with "
                + "wasted memory."})
final class SimulateCommand implements Callable<Integer> {

    /** Adds the registered policies to the help (a plug-in such as {@code lstm} appears when it is present). */
    static void listPolicies(CommandLine simulate) {
        var usage = simulate.getCommandSpec().usageMessage();
        usage.description(usage.description()[0], "Policies: " + String.join(", ", Policies.names())
                + " (parameters after a colon, e.g. fixed:10, hybrid:range=240, auto:cold=64).");
    }

    /** Output formats. */
    enum Output { table, csv, json }

    /** Models, as typed on the command line. */
    enum ModelName { paper, fleet }

    /** Units, as typed on the command line. */
    enum UnitName { app, function }

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "PATH",
            description = "Trace directory or file (the bundled one: traces/azure2019/sample500_8h).")
    private Path trace;

    @Option(names = "--trace-format", paramLabel = "FORMAT",
            description = "azure2019, azure2021 or csv (default: detected from the path).")
    private String traceFormat;

    @Option(names = "--model", defaultValue = "paper", paramLabel = "MODEL",
            description = "paper (Shahrad et al., per minute, one instance per unit) or fleet (concurrency, "
                    + "capacity). Default: ${DEFAULT-VALUE}.")
    private ModelName model;

    @Option(names = "--unit", defaultValue = "app", paramLabel = "UNIT",
            description = "What one instance serves: app or function. Default: ${DEFAULT-VALUE}.")
    private UnitName unit;

    @Option(names = "--policy", paramLabel = "P", description = "A policy to run; repeat for several.")
    private List<String> policies = new ArrayList<>();

    @Option(names = "--score-from", paramLabel = "MINUTE",
            description = "Feed all events to the policies but count only those at minute >= MINUTE.")
    private Integer scoreFrom;

    @Option(names = "--output", defaultValue = "table", paramLabel = "FORMAT",
            description = "table, csv or json (one object per policy per line). Default: ${DEFAULT-VALUE}.")
    private Output output;

    @Option(names = "--sweep", paramLabel = "SWEEP",
            description = "Sweep one policy parameter, e.g. 'fixed:keep=1;5;10;20;60'; repeatable.")
    private List<String> sweeps = new ArrayList<>();

    @Option(names = "--sweep-out", defaultValue = "sweep", paramLabel = "PREFIX",
            description = "Where a sweep writes PREFIX.csv and PREFIX.svg. Default: ${DEFAULT-VALUE}.")
    private String sweepOut;

    @Option(names = "--default-memory-mb", defaultValue = "128", paramLabel = "MB",
            description = "Memory assumed for units the trace gives none for. Default: ${DEFAULT-VALUE}.")
    private double defaultMemoryMb;

    @Option(names = "--capacity-gb", defaultValue = "0", paramLabel = "GB",
            description = "Fleet model: host memory capacity; idle instances are evicted to make room "
                    + "(0: unlimited). Default: ${DEFAULT-VALUE}.")
    private double capacityGb;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Fleet model: seed of the arrival spreading and duration draws. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--cold-start-ms", defaultValue = "0", paramLabel = "MS",
            description = "Fleet model: the latency a cold start adds (0: 500 ms + 0.5 ms per MB of the "
                    + "instance). Default: ${DEFAULT-VALUE}.")
    private long coldStartMs;

    @Option(names = "--quiet", description = "No progress on stderr.")
    private boolean quiet;

    @Override
    public Integer call() throws IOException {
        if (policies.isEmpty() && sweeps.isEmpty()) {
            throw new IllegalArgumentException("give at least one --policy or --sweep");
        }
        if (defaultMemoryMb <= 0) {
            throw new IllegalArgumentException("--default-memory-mb must be > 0, got " + defaultMemoryMb);
        }
        if (capacityGb < 0 || coldStartMs < 0) {
            throw new IllegalArgumentException("--capacity-gb and --cold-start-ms must be >= 0, got "
                    + capacityGb + " and " + coldStartMs);
        }
        if (model == ModelName.paper && (capacityGb > 0 || coldStartMs > 0)) {
            throw new IllegalArgumentException("--capacity-gb and --cold-start-ms apply to --model fleet only");
        }
        List<Sweep> parsedSweeps = sweeps.stream().map(Sweep::parse).toList();
        List<String> specs = new ArrayList<>(policies);
        parsedSweeps.forEach(s -> specs.addAll(s.specs()));

        PrintWriter err = spec.commandLine().getErr();
        ProgressPrinter progress = new ProgressPrinter(err, quiet);
        Trace source = TraceFormats.open(traceFormat, trace);
        Simulation.Options options = new Simulation.Options(
                model == ModelName.paper ? Simulation.Model.PAPER : Simulation.Model.FLEET,
                unit == UnitName.app ? Unit.APP : Unit.FUNCTION,
                scoreFrom == null ? Integer.MIN_VALUE : scoreFrom, defaultMemoryMb, progress, capacityGb, seed,
                coldStartMs, Simulation.Options.DEFAULT_DURATION_MS, Simulation.Options.DEFAULT_TICK_MILLIS);
        List<PolicyResult> results = Simulation.run(source, specs, options);
        progress.done();

        List<PolicyResult> plain = results.subList(0, policies.size());
        PrintWriter out = spec.commandLine().getOut();
        switch (output) {
            case table -> out.print(Reports.table(results));
            case csv -> out.print(Reports.csv(results));
            case json -> results.forEach(r -> out.println(Reports.json(r)));
        }
        out.flush();
        if (!parsedSweeps.isEmpty()) {
            writeSweep(parsedSweeps, plain, results.subList(policies.size(), results.size()), source, err);
        }
        return 0;
    }

    private void writeSweep(List<Sweep> parsed, List<PolicyResult> plain, List<PolicyResult> swept, Trace source,
                            PrintWriter err) throws IOException {
        List<SweepPlot.Series> series = new ArrayList<>();
        int at = 0;
        for (Sweep s : parsed) {
            series.add(new SweepPlot.Series(s.family(), swept.subList(at, at + s.specs().size())));
            at += s.specs().size();
        }
        plain.forEach(r -> series.add(new SweepPlot.Series(r.policy(), List.of(r))));
        Path csv = Path.of(sweepOut + ".csv");
        Path svg = Path.of(sweepOut + ".svg");
        if (csv.getParent() != null) {
            Files.createDirectories(csv.getParent());
        }
        Files.writeString(csv, Reports.csv(swept));
        String title = "Cold starts vs wasted memory (" + model + " model, unit " + unit
                + (scoreFrom == null ? "" : ", scored from minute " + scoreFrom) + ")";
        Files.writeString(svg, SweepPlot.svg(title,
                "Trace: " + source.description() + (source.credit().isEmpty() ? "" : ". " + source.credit()), series));
        err.println("sweep written to " + csv + " and " + svg);
    }
}
