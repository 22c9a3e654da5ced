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
 * so the window follows a change of behaviour within that many arrivals. Idle times are counted in clock
 * minutes (more calls in one minute are one event) and a window (P, K) is issued as the clock minutes P..P+K
 * after the arrival's own, to the millisecond from the arrival instant ({@code IdleWindows.onClock}): so it
 * means the same in the paper model, the fleet model and the engine.
 *
 * <p>Two guards against what the sample has not shown: {@code prior} pseudo idle times of {@code tail}
 * minutes join the sample (so at a high price the window reaches the tail, as the paper's standard
 * keep-alive does), and {@code margin} widens the chosen window on both sides. Until {@code min} idle times
 * are known the unit gets a keep-alive: {@code tail} minutes, or with {@code rent > 0} the ski-rental rule
 * (Karlin et al., "Competitive snoopy caching", Algorithmica 1988): keep it {@code rent} times as long as
 * one cold start is worth in idle minutes, at most {@code tail}.
 *
 * <p>With {@code buckets > 1} the day (UTC) is cut into that many equal parts; each idle time is filed under
 * the part its arrival fell in, and an arrival gets the window fitted to its own part's idle times (to all
 * of them while its part has fewer than {@code min}), so a busy afternoon and a quiet night get their own
 * windows. On the generated 14-day trace this measured worse inside {@code auto} than one sample (each part
 * holds a fraction of the idle times; see docs/benchmarks.md), so it is off by default.
 */
public final class Tradeoff implements Policy {

    /** {@code tradeoff[:cold=2,history=64,min=4,refit=4,tail=240,prior=1,margin=0,rent=0,buckets=1]}. */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("tradeoff", "cold",
            "window minimising cold starts x price + idle GB-minutes over the unit's recent idle times"
            + " (tradeoff:cold=2 GB-minutes per cold start,history=64,min=4,refit=4,tail=240 minutes,"
            + "prior=1,margin=0,rent=0,buckets=1: idle times kept apart by the time of day they began in)",
            spec -> {
                return new Tradeoff(spec.text(), spec.number("cold", 2, 0, 1e9), spec.whole("history", 64, 4, 1024),
                        spec.whole("min", 4, 1, 1024), spec.whole("refit", 4, 1, 1024),
                        spec.number("tail", 240, 1, 10_080), spec.whole("prior", 1, 0, 64),
                        spec.number("margin", 0, 0, 1), spec.number("rent", 0, 0, 1000),
                        spec.whole("buckets", 1, 1, 24));
            });

    /** Memory assumed for a unit whose profile has none, in MB. */
    static final double DEFAULT_MEMORY_MB = 128;

    private static final int DAY_MINUTES = 1440;

    private final String spec;
    private final double coldGbMinutes;
    private final int history;
    private final int min;
    private final int refit;
    private final double tail;
    private final int prior;
    private final double rent;

    private final double margin;
    private final int buckets;

    private Tradeoff(String spec, double coldGbMinutes, int history, int min, int refit, double tail, int prior,
                     double margin, double rent, int buckets) {
        this.buckets = buckets;
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
        return new Unit(profile.id(), price, firstWindow(rent, price, tail));
    }

    /**
     * The window of a unit nothing is known of yet. Ski rental (Karlin et al. 1988): keep the sandbox {@code rent}
     * times as long as a cold start is worth ({@code price} idle minutes), at most {@code tail}; all of
     * {@code tail} when {@code rent} is 0.
     */
    static Window firstWindow(double rent, double price, double tail) {
        return Window.ofMinutes(0, (long) (rent > 0 ? Math.min(tail, Math.ceil(rent * price)) : tail));
    }

    /** A cold start's price in idle minutes of this unit's sandbox. */
    static double priceInMinutes(double coldGbMinutes, UnitProfile profile) {
        double mb = profile.memoryMb() > 0 ? profile.memoryMb() : DEFAULT_MEMORY_MB;
        return coldGbMinutes * 1024 / mb;
    }

    /** One unit's recent idle times, by the time of day they began in, and the windows fitted to them. */
    private final class Unit implements UnitPolicy, NextCall {
        private final String id;
        private final double price;
        private final Window start;
        /** Per bucket of the day, the idle times that began in it. */
        private final IdleTimeSeries[] its = new IdleTimeSeries[buckets];
        /** Per bucket, the window last fitted to its idle times; the last slot is fitted to all of them. */
        private final Window[] fitted = new Window[buckets == 1 ? 1 : buckets + 1];
        /** Per slot of {@link #fitted}, the idle times added since its fit. */
        private final int[] sinceFit = new int[fitted.length];
        private long last = Long.MIN_VALUE;
        private int arrivals;
        private Window window;

