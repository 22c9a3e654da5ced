package io.forewarm.sim;

import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.sim.fleet.FleetModel;
import io.forewarm.sim.paper.PaperModel;
import io.forewarm.sim.trace.FunctionSeries;
import io.forewarm.sim.trace.Trace;
import io.forewarm.sim.trace.Unit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Replays a trace through policies in virtual time and scores them. The trace is read once; every policy
 * then replays the same units. Policies are created before the trace is read, so a bad spec fails fast.
 */
public final class Simulation {

    /** The simulation model. */
    public enum Model {
        /** Shahrad et al.'s per-minute model with one instance per unit. */
        PAPER,
        /** Per-function instances with concurrency, second resolution and a host memory capacity. */
        FLEET
    }

    /**
     * How to run, in either model (the paper model reads the first five; the fleet model all of them).
     *
     * @param model             the model
     * @param unit              what one instance serves (a function, or a whole application)
     * @param scoreFrom         count only events at or after this minute (trace numbering); feed all
     * @param defaultMemoryMb   memory assumed for a unit the trace gives none for
     * @param progress          where to report progress
     * @param capacityGb        fleet model: host memory capacity in GB (GiB); 0 means unlimited
     * @param seed              fleet model: seed of the arrival spreading and duration draws (same seed, same result)
     * @param coldStartMs       fleet model: cold-start latency of every sandbox in ms; 0 selects the memory model
     *                          {@link #coldStartMillis(double)}
     * @param defaultDurationMs fleet model: execution time of a function the trace gives no durations for
     * @param tickMillis        fleet model: simulated interval between housekeeping ticks (planner calls)
     */
    public record Options(Model model, Unit unit, int scoreFrom, double defaultMemoryMb, Progress progress,
                          double capacityGb, long seed, long coldStartMs, double defaultDurationMs, long tickMillis) {

        /**
         * The default housekeeping tick: 10 simulated seconds, as coarse as a live housekeeper would run.
         * Pre-warms are started a tick early (the planner's lookahead) so the tick does not make them late;
         * releases happen up to a tick late, which the wasted memory honestly includes.
         */
        public static final long DEFAULT_TICK_MILLIS = 10_000;
        /** The execution time of a function the trace gives no durations for, unless set. */
        public static final double DEFAULT_DURATION_MS = 1_000;

        /** Validates every field, naming the bad one. */
        public Options {
            if (model == null || unit == null || progress == null) {
                throw new IllegalArgumentException("simulation options need a model, a unit and a progress sink");
            }
            require(defaultMemoryMb > 0 && Double.isFinite(defaultMemoryMb), "defaultMemoryMb", defaultMemoryMb);
            require(capacityGb >= 0 && Double.isFinite(capacityGb), "capacityGb", capacityGb);
            require(coldStartMs >= 0, "coldStartMs", coldStartMs);
            require(defaultDurationMs >= 0 && Double.isFinite(defaultDurationMs), "defaultDurationMs",
                    defaultDurationMs);
            require(tickMillis > 0, "tickMillis", tickMillis);
        }

        private static void require(boolean ok, String key, Object value) {
            if (!ok) {
                throw new IllegalArgumentException("simulation option " + key + "=" + value + " is out of range");
            }
        }

        /** Paper model, score everything, 128 MB default, silent. */
        public static Options paper(Unit unit) {
            return new Options(Model.PAPER, unit, Integer.MIN_VALUE, 128, Progress.NONE, 0, 1, 0,
                    DEFAULT_DURATION_MS, DEFAULT_TICK_MILLIS);
        }

        /**
         * Fleet model with a host of {@code capacityGb} (0: unlimited), score everything, seed 1, the memory
         * cold-start model, 128 MB and 1 s by default, 10 s ticks.
         */
        public static Options fleet(Unit unit, double capacityGb) {
            return paper(unit).with(Model.FLEET).withCapacityGb(capacityGb);
        }

        /** The same options in {@code m}. */
        public Options with(Model m) {
            return new Options(m, unit, scoreFrom, defaultMemoryMb, progress, capacityGb, seed, coldStartMs,
                    defaultDurationMs, tickMillis);
        }

        /** The same options scoring only from {@code minute}. */
        public Options scoringFrom(int minute) {
            return new Options(model, unit, minute, defaultMemoryMb, progress, capacityGb, seed, coldStartMs,
                    defaultDurationMs, tickMillis);
        }

        /** The same options reporting progress to {@code p}. */
        public Options withProgress(Progress p) {
            return new Options(model, unit, scoreFrom, defaultMemoryMb, p, capacityGb, seed, coldStartMs,
                    defaultDurationMs, tickMillis);
        }

        /** The same options with a host capacity of {@code gb} (fleet model; 0: unlimited). */
        public Options withCapacityGb(double gb) {
            return new Options(model, unit, scoreFrom, defaultMemoryMb, progress, gb, seed, coldStartMs,
                    defaultDurationMs, tickMillis);
        }

        /** The same options with seed {@code s} (fleet model). */
        public Options withSeed(long s) {
            return new Options(model, unit, scoreFrom, defaultMemoryMb, progress, capacityGb, s, coldStartMs,
                    defaultDurationMs, tickMillis);
        }

        /** The same options with a constant cold start of {@code ms} (fleet model; 0: the memory model). */
        public Options withColdStartMs(long ms) {
            return new Options(model, unit, scoreFrom, defaultMemoryMb, progress, capacityGb, seed, ms,
                    defaultDurationMs, tickMillis);
        }

        /** The same options with a default execution time of {@code ms} (fleet model). */
        public Options withDefaultDurationMs(double ms) {
            return new Options(model, unit, scoreFrom, defaultMemoryMb, progress, capacityGb, seed, coldStartMs,
                    ms, tickMillis);
        }

        /** The same options ticking every {@code ms} (fleet model). */
        public Options withTickMillis(long ms) {
            return new Options(model, unit, scoreFrom, defaultMemoryMb, progress, capacityGb, seed, coldStartMs,
                    defaultDurationMs, ms);
        }

        /** Host capacity in bytes (0: unlimited). */
        public long capacityBytes() {
            return Math.round(capacityGb * 1024 * 1024 * 1024);
        }

        /**
         * The cold-start latency of a sandbox of {@code memoryMb}: {@code coldStartMs} if set, otherwise
         * 500 ms plus 0.5 ms per MB (128 MB: 564 ms; 1.5 GB: 1268 ms). The constant stands for process or
         * container start and runtime boot, the slope for loading a larger image and heap; the magnitudes are
         * those reported for the big platforms (a few hundred ms to a few seconds; Wang et al., "Peeking Behind
         * the Curtains of Serverless Platforms", USENIX ATC 2018).
         */
        public long coldStartMillis(double memoryMb) {
            return coldStartMs > 0 ? coldStartMs : 500 + Math.round(memoryMb / 2);
        }
    }

