package io.forewarm.core;

/**
 * Operator bounds on how long a function's sandbox stays loaded after an arrival, applied on top of whatever
 * window its policy chose: at least {@code minMillis} (fewer cold starts for a latency-critical function, paid
 * in idle memory) and at most {@code maxMillis} (a cap on the idle memory a policy may spend on it).
 *
 * <p>A policy's pre-warm window leaves the sandbox unloaded between the arrival and the pre-warm; a minimum
 * forbids that gap, so such a window becomes a keep-alive window to the same end (the one window shape that
 * keeps both promises). A maximum ends the loaded period no later than {@code maxMillis} after the arrival.
 *
 * @param minMillis keep loaded at least this long after each arrival (0: no minimum)
 * @param maxMillis release no later than this long after each arrival ({@link #UNBOUNDED}: no maximum)
 */
public record KeepAliveBounds(long minMillis, long maxMillis) {

    /** The value of {@code maxMillis} that means no maximum. */
    public static final long UNBOUNDED = Long.MAX_VALUE;

    /** No bounds: the policy's window stands. */
    public static final KeepAliveBounds NONE = new KeepAliveBounds(0, UNBOUNDED);

    /** Validates that {@code 0 <= min <= max}. */
    public KeepAliveBounds {
        if (minMillis < 0 || maxMillis < minMillis) {
            throw new IllegalArgumentException("keep-alive bounds need 0 <= min <= max, got min=" + minMillis
                    + " ms, max=" + maxMillis + " ms");
        }
    }

    /** Whether these bounds change nothing. */
    public boolean isNone() {
        return minMillis == 0 && maxMillis == UNBOUNDED;
    }

    /** The window in force when the policy chose {@code w}. */
    public Window apply(Window w) {
        long until = Math.min(Math.max(w.loadUntilMillis(), minMillis), maxMillis);
        boolean unloadedGap = w.prewarmMillis() > 0 && minMillis == 0;
        if (!unloadedGap) {
            return until == w.loadUntilMillis() && w.prewarmMillis() == 0 ? w : new Window(0, until);
        }
        return w.prewarmMillis() >= until ? Window.NONE : new Window(w.prewarmMillis(), until - w.prewarmMillis());
    }
}
