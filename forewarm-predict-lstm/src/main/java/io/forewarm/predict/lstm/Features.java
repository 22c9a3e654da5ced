package io.forewarm.predict.lstm;

import java.util.function.IntPredicate;

/**
 * The input of the forecaster. Each minute t of the lookback is eight numbers: whether the unit had an
 * arrival in t, whether it had one at the same minute a day earlier (so a 60-minute window still sees a daily
 * habit), the time of day and of week on the unit circle (so 23:59 is next to 00:00), and two from the unit's
 * external signals ({@link UnitSignals}): whether one of its scheduled events falls in t, and its user-activity
 * factor minus 1 (capped at {@link #ACTIVITY_CAP}). Besides the lookback, the forecast reads the schedule
 * ahead: for each minute of the horizon, 0/1 for an event in it ({@link #ahead}). That vector bypasses the
 * LSTM: {@link LstmNet} adds a learnt response per offset between an event and a forecast minute, so "a call
 * in the minute after an event" is one weight learnt from every event wherever it falls, rather than a
 * distance the recurrent state must count out (tried first: with the distance as a per-minute input, the
 * model did not learn it in a test-sized run). Without signals every signal input is 0.
 *
 * <p>Arrivals enter as 0/1 rather than counts: that is the per-unit normalisation that lets one global model
 * serve a unit called once a day and one called every second alike.
 */
final class Features {

    /** Numbers per minute of the lookback. */
    static final int PER_MINUTE = 8;

    /** Activity factors above this are read as this: a spike should not saturate every gate. */
    static final double ACTIVITY_CAP = 4;

    static final int DAY = 1440;
    static final int WEEK = 7 * DAY;

    private Features() {
    }

    /**
     * Writes the {@code lookback} minutes ending with {@code endMinute} (inclusive, oldest first) into
     * {@code out} from {@code offset}, {@link #PER_MINUTE} numbers each.
     */
    static void encode(IntPredicate active, UnitSignals signals, int endMinute, int lookback, float[] out,
                       int offset) {
        int first = endMinute - lookback + 1;
        int[] events = signals.eventMinutes(first, endMinute);
        int next = 0;
        int o = offset;
        for (int t = first; t <= endMinute; t++) {
            double day = 2 * Math.PI * Math.floorMod(t, DAY) / DAY;
            double week = 2 * Math.PI * Math.floorMod(t, WEEK) / WEEK;
            boolean event = next < events.length && events[next] == t;
            if (event) {
                next++;
            }
            out[o] = active.test(t) ? 1f : 0f;
            out[o + 1] = active.test(t - DAY) ? 1f : 0f;
            out[o + 2] = (float) Math.sin(day);
            out[o + 3] = (float) Math.cos(day);
            out[o + 4] = (float) Math.sin(week);
            out[o + 5] = (float) Math.cos(week);
            out[o + 6] = event ? 1f : 0f;
            out[o + 7] = (float) (Math.min(signals.activity(t), ACTIVITY_CAP) - 1);
            o += PER_MINUTE;
        }
    }

    /** Writes 0/1 for a scheduled event in each of the {@code horizon} minutes after {@code minute} into {@code out}. */
    static void ahead(UnitSignals signals, int minute, int horizon, float[] out, int offset) {
        java.util.Arrays.fill(out, offset, offset + horizon, 0f);
        for (int e : signals.eventMinutes(minute + 1, minute + horizon)) {
            out[offset + e - minute - 1] = 1f;
        }
    }

    /** Writes 0/1 for an arrival in each of the {@code horizon} minutes after {@code minute} into {@code out}. */
    static void targets(IntPredicate active, int minute, int horizon, float[] out, int offset) {
        for (int h = 0; h < horizon; h++) {
            out[offset + h] = active.test(minute + 1 + h) ? 1f : 0f;
        }
    }
}
