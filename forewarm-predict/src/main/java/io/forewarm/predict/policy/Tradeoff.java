package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

/**
 * The window that would have cost least over a unit's recent idle times, at a given price of a cold start:
 * the histogram idea of Shahrad et al. ("Serverless in the Wild", USENIX ATC 2020, Section 4.2) with the
 * percentiles and margins replaced by the minimum of {@code cold starts x price + idle GB-minutes} (see
 * {@link IdleWindows}). One price for every unit makes the choices of all units points on one
 * cold-start/memory trade-off curve (a Lagrangian relaxation of "fewest cold starts within a memory
 * budget"), which is why it is the knob of {@code auto} too. The last {@code history} idle times are kept,
 * so the window follows a change of behaviour within that many arrivals.
 *
 * <p>Two guards against what the sample has not shown: {@code prior} pseudo idle times of {@code tail}
 * minutes join the sample (so at a high price the window reaches the tail, as the paper's standard
 * keep-alive does), and {@code margin} widens the chosen window on both sides. Until {@code min} idle times
 * are known the unit gets a keep-alive: {@code tail} minutes, or with {@code rent > 0} the ski-rental rule
 * (Karlin et al., "Competitive snoopy caching", Algorithmica 1988): keep it {@code rent} times as long as
 * one cold start is worth in idle minutes, at most {@code tail}.
 */
public final class Tradeoff implements Policy {

    /** {@code tradeoff[:cold=2,history=64,min=4,refit=4,tail=240,prior=1,margin=0,rent=0]}. */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("tradeoff", "cold",
            "window minimising cold starts x price + idle GB-minutes over the unit's recent idle times"
            + " (tradeoff:cold=2 GB-minutes per cold start,history=64,min=4,refit=4,tail=240 minutes,"
            + "prior=1,margin=0,rent=0)",
            spec -> {
                return new Tradeoff(spec.text(), spec.number("cold", 2, 0, 1e9), spec.whole("history", 64, 4, 1024),
                        spec.whole("min", 4, 1, 1024), spec.whole("refit", 4, 1, 1024),
                        spec.number("tail", 240, 1, 10_080), spec.whole("prior", 1, 0, 64),
                        spec.number("margin", 0, 0, 1), spec.number("rent", 0, 0, 1000));
            });

    /** Memory assumed for a unit whose profile has none, in MB. */
    static final double DEFAULT_MEMORY_MB = 128;

    private final String spec;
    private final double coldGbMinutes;
    private final int history;
    private final int min;
    private final int refit;
    private final double tail;
    private final int prior;
    private final double rent;

    private final double margin;

    private Tradeoff(String spec, double coldGbMinutes, int history, int min, int refit, double tail, int prior,
                     double margin, double rent) {
        this.rent = rent;
        this.margin = margin;
        this.spec = spec;
        this.coldGbMinutes = coldGbMinutes;
        this.history = history;
        this.min = min;
        this.refit = refit;
        this.tail = Math.ceil(tail);
        this.prior = prior;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        double price = priceInMinutes(coldGbMinutes, profile);
        // Ski rental (Karlin et al. 1988): with nothing known, keep the sandbox as long as a cold start is worth.
        double startMinutes = rent > 0 ? Math.min(tail, Math.ceil(rent * price)) : tail;
        return new Unit(profile.id(), price, Window.ofMinutes(0, (long) startMinutes));
    }

    /** A cold start's price in idle minutes of this unit's sandbox. */
    static double priceInMinutes(double coldGbMinutes, UnitProfile profile) {
        double mb = profile.memoryMb() > 0 ? profile.memoryMb() : DEFAULT_MEMORY_MB;
        return coldGbMinutes * 1024 / mb;
    }

    /** One unit's recent idle times and its current window. */
    private final class Unit implements UnitPolicy {
        private final String id;
        private final double price;
        private final IdleTimeSeries its = new IdleTimeSeries(history);
        private long last = Long.MIN_VALUE;
        private int sinceFit;
        private int arrivals;
        private Window window;

        private final Window start;

        Unit(String id, double price, Window start) {
            this.id = id;
            this.price = price;
            this.start = start;
        }

        @Override
        public Window onArrival(long now) {
            if (arrivals > 0) {
                UnitPolicy.requireInOrder("tradeoff", id, last, now);
            }
            if (arrivals > 0 && now > last) {
                // Whole minutes, at least 1: the windows are whole minutes too.
                its.add(Math.max(1, Math.ceil((now - last) / 60_000.0)));
                sinceFit++;
            }
            arrivals++;
            last = now;
            if (its.size() < min) {
                window = start;
            } else if (window == start || sinceFit >= refit) {
                window = widen(IdleWindows.cheapest(sample(), its.size() + prior, price));
                sinceFit = 0;
            }
            return window;
        }

        /** The window with {@code margin} taken off its start and added to its end, in whole minutes. */
        private Window widen(Window w) {
            if (margin == 0) {
                return w;
            }
            long start = (long) Math.floor(w.prewarmMillis() / 60_000.0 * (1 - margin));
            long end = (long) Math.ceil(w.loadUntilMillis() / 60_000.0 * (1 + margin));
            return Window.ofMinutes(start, Math.max(0, end - start));
        }

        /**
         * The recent idle times and {@code prior} pseudo idle times of {@code tail} minutes: the idle times
         * not seen yet. Without them the cheapest window ends at the longest idle time seen, and every longer
         * one is cold; with them a high price keeps the sandbox up to the tail.
         */
        private double[] sample() {
            double[] held = its.toArray();
            double[] sample = java.util.Arrays.copyOf(held, held.length + prior);
            java.util.Arrays.fill(sample, held.length, sample.length, tail);
            return sample;
        }

        @Override
        public void verify() {
            if ((window == null) != (arrivals == 0)) {
                throw new IllegalStateException("tradeoff policy, unit " + id + ": window " + window + " after "
                        + arrivals + " arrivals");
            }
            if (its.size() > history || its.added() >= Math.max(arrivals, 1)) {
                throw new IllegalStateException("tradeoff policy, unit " + id + ": " + its.added()
                        + " idle times for " + arrivals + " arrivals");
            }
        }

        @Override
        public long stateBytes() {
            return HeapBytes.object(4, 3, 2, 0) + its.heapBytes() + HeapBytes.object(0, 0, 2, 0);
        }
    }
}
