package io.forewarm.predict;

import java.util.Arrays;

/**
 * A data feed whose arrival triggers work: the next arrival is expected one period after the last observed
 * one (and every period after that, should the feed be late). The period is given, or inferred as the median
 * of the intervals between the last {@value #WINDOW} observed arrivals, which a single late or doubled
 * delivery does not move (the robust choice of Shahrad et al., USENIX ATC 2020, for inter-arrival times).
 * Immutable: {@link #observe} returns a new feed.
 *
 * @param periodMillis the period, or 0 to infer it from the arrivals
 * @param arrivals     the last observed arrival times, oldest first
 */
public record Feed(long periodMillis, long[] arrivals) implements Signals.Schedule {

    /** How many of the latest arrivals are kept and used to infer the period. */
    public static final int WINDOW = 17;

    /** Validates the period and the order of the arrivals, keeping the latest {@value #WINDOW}. */
    public Feed {
        if (periodMillis < 0) {
            throw new IllegalArgumentException("feed period must be >= 0 ms (0: inferred), got " + periodMillis);
        }
        for (int i = 1; i < arrivals.length; i++) {
            if (arrivals[i] < arrivals[i - 1]) {
                throw new IllegalArgumentException("feed arrival " + i + " at " + arrivals[i]
                        + " ms is before arrival " + (i - 1) + " at " + arrivals[i - 1] + " ms");
            }
        }
        arrivals = Arrays.copyOfRange(arrivals, Math.max(0, arrivals.length - WINDOW), arrivals.length);
    }

    /** A feed with the period inferred from {@code arrivals}. */
    public static Feed inferred(long... arrivals) {
        return new Feed(0, arrivals);
    }

    @Override
    public long[] arrivals() {
        return arrivals.clone();
    }

    /** This feed with {@code more} arrivals observed after the ones it has; fails naming one out of order. */
    public Feed observe(long... more) {
        if (arrivals.length > 0 && more.length > 0 && more[0] < arrivals[arrivals.length - 1]) {
            throw new IllegalArgumentException("feed arrival at " + more[0] + " ms is before the last observed one"
                    + " at " + arrivals[arrivals.length - 1] + " ms");
        }
        long[] all = Arrays.copyOf(arrivals, arrivals.length + more.length);
        System.arraycopy(more, 0, all, arrivals.length, more.length);
        return new Feed(periodMillis, all);
    }

    /** The period in force: the given one, or the median interval (0 while fewer than two arrivals). */
    public long period() {
        if (periodMillis > 0 || arrivals.length < 2) {
            return periodMillis;
        }
        long[] gaps = new long[arrivals.length - 1];
        for (int i = 1; i < arrivals.length; i++) {
            gaps[i - 1] = arrivals[i] - arrivals[i - 1];
        }
        Arrays.sort(gaps);
        int n = gaps.length;
        return n % 2 == 1 ? gaps[n / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2;
    }

    @Override
    public long nextAfter(long afterMillis) {
        long period = period();
        if (period <= 0 || arrivals.length == 0) {
            return Long.MAX_VALUE; // nothing to expect yet
        }
        long last = arrivals[arrivals.length - 1];
        if (afterMillis < last + period) {
            return last + period;
        }
        return last + ((afterMillis - last) / period + 1) * period;
    }
}
