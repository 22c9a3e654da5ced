package io.forewarm.sim.fleet;

import io.forewarm.sim.trace.FunctionSeries;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One function's arrival times in ms, in order. Exact times when the series has them; otherwise each active
 * minute's count is spread over the minute's 60 seconds by a random generator seeded from (seed, function,
 * minute), so the times of any minute can be regenerated on demand: the oracle's foresight reads the same
 * times the replay does without storing them.
 */
final class Arrivals {

    private static final long MINUTE = 60_000;

    private final FunctionSeries series;
    private final long seed;
    private int minuteIndex;   // next active minute to expand (spread mode)
    private long[] current = new long[0];
    private int pos;           // next arrival in current, or in series.arrivalMillis() in exact mode

    /** The arrivals of {@code series}, checked to ascend and to lie in {@code [fromMs, untilMs)}. */
    Arrivals(FunctionSeries series, long seed, long fromMs, long untilMs) {
        this.series = series;
        this.seed = seed;
        long[] exact = series.arrivalMillis();
        if (exact != null) {
            for (int i = 0; i < exact.length; i++) {
                if (exact[i] < fromMs || exact[i] >= untilMs || (i > 0 && exact[i] < exact[i - 1])) {
                    throw new IllegalArgumentException(series.key() + ": arrival " + i + " at " + exact[i]
                            + " ms is out of order or outside the horizon " + fromMs + ".." + untilMs + " ms");
                }
            }
        } else {
            int[] minutes = series.activeMinutes();
            if (minutes.length > 0 && (minutes[0] * MINUTE < fromMs || minutes[minutes.length - 1] * MINUTE
                    >= untilMs)) {
                throw new IllegalArgumentException(series.key() + ": active minutes " + minutes[0] + ".."
                        + minutes[minutes.length - 1] + " fall outside the horizon " + fromMs / MINUTE + ".."
                        + (untilMs / MINUTE - 1));
            }
        }
    }

    /** The next arrival and advances past it, or {@link Long#MAX_VALUE} when there is none. */
    long next() {
        long[] exact = series.arrivalMillis();
        if (exact != null) {
            return pos < exact.length ? exact[pos++] : Long.MAX_VALUE;
        }
        while (pos == current.length) {
            if (minuteIndex == series.activeMinutes().length) {
                return Long.MAX_VALUE;
            }
            current = minute(minuteIndex++);
            pos = 0;
        }
        return current[pos++];
    }

    /** The first arrival strictly after {@code t}, or {@link Long#MAX_VALUE}; does not move the cursor. */
    long nextAfter(long t) {
        long[] exact = series.arrivalMillis();
        if (exact != null) {
            int i = firstAbove(exact, t);
            return i < exact.length ? exact[i] : Long.MAX_VALUE;
        }
        int[] minutes = series.activeMinutes();
        int i = Arrays.binarySearch(minutes, (int) Math.floorDiv(t, MINUTE));
        i = i >= 0 ? i : -i - 1;
        for (; i < minutes.length; i++) {
            long[] times = minute(i);
            int j = firstAbove(times, t);
            if (j < times.length) {
                return times[j];
            }
        }
        return Long.MAX_VALUE;
    }

    /** The sorted arrival times of active minute {@code index}: each in a uniformly drawn second. */
    private long[] minute(int index) {
        int m = series.activeMinutes()[index];
        int count = series.counts()[index];
        SplittableRandom rng = new SplittableRandom(seed ^ (m * 0x9E3779B97F4A7C15L));
        long[] times = new long[count];
        for (int k = 0; k < count; k++) {
            times[k] = m * MINUTE + rng.nextInt(60) * 1_000L;
        }
        Arrays.sort(times);
        return times;
    }

    private static int firstAbove(long[] sorted, long t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
