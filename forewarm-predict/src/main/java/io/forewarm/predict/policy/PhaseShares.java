package io.forewarm.predict.policy;

/**
 * For each minute of a cycle (60 minutes: the hour), the exponentially weighted share ({@code alpha} per
 * cycle) of cycles in which that minute had an event: the phase of an application's timers, which often fire
 * at fixed minutes of the hour (Shahrad et al., "Serverless in the Wild", USENIX ATC 2020, find timers among
 * the most common triggers). A minute whose share stays high is a tick; one that is active now and then is
 * background; a minute at or above {@code threshold} is expected to tick, and how often expected ticks came
 * gives each tick's {@link #chance}. Used by {@link Periodic} (load for the next run of ticks) and {@link Split}
 * (ticks apart from the rest, each coming with its chance).
 */
final class PhaseShares {

    /** How slowly the count of kept and missed ticks forgets: about this many expected ticks. */
    private static final float TICK_MEMORY = 512;

    private final float[] share;
    private final float alpha;
    private final float threshold;
    private long lastMinute = Long.MIN_VALUE;
    /** Decayed counts of the minutes expected to tick (share at or above the threshold) and of those that did. */
    private float expected;
    private float kept;

    PhaseShares(int cycle, float alpha, double threshold) {
        this.share = new float[cycle];
        this.alpha = alpha;
        this.threshold = (float) threshold;
    }

    /** Folds the minutes since the last active one (idle) and {@code minute} (active); a repeat changes nothing. */
    void fold(long minute) {
        if (minute == lastMinute) {
            return;
        }
        if (lastMinute != Long.MIN_VALUE) {
            // Two cycles of idle minutes are enough to fade every share; a longer gap changes nothing more.
            for (long m = Math.max(lastMinute + 1, minute - 2L * share.length); m < minute; m++) {
                int s = slot(m);
                count(share[s], 0);
                share[s] -= alpha * share[s];
            }
        }
        int s = slot(minute);
        count(share[s], 1);
        share[s] += alpha * (1 - share[s]);
        lastMinute = minute;
    }

    private void count(float shareBefore, int came) {
        if (shareBefore >= threshold) {
            expected += 1 - expected / TICK_MEMORY;
            kept = kept * (1 - 1 / TICK_MEMORY) + came;
        }
    }

    /**
     * The chance that a tick (a minute whose share reaches the threshold) comes: the share, but at most the
     * share of expected ticks that came over a long memory (with one kept and one missed as a prior). A share
     * soon reads 1 for a steady timer, which would say a tick is never missed, yet timers miss now and then:
     * with this, the minutes up to the tick after the next are worth keeping when a miss is dearer than them.
     */
    float chance(long minute) {
        return Math.min(at(minute), (kept + 1) / (expected + 2));
    }

    /** The share of cycles in which the minute of the cycle that {@code minute} falls on was active. */
    float at(long minute) {
        return share[slot(minute)];
    }

    /** The minutes of one cycle. */
    int cycle() {
        return share.length;
    }

    private int slot(long minute) {
        return (int) Math.floorMod(minute, (long) share.length);
    }

    long heapBytes() {
        return HeapBytes.object(1, 4, 1, 0) + HeapBytes.array(share.length, 4);
    }
}
