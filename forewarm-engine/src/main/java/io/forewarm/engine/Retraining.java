package io.forewarm.engine;

import io.forewarm.history.HistoryView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Periodic refits: every {@code interval} the housekeeper rebuilds every function's policy state from its
 * recorded history, so a model does not carry what it learned under old patterns forever and a restarted
 * engine starts from what it knew. History comes back as per-minute arrival counts (the rollups, which
 * outlive raw records) over the last {@code lookback}; each active minute is replayed as one arrival at its
 * start, as the simulator replays per-minute traces (Shahrad et al., USENIX ATC 2020), and the latest arrivals,
 * which the pool keeps exactly, after that. Policies that learn across functions ({@code chain}) are not refit:
 * replaying one function's past into their shared, time-ordered state would corrupt it.
 */
final class Retraining {

    private static final Logger LOG = LoggerFactory.getLogger(Retraining.class);
    private static final long MINUTE = 60_000;

    private final HistoryView history;
    private final Duration interval;
    private final Duration lookback;
    private long lastMillis = Long.MIN_VALUE;

    /** Refits from {@code history} (null: never) every {@code interval} (zero: never) over {@code lookback}. */
    Retraining(HistoryView history, Duration interval, Duration lookback) {
        this.history = history;
        this.interval = interval;
        this.lookback = lookback;
    }

    /** Whether a round of refits is due at {@code nowMillis}: the first tick, then every interval. */
    boolean due(long nowMillis) {
        return history != null && !interval.isZero()
                && (lastMillis == Long.MIN_VALUE || nowMillis - lastMillis >= interval.toMillis());
    }

    /** Refits every pool that can be as of {@code nowMillis}; returns how many were. */
    int run(List<FunctionPool> pools, long nowMillis) {
        lastMillis = nowMillis;
        int n = 0;
        for (FunctionPool p : pools) {
            if (p.policy().crossUnit()) {
                continue;
            }
            try {
                p.refit(activeMinutes(p.name(), p.firstRecentMillis(), nowMillis), nowMillis);
                n++;
            } catch (RuntimeException e) {
                LOG.warn("refitting the model of '{}' failed; it keeps its current one: {}", p.name(), e.toString());
            }
        }
        return n;
    }

    /**
     * The starts of the minutes with an arrival in the lookback before {@code nowMillis}; up to the minute of
     * {@code firstRecentMillis} (excluded: the pool replays that one's arrivals exactly), or up to and including
     * the current minute when the pool has none of its own (a restarted engine).
     */
    private long[] activeMinutes(String function, long firstRecentMillis, long nowMillis) {
        long end = firstRecentMillis <= nowMillis ? Math.floorDiv(firstRecentMillis, MINUTE) * MINUTE
                : (Math.floorDiv(nowMillis, MINUTE) + 1) * MINUTE;
        long start = end - Math.floorDiv(lookback.toMillis(), MINUTE) * MINUTE;
        long[] counts = history.arrivalsPerMinute(function, Instant.ofEpochMilli(start),
                (int) ((end - start) / MINUTE));
        return minuteStarts(counts, start);
    }

    /** The start of every minute whose count is positive, {@code counts[0]} being the minute at {@code start}. */
    static long[] minuteStarts(long[] counts, long start) {
        int active = 0;
        for (long c : counts) {
            if (c > 0) {
                active++;
            }
        }
        long[] out = new long[active];
        int k = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                out[k++] = start + i * MINUTE;
            }
        }
        return out;
    }
}
