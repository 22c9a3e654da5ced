package io.forewarm.core;

/**
 * When a unit's sandbox should be loaded after an arrival, in the shape of Shahrad et al. (USENIX ATC 2020):
 * with {@code prewarm == 0} the sandbox stays loaded for {@code keepAlive} after the arrival; with
 * {@code prewarm > 0} it is unloaded and loaded again from {@code prewarm} to {@code prewarm + keepAlive}.
 * Both are in milliseconds, so the same value serves the live engine and the minute-based simulator.
 */
public record Window(long prewarmMillis, long keepAliveMillis) {

    /** Unload at once and never pre-warm: every next arrival is cold. */
    public static final Window NONE = new Window(0, 0);

    /** Keep loaded forever (until evicted). */
    public static final Window FOREVER = new Window(0, Long.MAX_VALUE / 4);

    /** Validates both durations. */
    public Window {
        if (prewarmMillis < 0 || keepAliveMillis < 0) {
            throw new IllegalArgumentException("window durations must be >= 0: prewarm=" + prewarmMillis
                    + " keepAlive=" + keepAliveMillis);
        }
    }

    /** A keep-alive-only window of {@code minutes} minutes. */
    public static Window keepAliveMinutes(long minutes) {
        return new Window(0, minutes * 60_000L);
    }

    /** A window loaded from {@code prewarm} to {@code prewarm + keepAlive} minutes after the arrival. */
    public static Window ofMinutes(long prewarm, long keepAlive) {
        return new Window(prewarm * 60_000L, keepAlive * 60_000L);
    }

    /** Millisecond offset after the arrival at which the sandbox is loaded again (0: it never unloads). */
    public long loadFromMillis() {
        return prewarmMillis;
    }

    /** Millisecond offset after the arrival at which the sandbox is released, saturating on overflow. */
    public long loadUntilMillis() {
        long end = prewarmMillis + keepAliveMillis;
        return end < 0 ? Long.MAX_VALUE : end;
    }

    /** Whether an arrival {@code idleMillis} after the one this window follows finds the sandbox loaded. */
    public boolean isWarmAfter(long idleMillis) {
        return prewarmMillis == 0 ? idleMillis <= keepAliveMillis
                : idleMillis >= prewarmMillis && idleMillis <= loadUntilMillis();
    }
}
