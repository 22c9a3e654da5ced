package io.forewarm.predict.lstm;

import io.forewarm.predict.Signals;

import java.util.Arrays;

/**
 * One unit's external {@link Signals} on the forecaster's minute grid (minute m is {@code m * 60,000} ms):
 * which minutes hold one of its scheduled events (cron, one-off, feed) and its user-activity factor. The
 * schedules are known ahead, so the forecaster may read events after the minute it forecasts from. Without
 * signals every answer is "none", which {@link Features} encodes as zeros.
 */
final class UnitSignals {

    /** No signals at all (the simulator's case). */
    static final UnitSignals NONE = new UnitSignals(Signals.NONE, "");

    private static final long MINUTE = 60_000;
    private static final int[] NO_EVENTS = new int[0];

    private final Signals signals;
    private final String unit;

    private UnitSignals(Signals signals, String unit) {
        this.signals = signals;
        this.unit = unit;
    }

    /** The signals of {@code unit} among {@code signals}. */
    static UnitSignals of(Signals signals, String unit) {
        return signals.isEmpty() ? NONE : new UnitSignals(signals, unit);
    }

    /** The minutes in {@code [from, until]} that hold a scheduled event of the unit, ascending, each once. */
    int[] eventMinutes(int from, int until) {
        if (signals.isEmpty() || until < from) {
            return NO_EVENTS;
        }
        int[] out = new int[4];
        int n = 0;
        long endMillis = (until + 1L) * MINUTE;
        // Ask from the end of each event's minute on, so a schedule firing every second costs one call a minute.
        for (long t = signals.nextEvent(unit, from * MINUTE - 1); t < endMillis;
             t = signals.nextEvent(unit, (Math.floorDiv(t, MINUTE) + 1) * MINUTE - 1)) {
            if (n == out.length) {
                out = Arrays.copyOf(out, 2 * n);
            }
            out[n++] = (int) Math.floorDiv(t, MINUTE);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** The unit's user-activity factor at the start of {@code minute}: 1 when no series says otherwise. */
    double activity(int minute) {
        return signals.isEmpty() ? 1 : signals.activityFactor(unit, minute * MINUTE);
    }
}
