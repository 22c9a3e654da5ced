package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

import java.util.Arrays;

/**
 * An application's events split into ticks and the rest: an application often runs a timer next to
 * functions called at random (Shahrad et al., "Serverless in the Wild", USENIX ATC 2020, Section 3), and one
 * idle-time sample for both mixes the timer's short gaps with the background's long ones. Here the minutes of
 * the hour that had an event in at least {@code threshold} of recent hours ({@link PhaseShares}) are ticks; the
 * idle times between the other events (the background) form a sample of their own. After an event, the next
 * one is the background's next call or the first tick that comes, whichever is first: the background's next
 * call is x - e minutes away for the sampled idle times x longer than the e minutes since its last call (the
 * residual life of a renewal process, so a burst that ended hours ago is not waited for), and each tick ahead
 * comes with its {@linkplain PhaseShares#chance chance}: its share, but at most the share of expected ticks that
 * came, so the window reaches the tick after next when a missed tick would cost more than the wait. The window is the one that costs least over that ({@link
 * IdleWindows#cheapest}, the priced window of {@link Tradeoff}): a short pre-warm for the tick when the
 * background is unlikely to call first, a keep-alive up to the tick when it is likely to. Idle times fade
 * with a {@code halflife} (minutes), as the background's rate follows the time of day and a sample taken
 * before the ticks stood out must go. With no ticks and no fading it is {@link Tradeoff} refitted after every
 * idle time.
 *
 * <p>Events are classified by the shares learned before them, so a new timer's ticks count as background
 * until its minutes stand out (at {@code alpha=0.3}, after three hourly hits; one missed tick keeps a learned
 * tick at 0.7, above the threshold); a busy application whose every minute reaches the threshold is all ticks,
 * each weighted by its chance.
 */
public final class Split implements Policy {

    /**
     * {@code split[:cold=2,history=64,min=4,tail=240,prior=1,margin=0,rent=0,cycle=60,alpha=0.3,threshold=0.6,
     * halflife=1440]}.
     */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("split", "cold",
            "ticks (minutes of the hour active in most hours) apart from the rest: the priced window over the"
            + " other events' idle times, cut off at the next tick (split:cold=2 GB-minutes per cold start,"
            + "history=64,min=4,tail=240 minutes,prior=1,margin=0,rent=0,cycle=60,alpha=0.3,threshold=0.6,"
            + "halflife=1440 minutes, 0: no fading)",
            spec -> new Split(spec.text(), spec.number("cold", 2, 0, 1e9), spec.whole("history", 64, 4, 1024),
                    spec.whole("min", 4, 1, 1024), spec.number("tail", 240, 1, 10_080),
                    spec.whole("prior", 1, 0, 64), spec.number("margin", 0, 0, 1),
                    spec.number("rent", 0, 0, 1000), spec.whole("cycle", 60, 2, 1440),
                    spec.number("alpha", 0.3, 0.001, 1), spec.number("threshold", 0.6, 0.01, 1),
                    spec.number("halflife", 1440, 0, 1e6)));

    private static final long MINUTE = 60_000;

    private final String spec;
    private final double coldGbMinutes;
    private final int history;
    private final int min;
    private final double tail;
    private final int prior;
    private final double margin;
    private final double rent;
    private final int cycle;
    private final float alpha;
    private final double threshold;
    private final double halfLife;

    private Split(String spec, double coldGbMinutes, int history, int min, double tail, int prior, double margin,
                  double rent, int cycle, double alpha, double threshold, double halfLife) {
        this.halfLife = halfLife;
        this.spec = spec;
        this.coldGbMinutes = coldGbMinutes;
        this.history = history;
        this.min = min;
        this.tail = Math.ceil(tail);
        this.prior = prior;
        this.margin = margin;
        this.rent = rent;
        this.cycle = cycle;
        this.alpha = (float) alpha;
        this.threshold = threshold;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        double price = Tradeoff.priceInMinutes(coldGbMinutes, profile);
        return new Unit(profile.id(), price, Tradeoff.firstWindow(rent, price, tail));
    }

    /** The window that costs least at {@code price} over a distribution from {@link #nextBefore}. */
    static Window cheapest(double[][] next, double price) {
        return IdleWindows.cheapest(next[0], next[1], next[0].length, price);
    }

    /**
     * The distribution of the minutes to the next event given the idle times {@code its}, each of the given
     * weight (with {@code prior} pseudo idle times of {@code tail} minutes, of weight 1), cut off by the next
     * ticks: {@code n} ticks {@code at} minutes ahead (ascending), each coming with probability {@code share}.
     * A background idle time x is the idle time when no tick before it comes; otherwise the first tick that
     * comes is. Returned as the distinct minutes (ascending) and their summed weights, two arrays of one length.
     */
    static double[][] nextBefore(double[] its, double[] weights, int prior, double tail, int[] at, float[] share,
                                 int n) {
        int samples = its.length + prior;
        long[] keys = new long[samples * (n + 1)]; // value in the high bits, index into weight in the low
        double[] weight = new double[keys.length];
        int points = 0;
        for (int i = 0; i < samples; i++) {
            double x = i < its.length ? its[i] : tail;
            // The idle time's weight times the chance that no tick came before the one looked at.
            double left = i < its.length ? weights[i] : 1;
            for (int k = 0; k < n && at[k] < x && left >= 1e-3; k++) {
                weight[points] = left * share[k];
                keys[points] = ((long) at[k] << 32) | points;
                points++;
                left *= 1 - share[k];
            }
            weight[points] = left;
            keys[points] = ((long) x << 32) | points;
            points++;
        }
        Arrays.sort(keys, 0, points);
        double[] values = new double[points];
        double[] summed = new double[points];
        int u = 0;
        for (int i = 0; i < points; i++) {
            long value = keys[i] >>> 32;
            double w = weight[(int) keys[i]];
            if (u > 0 && values[u - 1] == value) {
                summed[u - 1] += w;
            } else {
                values[u] = value;
                summed[u++] = w;
            }
        }
        return new double[][] {Arrays.copyOf(values, u), Arrays.copyOf(summed, u)};
    }

