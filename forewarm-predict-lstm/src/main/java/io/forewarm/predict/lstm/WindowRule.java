package io.forewarm.predict.lstm;

import io.forewarm.core.Window;

/**
 * How the {@code lstm} policy reads a window off the forecast {@code p}, where {@code p[k - 1]} is the
 * probability of an arrival in minute k after the current one. Pure; see {@link LstmPolicy} for the why.
 */
public sealed interface WindowRule {

    /** The window to keep after an arrival whose forecast is {@code p}. */
    Window window(double[] p);

    /**
     * Covers the next arrival: with {@code F[k] = 1 - prod(1 - p[j], j <= k)}, loaded from the first minute
     * where F reaches {@code head} until the first where it reaches {@code tail} (or the horizon's end).
     *
     * @param head chance of the next arrival having come at which to pre-warm
     * @param tail chance at which to release
     */
    record Next(double head, double tail) implements WindowRule {

        /** Validates {@code 0 < head < tail < 1}. */
        public Next {
            if (!(head > 0 && head < tail && tail < 1)) {
                throw new IllegalArgumentException("lstm head=" + head + ", tail=" + tail
                        + " must satisfy 0 < head < tail < 1");
            }
        }

        @Override
        public Window window(double[] p) {
            double none = 1; // chance no arrival has come yet
            int from = 0;
            for (int k = 1; k <= p.length; k++) {
                none *= 1 - p[k - 1];
                double came = 1 - none;
                if (from == 0 && came >= head) {
                    from = k;
                }
                if (came >= tail) {
                    return span(from, k);
                }
            }
            return from == 0 ? Window.NONE : span(from, p.length);
        }
    }

    /**
     * Loads over the first run of minutes whose own probability reaches {@code threshold}.
     *
     * @param threshold per-minute probability worth having the sandbox loaded for
     */
    record Minute(double threshold) implements WindowRule {

        /** Validates {@code 0 < threshold < 1}. */
        public Minute {
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("lstm threshold=" + threshold + " must be in (0, 1)");
            }
        }

        @Override
        public Window window(double[] p) {
            int first = 0;
            while (first < p.length && p[first] < threshold) {
                first++;
            }
            if (first == p.length) {
                return Window.NONE;
            }
            int last = first;
            while (last + 1 < p.length && p[last + 1] >= threshold) {
                last++;
            }
            return span(first + 1, last + 1);
        }
    }

    /** Loaded in the minutes {@code from..until} after the arrival (1-based, inclusive). */
    private static Window span(int from, int until) {
        // Pre-warming for the very next minute is keeping the sandbox: say so, it never unloads.
        return from == 1 ? Window.keepAliveMinutes(until) : Window.ofMinutes(from, until - from);
    }
}
