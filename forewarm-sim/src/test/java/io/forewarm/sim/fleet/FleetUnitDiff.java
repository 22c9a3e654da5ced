package io.forewarm.sim.fleet;

import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.sim.PolicyResult;
import io.forewarm.sim.Simulation;
import io.forewarm.sim.trace.FunctionSeries;
import io.forewarm.sim.trace.Trace;
import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.Unit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: a per-application comparison of two policies in the fleet model, to find where one loses to the
 * other. Each app is replayed alone (no capacity), so its figures are its own. With {@code --app APP} it instead
 * prints that app's arrivals, the gap to each, and whether the window each given policy had offered for it
 * covers it (the window alone: the planner's hold and pre-warm lead are not modelled here). Run with {@code java -cp <test classpath> io.forewarm.sim.fleet.FleetUnitDiff TRACE SCORE_FROM A B}
 * or {@code ... TRACE SCORE_FROM --app APP SPEC...}.
 */
public final class FleetUnitDiff {

    private FleetUnitDiff() {
    }

    /**
     * Prints the totals and the apps on which policy B has the most cold starts, and the most GB-minutes, more
     * than policy A; or one app's timeline.
     */
    public static void main(String[] args) throws IOException {
        Trace trace = TraceFormats.open("azure2019", Path.of(args[0]));
        int scoreFrom = Integer.parseInt(args[1]);
        Map<String, List<FunctionSeries>> byApp = new LinkedHashMap<>();
        trace.forEach(s -> byApp.computeIfAbsent(s.key().unit(Unit.APP), k -> new ArrayList<>()).add(s));
        if (args[2].equals("--app")) {
            timeline(byApp.get(args[3]), trace, List.of(args).subList(4, args.length));
            return;
        }
        Simulation.Options options = Simulation.Options.fleet(Unit.APP, 0).scoringFrom(scoreFrom);
        record Row(String app, long events, long coldA, long coldB, double gbA, double gbB) {
        }
        List<Row> rows = new ArrayList<>();
        long totalA = 0;
        long totalB = 0;
        for (Map.Entry<String, List<FunctionSeries>> e : byApp.entrySet()) {
            PolicyResult a = FleetModel.run(e.getValue(), trace.firstMinute(), trace.minutes(),
                    Policies.create(args[2]), options);
            PolicyResult b = FleetModel.run(e.getValue(), trace.firstMinute(), trace.minutes(),
                    Policies.create(args[3]), options);
            rows.add(new Row(e.getKey(), a.events(), a.coldStarts(), b.coldStarts(), a.wastedGbMinutes(),
                    b.wastedGbMinutes()));
            totalA += a.coldStarts();
            totalB += b.coldStarts();
        }
        System.out.printf(Locale.ROOT, "total cold: %s %d, %s %d; GB-min %.1f vs %.1f%n", args[2], totalA, args[3],
                totalB, rows.stream().mapToDouble(Row::gbA).sum(), rows.stream().mapToDouble(Row::gbB).sum());
        System.out.println("most cold starts more under " + args[3] + ":");
        rows.sort(Comparator.comparingLong((Row r) -> r.coldA - r.coldB));
        print(rows);
        System.out.println("most GB-minutes more under " + args[3] + ":");
        rows.sort(Comparator.comparingDouble((Row r) -> r.gbA - r.gbB));
        print(rows);
    }

    private static void print(List<? extends Record> rows) {
        for (Record r : rows.subList(0, Math.min(15, rows.size()))) {
            System.out.println(r);
        }
    }

    /** Prints every arrival of one app with its gap and each policy's window from the arrival before. */
    private static void timeline(List<FunctionSeries> series, Trace trace, List<String> specs) {
        long horizon = (long) trace.firstMinute() * 60_000;
        long end = ((long) trace.firstMinute() + trace.minutes()) * 60_000;
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            Arrivals a = new Arrivals(series.get(i), i, horizon, end);
            for (long t = a.next(); t != Long.MAX_VALUE; t = a.next()) {
                times.add(t);
            }
        }
        times.sort(null);
        // The app's sandbox holds all its functions, as in the fleet model, which prices cold starts by it.
        double mb = series.stream().mapToDouble(f -> Double.isNaN(f.memoryMb()) ? 128 : f.memoryMb()).sum();
        long coldMillis = Simulation.Options.fleet(Unit.APP, 0).coldStartMillis(mb);
        List<UnitPolicy> units = new ArrayList<>();
        for (String s : specs) {
            units.add(Policies.create(s).newUnit(new UnitProfile("app", mb, coldMillis, t -> Long.MAX_VALUE)));
        }
        Window[] windows = new Window[units.size()];
        long last = Long.MIN_VALUE;
        for (long t : times) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%8.3f min  gap %7.3f", t / 60_000.0,
                    last == Long.MIN_VALUE ? 0 : (t - last) / 60_000.0));
            for (int c = 0; c < units.size(); c++) {
                if (windows[c] != null) {
                    boolean warm = windows[c].isWarmAfter(t - last);
                    line.append(String.format(Locale.ROOT, "  | %s %5.2f..%6.2f", warm ? "warm" : "COLD",
                            windows[c].loadFromMillis() / 60_000.0, windows[c].loadUntilMillis() / 60_000.0));
                }
                windows[c] = units.get(c).onArrival(t);
            }
            System.out.println(line);
            last = t;
        }
    }
}
