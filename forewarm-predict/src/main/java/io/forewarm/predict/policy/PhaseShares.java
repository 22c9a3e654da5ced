package io.forewarm.predict.policy;

/**
 * For each minute of a cycle (60 minutes: the hour), the exponentially weighted share ({@code alpha} per
 * cycle) of cycles in which that minute had an event: the phase of an application's timers, which often fire
 * at fixed minutes of the hour (Shahrad et al., "Serverless in the Wild", USENIX ATC 2020, find timers among
 * the most common triggers). A minute whose share stays high is a tick; one that is active now and then is
 * background. Used by {@link Periodic} (load for the next run of ticks) and {@link Split} (ticks apart from
 * the rest).
 */
final class PhaseShares {

    private final float[] share;
    private final float alpha;
    private long lastMinute = Long.MIN_VALUE;

    PhaseShares(int cycle, float alpha) {
        this.share = new float[cycle];
        this.alpha = alpha;
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
                share[s] -= alpha * share[s];
            }
        }
        int s = slot(minute);
        share[s] += alpha * (1 - share[s]);
        lastMinute = minute;
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
        return HeapBytes.object(1, 1, 1, 0) + HeapBytes.array(share.length, 4);
    }
}
