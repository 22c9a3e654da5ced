package io.forewarm.sim.paper;

import io.forewarm.core.Window;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.sim.UnitTimeline;

/**
 * The simulation model of Shahrad et al., "Serverless in the Wild" (USENIX ATC 2020), Section 4: time in
 * minutes, an event is a minute with at least one invocation, one instance per unit. After each event the
 * policy returns a window (prewarm P, keep-alive K); the next event, at idle time IT minutes, is warm iff
 * {@code (P == 0 && IT <= K) || (P <= IT <= P + K)}. A unit's first event is cold.
 *
 * <p>Wasted memory counts the minutes in which the instance is loaded and no event happens: after an event
 * at minute t, the instance is loaded in the minutes {@code t + P .. t + P + K} (for P = 0 that range starts
 * with the event's own minute, which is busy, not wasted) up to the next event, and never past the
 * horizon. So with P = 0 a warm next event wastes IT - 1 minutes and a cold one K; with P > 0 a warm next
 * event wastes IT - P minutes, a cold one after the window K + 1 and one before the window none.
 */
public final class PaperModel {

    private static final long MINUTE = 60_000L;

    private PaperModel() {
    }

    /** What one unit scored under one policy; only events and wasted minutes at or after scoreFrom count. */
    public record UnitScore(long events, long coldStarts, long wastedMinutes) {
    }

    /**
     * Replays {@code timeline} through {@code policy}, feeding it every event, and scores events and wasted
     * minutes at or after minute {@code scoreFrom} (trace numbering). Calls {@link UnitPolicy#verify()}.
     */
    public static UnitScore replay(UnitTimeline timeline, UnitPolicy policy, int scoreFrom) {
        int end = timeline.firstMinute() + timeline.minutes(); // exclusive
        long events = 0;
        long cold = 0;
        long wasted = 0;
        int prev = -1;
        Window window = null;
        for (int m = timeline.nextActive(timeline.firstMinute()); m >= 0; m = timeline.nextActive(m + 1)) {
            boolean warm = false;
            if (window != null) {
                int idle = m - prev;
                warm = window.isWarmAfter(idle * MINUTE);
                wasted += idleLoadedMinutes(window, prev, m, scoreFrom);
            }
            if (m >= scoreFrom) {
                events++;
                if (!warm) {
                    cold++;
                }
            }
            window = policy.onArrival(m * MINUTE);
            prev = m;
        }
        if (window != null) {
            wasted += idleLoadedMinutes(window, prev, end, scoreFrom);
        }
        policy.verify();
        return new UnitScore(events, cold, wasted);
    }

    /**
     * Minutes strictly between the event at {@code event} and the next one at {@code next} in which the
     * window keeps the instance loaded, counting only minutes at or after {@code scoreFrom}.
     */
    static long idleLoadedMinutes(Window window, int event, int next, int scoreFrom) {
        long from = Math.max(1, ceilMinutes(window.loadFromMillis()));
        long until = Math.min(window.loadUntilMillis() / MINUTE, (long) next - event - 1);
        from = Math.max(from, (long) scoreFrom - event);
        return Math.max(0, until - from + 1);
    }

    private static long ceilMinutes(long millis) {
        return (millis + MINUTE - 1) / MINUTE;
    }
}