    private Simulation() {
    }

    /** Runs every policy spec over the trace in the options' model; results are in the order of the specs. */
    public static List<PolicyResult> run(Trace trace, List<String> policySpecs, Options options)
            throws IOException {
        List<Policy> policies = policySpecs.stream().map(Policies::create).toList();
        if (options.model() == Model.FLEET) {
            List<FunctionSeries> series = new ArrayList<>();
            trace.forEach(series::add);
            List<PolicyResult> results = new ArrayList<>();
            for (Policy policy : policies) {
                results.add(FleetModel.run(series, trace.firstMinute(), trace.minutes(), policy, options));
            }
            return results;
        }
        List<UnitTimeline> units = timelines(trace, options.unit(), options.progress());
        List<PolicyResult> results = new ArrayList<>();
        for (Policy policy : policies) {
            results.add(replay(units, policy, options));
        }
        return results;
    }

    /** Reads the trace into one timeline per unit, in first-seen order. */
    public static List<UnitTimeline> timelines(Trace trace, Unit unit, Progress progress) throws IOException {
        Map<String, UnitTimeline> byUnit = new LinkedHashMap<>();
        long[] functions = {0};
        trace.forEach((FunctionSeries s) -> {
            byUnit.computeIfAbsent(s.key().unit(unit),
                    id -> new UnitTimeline(id, trace.firstMinute(), trace.minutes()))
                    .addFunction(s.activeMinutes(), s.memoryMb());
            if (++functions[0] % 1000 == 0) {
                progress.update("read functions", functions[0], 0);
            }
        });
        return new ArrayList<>(byUnit.values());
    }

