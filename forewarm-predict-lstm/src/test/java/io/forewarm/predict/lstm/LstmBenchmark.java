package io.forewarm.predict.lstm;

import io.forewarm.sim.PolicyResult;
import io.forewarm.sim.Progress;
import io.forewarm.sim.Simulation;
import io.forewarm.sim.UnitTimeline;
import io.forewarm.sim.trace.Trace;
import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.Unit;

import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.Signals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Hand-run benchmark of the LSTM (docs/benchmarks.md, section LSTM): trains the forecaster on a trace's
 * minutes before {@code scoreFrom}, backtests it on the rest, times one unit's forecast, then runs the
 * simulator's paper model for {@code lstm} beside the baselines. Not a test: run it with the module's test
 * class path, {@code java ... LstmBenchmark TRACE_DIR SCORE_FROM [POLICY...]}.
 */
public final class LstmBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LstmBenchmark() {
    }

    /** Prints training time, backtest quality, forecast cost and the simulator's results. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int scoreFrom = Integer.parseInt(args[1]);
        List<String> policies = args.length > 2 ? List.of(args).subList(2, args.length)
                : List.of("lstm", "hybrid", "fixed:10", "oracle");
        Trace trace = TraceFormats.open(TraceFormats.detect(dir), dir);
        List<UnitTimeline> units = Simulation.timelines(trace, Unit.APP, Progress.NONE);
        int end = trace.firstMinute() + trace.minutes();
        System.out.printf(Locale.ROOT, "trace %s: %d apps, minutes %d..%d, score from %d%n", dir, units.size(),
                trace.firstMinute(), end - 1, scoreFrom);

        long t0 = System.nanoTime();
        DjlLstm.pytorch();
        System.out.printf(Locale.ROOT, "engine load: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        // The model settings of the first lstm spec (e.g. lstm:seed=2), else the defaults.
        LstmForecaster.Config config = policies.stream().map(Policies::create)
                .filter(LstmPolicy.class::isInstance).map(p -> ((LstmPolicy) p).settings().model()).findFirst()
                .orElse(LstmForecaster.Config.defaults());
        LstmForecaster f = LstmForecaster.train(units, scoreFrom, config);
        LstmForecaster.Training t = f.training();
        System.out.printf(Locale.ROOT, "training: %d windows, %d ms wall, %d ms CPU, base rate %.4f, "
                + "loss per epoch %s%n", t.windows(), t.millis(),
                (THREADS.getCurrentThreadCpuTime() - cpu0) / 1_000_000, t.baseRate(),
                java.util.Arrays.toString(t.epochLoss()));
        LstmForecaster.Backtest b = f.backtest(units, scoreFrom, end, 20_000);
        System.out.printf(Locale.ROOT, "backtest on minutes %d..%d: %d windows, AUC %.4f, Brier %.4f "
                + "(base rate %.4f)%n", scoreFrom, end - 1, b.windows(), b.auc(), b.brier(), b.baseBrier());

        UnitTimeline busiest = units.stream().max(java.util.Comparator.comparingInt(LstmBenchmark::events))
                .orElseThrow();
        double[] out = new double[f.config().horizon()];
        int calls = 200_000;
        double sink = 0;
        for (int round = 0; round < 2; round++) { // the first round warms the JIT
            long s = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) {
                f.predict(busiest::active, scoreFrom + (i % 1000), out);
                sink += out[0];
            }
            if (round == 1) {
                System.out.printf(Locale.ROOT, "forecast for one unit: %.1f us CPU (%d calls, checksum %.1f)%n",
                        (THREADS.getCurrentThreadCpuTime() - s) / 1e3 / calls, calls, sink);
            }
        }

        // Train once, then replay each lstm spec's window rule with that model (Simulation.run would
        // retrain the same model, seeded, for every spec).
        Simulation.Options options = Simulation.Options.paper(Unit.APP).scoringFrom(scoreFrom);
        List<PolicyResult> results = new java.util.ArrayList<>();
        for (String spec : policies) {
            Policy p = Policies.create(spec);
            if (p instanceof LstmPolicy l) {
                p = LstmPolicy.trained(spec, l.settings().rule(), l.settings().fallback(), f, scoreFrom, Signals.NONE);
            }
            results.add(Simulation.replay(units, p, options));
        }
        System.out.println("policy | events | cold % | p75 app cold % | wasted GB-min | replay wall ms");
        for (PolicyResult r : results) {
            System.out.printf(Locale.ROOT, "%s | %d | %.3f | %.2f | %.1f | %d%n", r.policy(), r.events(),
                    r.coldStartPct(), r.p75UnitColdStartPct(), r.wastedGbMinutes(), r.wallMs());
        }
    }

    private static int events(UnitTimeline u) {
        int n = 0;
        for (int m = u.nextActive(u.firstMinute()); m >= 0; m = u.nextActive(m + 1)) {
            n++;
        }
        return n;
    }
}
