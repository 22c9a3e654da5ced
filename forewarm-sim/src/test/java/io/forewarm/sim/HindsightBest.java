package io.forewarm.sim;

import io.forewarm.predict.Policies;
import io.forewarm.predict.UnitProfile;
import io.forewarm.sim.paper.PaperModel;
import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.Unit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: a bound on what choosing one policy per application can reach. For each app it replays every
 * given policy and keeps the one with the lowest {@code cold starts x cold + wasted GB-minutes} on the
 * <em>scored</em> period itself (hindsight, which no real selector has), then sums cold starts and waste over
 * apps. If even this misses a target, better selection among those policies cannot meet it. Run with
 * {@code java -cp <test classpath> io.forewarm.sim.HindsightBest TRACE_DIR SCORE_FROM COLD SPEC...}.
 *
 * <p>With {@code CHOOSE_FROM:SCORE_FROM} in place of {@code SCORE_FROM} each app's policy is chosen on the
 * minutes {@code [CHOOSE_FROM, SCORE_FROM)} instead ("yesterday's best"), a selector that uses only the past,
 * and scored on the rest as before: the gap between the two is what choosing from the past costs by itself.
 */
public final class HindsightBest {

    private HindsightBest() {
    }

    /** Prints the summed cold starts and wasted GB-minutes of the per-app hindsight choice. */
    public static void main(String[] args) throws IOException {
        List<UnitTimeline> units = Simulation.timelines(TraceFormats.open("azure2019", Path.of(args[0])), Unit.APP,
                Progress.NONE);
        String[] period = args[1].split(":");
        int scoreFrom = Integer.parseInt(period[period.length - 1]);
        int chooseFrom = period.length == 2 ? Integer.parseInt(period[0]) : scoreFrom;
        if (chooseFrom > scoreFrom) {
            throw new IllegalArgumentException("period '" + args[1] + "': choose from minute " + chooseFrom
                    + " is after the scored period starts at " + scoreFrom);
        }
        double cold = Double.parseDouble(args[2]);
        List<String> specs = Arrays.asList(args).subList(3, args.length);
        long colds = 0;
        double waste = 0;
        for (UnitTimeline u : units) {
            double mb = Double.isNaN(u.memoryMb()) ? 128 : u.memoryMb();
            double best = Double.MAX_VALUE;
            long bestCold = 0;
            double bestWaste = 0;
            for (String spec : specs) {
                PaperModel.UnitScore s = replay(u, spec, mb, scoreFrom);
                double gbMinutes = s.wastedMinutes() * mb / 1024;
                double cost = s.coldStarts() * cold + gbMinutes;
                if (chooseFrom < scoreFrom) {
                    // The same deterministic replay scored from chooseFrom, less its scored period: the earlier day.
                    PaperModel.UnitScore all = replay(u, spec, mb, chooseFrom);
                    cost = (all.coldStarts() - s.coldStarts()) * cold
                            + (all.wastedMinutes() - s.wastedMinutes()) * mb / 1024;
                }
                if (cost < best) {
                    best = cost;
                    bestCold = s.coldStarts();
                    bestWaste = gbMinutes;
                }
            }
            colds += bestCold;
            waste += bestWaste;
        }
        System.out.printf(Locale.ROOT, "%s best per app of %s at cold=%s: %d cold starts, %.1f GB-minutes%n",
                chooseFrom < scoreFrom ? "earlier period's" : "hindsight", specs, args[2], colds, waste);
    }

    private static PaperModel.UnitScore replay(UnitTimeline u, String spec, double mb, int scoreFrom) {
        return PaperModel.replay(u, Policies.create(spec).newUnit(new UnitProfile(u.id(), mb, 0, u.foresight())),
                scoreFrom);
    }
}