    /**
     * Replays every unit through one policy, after letting the policy learn across units from the minutes
     * before {@code scoreFrom}: in parallel, or together in time order if it is cross-unit.
     */
    public static PolicyResult replay(List<UnitTimeline> units, Policy policy, Options options) {
        long start = System.nanoTime();
        policy.prepare(units, options.scoreFrom());
        int n = units.size();
        PaperModel.UnitScore[] scores;
        long[] stateBytes = new long[n];
        if (policy.crossUnit()) {
            // Cross-unit policies learn from every unit's arrivals in time order: one replay of all units.
            List<UnitPolicy> unitPolicies = units.stream().map(u -> policy.newUnit(profile(u, options))).toList();
            scores = PaperModel.replayTogether(units, unitPolicies, policy, options.scoreFrom());
            for (int i = 0; i < n; i++) {
                stateBytes[i] = unitPolicies.get(i).stateBytes();
            }
        } else {
            scores = new PaperModel.UnitScore[n];
            replayIndependently(units, policy, options, scores, stateBytes);
        }
        long events = 0;
        long cold = 0;
        long wastedMinutes = 0;
        double wastedMbMinutes = 0;
        double[] unitPct = new double[n];
        int scoredUnits = 0;
        for (int i = 0; i < n; i++) {
            PaperModel.UnitScore s = scores[i];
            events += s.events();
            cold += s.coldStarts();
            wastedMinutes += s.wastedMinutes();
            wastedMbMinutes += s.wastedMinutes() * memoryMb(units.get(i), options);
            if (s.events() > 0) {
                unitPct[scoredUnits++] = 100.0 * s.coldStarts() / s.events();
            }
        }
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        return new PolicyResult(policy.spec(), "paper", options.unit().name().toLowerCase(java.util.Locale.ROOT),
                scoredUnits, events, cold, events == 0 ? 0 : 100.0 * cold / events,
                percentile(Arrays.copyOf(unitPct, scoredUnits), 75), wastedMbMinutes / 1024.0, wastedMinutes,
                wallMs, Arrays.stream(stateBytes).max().orElse(0), null);
    }

    /** The fast path: units are independent in the paper model, so they replay in parallel. */
    private static void replayIndependently(List<UnitTimeline> units, Policy policy, Options options,
                                            PaperModel.UnitScore[] scores, long[] stateBytes) {
        int n = units.size();
        AtomicLong done = new AtomicLong();
        IntStream.range(0, n).parallel().forEach(i -> {
            UnitPolicy unitPolicy = policy.newUnit(profile(units.get(i), options));
            scores[i] = PaperModel.replay(units.get(i), unitPolicy, options.scoreFrom());
            stateBytes[i] = unitPolicy.stateBytes();
            long d = done.incrementAndGet();
            if (d % 5000 == 0) {
                options.progress().update("replay " + policy.spec(), d, n);
            }
        });
    }

    private static UnitProfile profile(UnitTimeline u, Options options) {
        return new UnitProfile(u.id(), memoryMb(u, options), 0, u.foresight());
    }

    private static double memoryMb(UnitTimeline u, Options options) {
        double mb = u.memoryMb();
        return Double.isNaN(mb) ? options.defaultMemoryMb() : mb;
    }

    /** The nearest-rank percentile {@code p} (0..100) of {@code values}; 0 for none. Sorts in place. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        Arrays.sort(values);
        int rank = (int) Math.ceil(p / 100.0 * values.length);
        return values[Math.max(0, rank - 1)];
    }
}
