package io.forewarm.predict.policy;

import io.forewarm.core.Window;

import java.util.Arrays;

/**
 * What a window costs against an idle time, and the window that costs least over a sample of idle times, in
 * the per-minute model of Shahrad et al. ("Serverless in the Wild", USENIX ATC 2020, Section 4): after an
 * arrival, window (P, K) keeps the sandbox loaded in minutes P..P+K (from the arrival itself when P = 0);
 * the next arrival, IT minutes later, is warm iff it falls in that range, and the loaded minutes strictly
 * between the two arrivals are wasted. The cost of a window is {@code price * cold + wasted minutes}: the
 * price of a cold start in idle minutes of this unit's sandbox, so a unit's memory turns one global
 * exchange rate (GB-minutes per cold start) into its own.
 *
 * <p>Minutes here are whole minutes of the clock, as in the paper's per-minute trace: an idle time is the
 * number of minute boundaries between two arrivals ({@link #idleMinutes}), and a window fitted in those terms
 * means "loaded in the clock minutes t+P..t+P+K" for an arrival in minute t. {@link #onClock} turns it into
 * the millisecond window the fleet model and the engine apply from the arrival instant. Without that, an
 * arrival a few seconds into its minute pushes the window as many seconds late, and a timer whose calls
 * land anywhere in their minute misses the window its own idle times fitted (auto in the fleet model: up to 52 cold
 * starts in 4 hours on such a timer where hybrid had none; docs/benchmarks.md, "Fleet model"). At a whole minute, as
 * in the paper model, it is the same window, so results there do not change.
 */
final class IdleWindows {

    private static final long MINUTE = 60_000;

    private IdleWindows() {
    }

    /** Whole clock minutes from the minute of {@code fromMillis} to that of {@code toMillis} (0 within one minute). */
    static long idleMinutes(long fromMillis, long toMillis) {
        return Math.floorDiv(toMillis, MINUTE) - Math.floorDiv(fromMillis, MINUTE);
    }

    /**
     * The millisecond window, from an arrival at {@code nowMillis}, that loads the sandbox in the clock minutes
     * {@code P..P+K} after the arrival's minute that the per-minute window {@code w} means: from the start of
     * minute P to the last millisecond of minute P+K. From the arrival itself when P is 0 or 1: the rest of the
     * arrival's own minute belongs to its event (the paper model's P = 1 and P = 0 differ only there), so
     * loading from the next minute is a keep-alive, not an unload and reload a few seconds later.
     */
    static Window onClock(Window w, long nowMillis) {
        long into = Math.floorMod(nowMillis, MINUTE);
        long p = ceilMinutes(w.loadFromMillis());
        long from = p <= 1 ? 0 : p * MINUTE - into;
        long until = (Math.min(w.loadUntilMillis() / MINUTE, Long.MAX_VALUE / 4 / MINUTE) + 1) * MINUTE - 1 - into;
        return new Window(from, until - from);
    }

    /**
     * Whether an arrival at {@code nowMillis} is warm under {@code w}, issued at {@code issuedMillis}: judged
     * to the millisecond, as the fleet model and the engine apply the window.
     */
    static boolean warm(Window w, long issuedMillis, long nowMillis) {
        return w.isWarmAfter(nowMillis - issuedMillis);
    }

    /** Loaded minutes strictly between an arrival and the next one {@code idleMinutes} later (paper model). */
    static double wasted(Window w, double idleMinutes) {
        double from = Math.max(1, ceilMinutes(w.loadFromMillis()));
        double until = Math.min(Math.floor(w.loadUntilMillis() / (double) MINUTE), Math.ceil(idleMinutes) - 1);
        return Math.max(0, until - from + 1);
    }

    /**
     * The cost of {@code w}, issued at {@code issuedMillis}, against the next arrival at {@code nowMillis}:
     * {@code price} if cold, plus the wasted clock minutes between them.
     */
    static double cost(Window w, long issuedMillis, long nowMillis, double price) {
        return (warm(w, issuedMillis, nowMillis) ? 0 : price) + wasted(w, idleMinutes(issuedMillis, nowMillis));
    }

    private static long ceilMinutes(long millis) {
        return Math.ceilDiv(millis, MINUTE);
    }

    /**
     * The window that would have cost least over the idle times {@code its} (whole minutes, at least 1;
     * sorted in place): a keep-alive K or a pre-warm range [P, E], with K, P and E among the observed idle
     * times (or no window at all), so the search is O(u^2) in the u distinct values.
     */
    static Window cheapest(double[] its, int n, double price) {
        Arrays.sort(its, 0, n);
        double[] values = new double[n];
        double[] weights = new double[n];
        int u = 0;
        for (int i = 0; i < n; i++) {
            if (u > 0 && values[u - 1] == its[i]) {
                weights[u - 1]++;
            } else {
                values[u] = its[i];
                weights[u++] = 1;
            }
        }
        return cheapest(values, weights, u, price);
    }

    /**
     * The window that would have cost least over {@code u} distinct idle times {@code values} (whole minutes,
     * at least 1, ascending), each seen {@code weights} times (a weight may be a fraction: a probability). O(u):
     * a pre-warm's cost splits into a part of its start and a part of its end (below), so each end only needs
     * the cheapest start before it.
     */
    static Window cheapest(double[] values, double[] weights, int u, double price) {
        double total = 0;
        for (int i = 0; i < u; i++) {
            total += weights[i];
        }
        // No window: every arrival cold, nothing wasted.
        double best = price * total;
        long bestP = 0;
        long bestK = 0;
        double count = 0; // the weight of values[0..e]
        double sum = 0; // their weighted sum
        double startCost = Double.POSITIVE_INFINITY; // the least start part over starts <= e
        long startAt = 0;
        for (int e = 0; e < u; e++) {
            double end = values[e];
            // A pre-warm from P = values[s] to end costs price x (count[s] + above) + (sum[e+1] - sum[s])
            // - P x (count[e+1] - count[s]) + (end - P + 1) x above: below P cold and nothing wasted, inside
            // IT - P, above E - P + 1. The terms in P are price x count[s] - sum[s] + P x (count[s] - total).
            if (end >= 2) { // P = 1 loads from the next minute: the keep-alive below covers it for less
                double start = price * count - sum + end * (count - total);
                if (start < startCost) {
                    startCost = start;
                    startAt = (long) end;
                }
            }
            count += weights[e];
            sum += weights[e] * end;
            double above = total - count; // idle times > end: cold, the whole window wasted
            // Keep-alive K = end: warm up to end, wasting IT - 1 each, and end for the rest.
            double keep = price * above + (sum - count) + end * above;
            if (keep < best) {
                best = keep;
                bestP = 0;
                bestK = (long) end;
            }
            double prewarm = startCost + price * above + sum + (end + 1) * above;
            if (prewarm < best) {
                best = prewarm;
                bestP = startAt;
                bestK = (long) end - startAt;
            }
        }
        return Window.ofMinutes(bestP, bestK);
    }

    /** {@code w} with {@code margin} (a fraction) taken off its start and added to its end, in whole minutes. */
    static Window widen(Window w, double margin) {
        if (margin == 0) {
            return w;
        }
        long start = (long) Math.floor(w.prewarmMillis() / (double) MINUTE * (1 - margin));
        long end = (long) Math.ceil(w.loadUntilMillis() / (double) MINUTE * (1 + margin));
        return Window.ofMinutes(start, Math.max(0, end - start));
    }
}