        Unit(String id, double price, Window start) {
            this.id = id;
            this.price = price;
            this.start = start;
            for (int b = 0; b < buckets; b++) {
                its[b] = new IdleTimeSeries(history);
            }
        }

        @Override
        public Window onArrival(long now) {
            if (arrivals > 0) {
                UnitPolicy.requireInOrder("tradeoff", id, last, now);
            }
            long idle = arrivals > 0 ? IdleWindows.idleMinutes(last, now) : 0;
            if (idle > 0) {
                int b = bucket(last);
                // Whole clock minutes, as the windows are; more calls in one minute are one event (paper model).
                its[b].add(idle);
                sinceFit[b]++;
                if (buckets > 1) {
                    sinceFit[buckets]++; // the fit to all buckets' idle times
                }
            }
            arrivals++;
            last = now;
            window = IdleWindows.onClock(windowFor(bucket(now)), now);
            return window;
        }

        /**
         * The window for an arrival in bucket {@code b}: fitted to that bucket's idle times once it has {@code
         * min} of them, before that to all buckets' together, and with fewer than {@code min} in all the start.
         */
        private Window windowFor(int b) {
            int slot = slotFor(b);
            return slot < 0 ? start : fit(slot, held(slot));
        }

        /** The slot of {@link #fitted} an arrival in bucket {@code b} is fitted in, or -1 for the start window. */
        private int slotFor(int b) {
            if (its[b].size() >= min) {
                return b;
            }
            int held = 0;
            for (IdleTimeSeries s : its) {
                held += s.size();
            }
            return held < min ? -1 : buckets; // only reached with buckets > 1: one bucket holds them all
        }

        /** The idle times of {@code slot}: its bucket's, or for the last slot all buckets' together. */
        private double[] held(int slot) {
            if (slot < buckets) {
                return its[slot].toArray();
            }
            double[] all = new double[0];
            for (IdleTimeSeries s : its) {
                double[] part = s.toArray();
                all = java.util.Arrays.copyOf(all, all.length + part.length);
                System.arraycopy(part, 0, all, all.length - part.length, part.length);
            }
            return all;
        }

        /** The idle times held now for the last arrival's bucket, each as likely, and {@code prior} of {@code tail}. */
        @Override
        public boolean nextCall(double[] mass, double weight) {
            int slot = arrivals == 0 ? -1 : slotFor(bucket(last));
            if (slot < 0) {
                return false;
            }
            double[] sample = held(slot);
            double each = weight / (sample.length + prior);
            for (double x : sample) {
                NextCall.add(mass, x, each);
            }
            NextCall.add(mass, tail, each * prior);
            return true;
        }

        /** The window of {@code slot}, refitted to {@code held} every {@code refit} new idle times. */
        private Window fit(int slot, double[] held) {
            if (fitted[slot] == null || sinceFit[slot] >= refit) {
                double[] sample = java.util.Arrays.copyOf(held, held.length + prior);
                java.util.Arrays.fill(sample, held.length, sample.length, tail);
                fitted[slot] = IdleWindows.widen(IdleWindows.cheapest(sample, sample.length, price), margin);
                sinceFit[slot] = 0;
            }
            return fitted[slot];
        }

        /** The bucket of the day (UTC) that {@code millis} falls in. */
        private int bucket(long millis) {
            return (int) (Math.floorMod(Math.floorDiv(millis, 60_000L), DAY_MINUTES) * buckets / DAY_MINUTES);
        }

        @Override
        public void verify() {
            if ((window == null) != (arrivals == 0)) {
                throw new IllegalStateException("tradeoff policy, unit " + id + ": window " + window + " after "
                        + arrivals + " arrivals");
            }
            int added = 0;
            for (IdleTimeSeries s : its) {
                added += s.added();
            }
            if (added >= Math.max(arrivals, 1)) {
                throw new IllegalStateException("tradeoff policy, unit " + id + ": " + added
                        + " idle times for " + arrivals + " arrivals");
            }
        }

        @Override
        public long stateBytes() {
            long bytes = HeapBytes.object(6, 1, 2, 0) + HeapBytes.array(its.length, 4)
                    + HeapBytes.array(fitted.length, 4) + HeapBytes.array(sinceFit.length, 4);
            for (IdleTimeSeries s : its) {
                bytes += s.heapBytes();
            }
            // Windows are records of two longs; the start window is shared by the policy's units.
            return bytes + HeapBytes.object(0, 0, 2, 0) * (fitted.length + 1);
        }
    }
}