    /** One unit's tick shares, its background idle times and the window last fitted to them. */
    private final class Unit implements UnitPolicy, NextCall {
        private final String id;
        private final double price;
        private final Window start;
        private final PhaseShares ticks = new PhaseShares(cycle, alpha, threshold);
        /** The last background idle times, in minutes, and the minute each ended in (a ring). */
        private final float[] background = new float[history];
        private final int[] ended = new int[history];
        private int added;
        private long last = Long.MIN_VALUE;
        private long lastMinute = Long.MIN_VALUE;
        private long lastBackground = Long.MIN_VALUE;
        private int arrivals;
        /** The per-minute window of the last event, and the one issued for its last call. */
        private Window perMinute;
        private Window window;

        Unit(String id, double price, Window start) {
            this.id = id;
            this.price = price;
            this.start = start;
        }

        @Override
        public Window onArrival(long now) {
            long minute = Math.floorDiv(now, MINUTE);
            if (arrivals > 0) {
                UnitPolicy.requireInOrder("split", id, last, now);
            }
            if (arrivals == 0 || minute != lastMinute) { // more calls in one minute are one event (paper model)
                // Classified by what was learned before it: a tick is an event on a minute that is usually active.
                boolean tick = ticks.at(minute) >= threshold;
                ticks.fold(minute);
                if (!tick) {
                    if (lastBackground != Long.MIN_VALUE) {
                        background[added % history] = minute - lastBackground;
                        ended[added % history] = (int) minute;
                        added++;
                    }
                    lastBackground = minute;
                }
                arrivals++;
                lastMinute = minute;
                perMinute = windowFor(minute);
            }
            last = now;
            window = IdleWindows.onClock(perMinute, now);
            return window;
        }

        /** Minutes from {@code minute} to the next tick within one cycle, or 0 if no minute is one. */
        private int nextTick(long minute) {
            for (int d = 1; d <= cycle; d++) {
                if (ticks.at(minute + d) >= threshold) {
                    return d;
                }
            }
            return 0;
        }

        /** The window after an event in {@code minute}, over the background and the ticks of the next cycle. */
        private Window windowFor(long minute) {
            double[][] next = nextAfter(minute);
            return next == null ? start : IdleWindows.widen(cheapest(next, price), margin);
        }

        /**
         * The distribution of the minutes to the next event after one in {@code minute} (distinct values and
         * their weights, see {@link #nextBefore}), or null while there are no ticks and too few background idle
         * times.
         */
        private double[][] nextAfter(long minute) {
            int[] at = new int[cycle];
            float[] share = new float[cycle];
            int n = 0;
            for (int d = 1; d <= cycle; d++) {
                if (ticks.at(minute + d) >= threshold) {
                    at[n] = d;
                    share[n++] = ticks.chance(minute + d);
                }
            }
            int held = Math.min(added, history);
            if (n == 0 && held < min) {
                return null;
            }
            // The background's next call comes x - e minutes from now for the idle times x longer than the e
            // minutes since its last call (a renewal process): right after a tick, a burst that ended hours ago
            // says little. An idle time's weight halves every half-life: the background's rate follows the time
            // of day, and a sample taken while the ticks were still counted as background must fade.
            long elapsed = lastBackground == Long.MIN_VALUE ? 0 : minute - lastBackground;
            double[] its = new double[held < min ? 0 : held];
            double[] weights = new double[its.length];
            int kept = 0;
            for (int i = 0; i < its.length; i++) {
                if (background[i] > elapsed) {
                    its[kept] = background[i] - elapsed;
                    weights[kept++] = halfLife == 0 ? 1 : Math.pow(0.5, (minute - ended[i]) / halfLife);
                }
            }
            return nextBefore(Arrays.copyOf(its, kept), weights, prior, tail, at, share, n);
        }

        /** The distribution the last event's window was priced on, normalised. */
        @Override
        public boolean nextCall(double[] mass, double weight) {
            double[][] next = arrivals == 0 ? null : nextAfter(lastMinute);
            if (next == null) {
                return false;
            }
            double total = 0;
            for (double w : next[1]) {
                total += w;
            }
            for (int i = 0; i < next[0].length; i++) {
                NextCall.add(mass, next[0][i], weight * next[1][i] / total);
            }
            return true;
        }

        @Override
        public String explain() {
            int tick = arrivals == 0 ? 0 : nextTick(lastMinute);
            return (tick == 0 ? "no tick within the hour" : "next tick in " + tick + " min") + "; "
                    + Math.min(added, history) + " background idle times";
        }

        @Override
        public void verify() {
            if ((window == null) != (arrivals == 0)) {
                throw new IllegalStateException("split policy, unit " + id + ": window " + window + " after "
                        + arrivals + " arrivals");
            }
            if (added >= Math.max(arrivals, 1)) {
                throw new IllegalStateException("split policy, unit " + id + ": " + added
                        + " background idle times for " + arrivals + " events");
            }
        }

        @Override
        public long stateBytes() {
            // Windows are records of two longs; the start window is shared by the policy's units.
            return HeapBytes.object(7, 2, 3, 0) + ticks.heapBytes() + HeapBytes.array(history, 4) * 2
                    + 2 * HeapBytes.object(0, 0, 2, 0);
        }
    }
}
