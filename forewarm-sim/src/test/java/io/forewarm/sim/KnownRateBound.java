package io.forewarm.sim;

import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.sim.paper.PaperModel;
import io.forewarm.sim.trace.FunctionSeries;
import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.Unit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Not a test: how far any policy could go on the generated trace's memoryless applications, the ones made only
 * of {@code diurnal}, {@code weekly} and {@code rare} functions (Poisson calls at a known rate per minute). For
 * them the paper model's best policy is known: after an arrival, a minute in which the next event comes with
 * probability q (independent of the past) is worth loading iff {@code q x price >= 1 - q} (it saves a cold
 * start with probability q and idles otherwise), so the window is the first run of such minutes. This policy
 * is given the generator's true rates from {@code patterns.csv}, which no real policy has: at each price
 * {@code cold} its cold starts and waste are the frontier a learning policy can only approach. It also prints a
 * looser bound for every application together, which foresees the calls of the other functions as well ({@link
 * #informedBound}). The given specs are replayed on every application; the bound and the specs are printed in
 * total and per class (Poisson-only, mixed: Poisson functions with timers, chains, bursts or drift, and apps
 * with no Poisson function). Run with {@code java -cp <test classpath>
 * io.forewarm.sim.KnownRateBound TRACE_DIR SCORE_FROM COLD[,COLD...] [SPEC...]}.
 */
public final class KnownRateBound {

    private static final int DAY = 1440;
    private static final long MINUTE = 60_000;
    /** The classes of applications the figures are split by. */
    private static final String[] CLASSES = {"Poisson-only", "mixed", "no Poisson"};

    private KnownRateBound() {
    }

    /** One Poisson function's rate: {@code mean x (1 + amplitude cos(...))}, times {@code weekend} on days 5, 6. */
    private record Rate(double mean, double amplitude, int peak, double weekend) {
        double at(int minute) {
            double r = mean * (1 + amplitude * Math.cos(2 * Math.PI * (minute % DAY - peak) / DAY));
            return minute / DAY % 7 >= 5 ? r * weekend : r;
        }
    }

    /** Prints, per price, the known-rate policy's cold starts and waste and those of each spec. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int scoreFrom = Integer.parseInt(args[1]);
        Map<String, List<Rate>> rates = new HashMap<>();
        Set<String> other = new HashSet<>();
        Set<String> foreseen = new HashSet<>(); // owner/app/function of every function that is not Poisson
        List<String> lines = Files.readAllLines(dir.resolve("patterns.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", 5);
            String app = f[0] + "/" + f[1];
            Map<String, Double> p = new HashMap<>();
            for (String kv : f[4].split(";")) {
                String[] x = kv.split("=", 2);
                if (x.length == 2 && x[1].matches("[0-9.]+")) {
                    p.put(x[0], Double.parseDouble(x[1]));
                }
            }
            switch (f[3]) {
                case "diurnal", "weekly" -> rates.computeIfAbsent(app, a -> new ArrayList<>()).add(
                        new Rate(p.get("mean"), p.get("amplitude"), p.get("peak").intValue(), p.get("weekend")));
                case "rare" -> rates.computeIfAbsent(app, a -> new ArrayList<>())
                        .add(new Rate(p.get("perDay") / DAY, 0, 0, 1));
                default -> {
                    other.add(app);
                    foreseen.add(app + "/" + f[2]);
                }
            }
        }
        List<UnitTimeline> apps = Simulation.timelines(TraceFormats.open("azure2019", dir), Unit.APP, Progress.NONE);
        List<UnitTimeline> units = new ArrayList<>();
        for (UnitTimeline u : apps) {
            if (classOf(u.id(), rates, other) == 0) {
                units.add(u);
            }
        }
        System.out.printf(Locale.ROOT, "%d applications made only of Poisson functions%n", units.size());
        for (String c : args[2].split(",")) {
            double cold = Double.parseDouble(c);
            long colds = 0;
            double waste = 0;
            for (UnitTimeline u : units) {
                PaperModel.UnitScore s = PaperModel.replay(u, knownRate(u, rates.get(u.id()), cold), scoreFrom);
                colds += s.coldStarts();
                waste += s.wastedMinutes() * u.memoryMb() / 1024;
            }
            System.out.printf(Locale.ROOT, "known rates, cold=%s: %d cold starts, %.1f GB-minutes%n", c, colds, waste);
        }
        informedBound(dir, scoreFrom, rates, other, foreseen, apps, args[2].split(","));
        for (String spec : Arrays.asList(args).subList(3, args.length)) {
            long[] colds = new long[CLASSES.length];
            double[] waste = new double[CLASSES.length];
            for (UnitTimeline u : apps) {
                UnitPolicy p = Policies.create(spec).newUnit(UnitProfile.of(u.id(), u.memoryMb(), 0));
                PaperModel.UnitScore s = PaperModel.replay(u, p, scoreFrom);
                int c = classOf(u.id(), rates, other);
                colds[c] += s.coldStarts();
                waste[c] += s.wastedMinutes() * u.memoryMb() / 1024;
            }
            print(spec, colds, waste);
        }
    }

    /** 0: only Poisson functions; 1: Poisson functions and others (timers, chains, bursts, drift); 2: no Poisson. */
    private static int classOf(String app, Map<String, List<Rate>> rates, Set<String> other) {
        return !rates.containsKey(app) ? 2 : other.contains(app) ? 1 : 0;
    }

    /** Prints one line: the total over all applications, then each class's cold starts and GB-minutes. */
    private static void print(String what, long[] colds, double[] waste) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s: %d cold starts, %.1f GB-minutes",
                what, Arrays.stream(colds).sum(), Arrays.stream(waste).sum()));
        for (int c = 0; c < CLASSES.length; c++) {
            b.append(String.format(Locale.ROOT, "; %s %d / %.1f", CLASSES[c], colds[c], waste[c]));
        }
        System.out.println(b);
    }

    /**
     * A lower bound for every application together: a policy that foresees every call of the non-Poisson
     * functions (timers, chains, bursts, drifting ones) and knows the true rates of the Poisson ones, and may load
     * any set of minutes (not one window per event). A minute with a foreseen call is loaded and busy; any other
     * minute is loaded iff {@code q x price >= 1 - q} for its Poisson arrival probability q, which minimises
     * {@code price x cold starts + wasted minutes} minute by minute. No real policy knows as much or is as free,
     * so at each price its cold starts and waste bound what any policy can reach on this trace.
     */
    private static void informedBound(Path dir, int scoreFrom, Map<String, List<Rate>> rates, Set<String> other,
                                      Set<String> foreseen, List<UnitTimeline> apps, String[] colds)
            throws IOException {
        var trace = TraceFormats.open("azure2019", dir);
        Map<String, Set<Integer>> foreseenMinutes = new HashMap<>();
        trace.forEach((FunctionSeries s) -> {
            String app = s.key().unit(Unit.APP);
            if (foreseen.contains(s.key().unit(Unit.FUNCTION))) {
                Set<Integer> m = foreseenMinutes.computeIfAbsent(app, a -> new HashSet<>());
                for (int minute : s.activeMinutes()) {
                    m.add(minute);
                }
            }
        });
        for (String c : colds) {
            double cold = Double.parseDouble(c);
            long[] coldStarts = new long[CLASSES.length];
            double[] waste = new double[CLASSES.length];
            for (UnitTimeline u : apps) {
                double price = cold * 1024 / u.memoryMb();
                List<Rate> poisson = rates.getOrDefault(u.id(), List.of());
                Set<Integer> known = foreseenMinutes.getOrDefault(u.id(), Set.of());
                int k = classOf(u.id(), rates, other);
                long wasted = 0;
                for (int m = Math.max(scoreFrom, u.firstMinute()); m < u.firstMinute() + u.minutes(); m++) {
                    boolean event = u.active(m);
                    if (event && known.contains(m)) {
                        continue; // foreseen: loaded just for it, busy
                    }
                    double lambda = 0;
                    for (Rate r : poisson) {
                        lambda += r.at(m);
                    }
                    double q = 1 - Math.exp(-lambda);
                    boolean loaded = q * price >= 1 - q;
                    if (event && !loaded) {
                        coldStarts[k]++;
                    } else if (!event && loaded) {
                        wasted++;
                    }
                }
                waste[k] += wasted * u.memoryMb() / 1024;
            }
            print("informed bound, all " + apps.size() + " applications, cold=" + c, coldStarts, waste);
        }
    }

    /** The minute-wise optimal policy for the app's summed rates at this price, over a two-day horizon. */
    private static UnitPolicy knownRate(UnitTimeline u, List<Rate> rates, double cold) {
        double price = cold * 1024 / u.memoryMb();
        int horizon = 2 * DAY;
        int end = u.firstMinute() + u.minutes() + horizon + 1;
        // nextOn[m]: the first minute >= m worth loading; nextOff[m]: the first >= m not worth it.
        int[] nextOn = new int[end + 1];
        int[] nextOff = new int[end + 1];
        nextOn[end] = end;
        nextOff[end] = end;
        for (int m = end - 1; m >= 0; m--) {
            double lambda = 0;
            for (Rate r : rates) {
                lambda += r.at(m);
            }
            double q = 1 - Math.exp(-lambda);
            boolean on = q * price >= 1 - q;
            nextOn[m] = on ? m : nextOn[m + 1];
            nextOff[m] = on ? nextOff[m + 1] : m;
        }
        return now -> {
            int t = (int) (now / MINUTE);
            int from = nextOn[t + 1];
            if (from - t > horizon) {
                return Window.NONE;
            }
            int until = Math.min(nextOff[from] - 1, t + horizon);
            // From the next minute on is a keep-alive (loaded from the arrival); later, a pre-warm.
            return from == t + 1 ? Window.ofMinutes(0, until - t) : Window.ofMinutes(from - t, until - from);
        };
    }
}
