package io.forewarm.predict.lstm;

import java.util.function.IntPredicate;

/**
 * The per-minute input of the forecaster. Each minute t of the lookback is six numbers: whether the unit
 * had an arrival in t, whether it had one at the same minute a day earlier (so a 60-minute window still
 * sees a daily habit), and the time of day and of week on the unit circle (so 23:59 is next to 00:00).
 * Arrivals enter as 0/1 rather than counts: that is the per-unit normalisation that lets one global model
 * serve a unit called once a day and one called every second alike.
 */
final class Features {

    /** Numbers per minute. */
    static final int PER_MINUTE = 6;

    static final int DAY = 1440;
    static final int WEEK = 7 * DAY;

    private Features() {
    }

    /**
     * Writes the {@code lookback} minutes ending with {@code endMinute} (inclusive, oldest first) into
     * {@code out} from {@code offset}, {@link #PER_MINUTE} numbers each.
     */
    static void encode(IntPredicate active, int endMinute, int lookback, float[] out, int offset) {
        int o = offset;
        for (int t = endMinute - lookback + 1; t <= endMinute; t++) {
            double day = 2 * Math.PI * Math.floorMod(t, DAY) / DAY;
            double week = 2 * Math.PI * Math.floorMod(t, WEEK) / WEEK;
            out[o] = active.test(t) ? 1f : 0f;
            out[o + 1] = active.test(t - DAY) ? 1f : 0f;
            out[o + 2] = (float) Math.sin(day);
            out[o + 3] = (float) Math.cos(day);
            out[o + 4] = (float) Math.sin(week);
            out[o + 5] = (float) Math.cos(week);
            o += PER_MINUTE;
        }
    }

    /** Writes 0/1 for an arrival in each of the {@code horizon} minutes after {@code minute} into {@code out}. */
    static void targets(IntPredicate active, int minute, int horizon, float[] out, int offset) {
        for (int h = 0; h < horizon; h++) {
            out[offset + h] = active.test(minute + 1 + h) ? 1f : 0f;
        }
    }
}
