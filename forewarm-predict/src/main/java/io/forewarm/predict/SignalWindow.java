package io.forewarm.predict;

import io.forewarm.core.Window;

/**
 * A unit's standing window in absolute time, widened around its external scheduled events ({@link Signals}):
 * the sandbox must be loaded from {@code before} ahead of an event (or the event's own lead, if longer) to
 * {@code after} past it. A host that ticks (the live engine) asks {@link #onSchedule} on every tick, so an
 * event far from any arrival is pre-warmed for once the standing window ended; a window that already covers
 * the event, or that is still running and ends before the event's lead (the sandbox would idle through the
 * gap), is left alone. Not thread-safe: it belongs to one unit's policy state.
 */
public final class SignalWindow {

    private final Signals signals;
    private final String unit;
    private final long beforeMillis;
    private final long afterMillis;
    private long base = Long.MIN_VALUE;
    private Window window;

    /** The tracker of {@code unit}'s window with its {@code signals}, {@code before}/{@code after} in ms. */
    public SignalWindow(Signals signals, String unit, long beforeMillis, long afterMillis) {
        this.signals = signals;
        this.unit = unit;
        this.beforeMillis = beforeMillis;
        this.afterMillis = afterMillis;
    }

    /**
     * Records the window {@code w} a policy chose at {@code now} (an arrival, a reconsideration) and returns it, widened when the
     * next event overlaps or adjoins it.
     */
    public Window onWindow(long now, Window w) {
        Window widened = widen(w, now, now);
        window = widened == null ? w : widened;
        base = now;
        return window;
    }

    /** At a tick at {@code now}: a new window measured from now when the next event needs one, else null. */
    public Window onSchedule(long now) {
        Window widened = widen(window, base, now);
        if (widened != null) {
            window = widened;
            base = now;
        }
        return widened;
    }

    /**
     * The window from {@code now} that also covers the next event of the unit, given the standing window
     * {@code w} measured from {@code base} (null: none); null when nothing needs to change.
     */
    Window widen(Window w, long base, long now) {
        Signals.Event e = signals.isEmpty() ? null : signals.next(unit, now);
        if (e == null) {
            return null;
        }
        long need0 = e.atMillis() - Math.max(beforeMillis, e.leadMillis());
        long need1 = plus(e.atMillis(), afterMillis);
        boolean standing = w != null && base != Long.MIN_VALUE;
        long from = standing ? plus(base, w.loadFromMillis()) : Long.MAX_VALUE;
        long until = standing ? plus(base, w.loadUntilMillis()) : Long.MIN_VALUE;
        if (standing && from <= need0 && need1 <= until) {
            return null; // covered already
        }
        boolean live = standing && now <= until && w.loadUntilMillis() > 0;
        if (live && until < need0) {
            return null; // runs out before the event's lead: replan once it has ended, not idle through the gap
        }
        long start = Math.max(now, live ? Math.min(from, need0) : need0);
        long end = live ? Math.max(until, need1) : need1;
        return new Window(start - now, end - start);
    }

    private static long plus(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }
}
