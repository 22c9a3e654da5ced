package io.forewarm.server;

import io.forewarm.core.Window;

import java.time.Instant;

/**
 * What a function's current window means for its sandboxes right now, in the shape of Shahrad et al. (USENIX
 * ATC 2020): kept warm until the keep-alive ends, or unloaded and pre-warmed again at {@code prewarm} after the
 * last arrival. Pure: the window, the last arrival and now in, the plan out.
 */
final class Forecasts {

    private Forecasts() {
    }

    /**
     * The plan a window leads to.
     *
     * @param state       {@code no-arrival-yet}, {@code keep-warm}, {@code unloaded} (waiting to pre-warm) or
     *                    {@code released}
     * @param description the same in words
     * @param prewarmAt   when a sandbox is loaded again (null: not planned)
     * @param warmUntil   when the sandbox is released (null: not planned)
     */
    record Plan(String state, String description, String prewarmAt, String warmUntil) {
    }

    /** The plan of {@code window} after an arrival at {@code lastArrival} ({@link Long#MIN_VALUE}: none). */
    static Plan plan(Window window, long lastArrival, long now) {
        if (window == null || lastArrival == Long.MIN_VALUE) {
            return new Plan("no-arrival-yet", "no arrival yet: the policy has no window, nothing is kept warm",
                    null, null);
        }
        long from = saturatedAdd(lastArrival, window.loadFromMillis());
        long until = saturatedAdd(lastArrival, window.loadUntilMillis());
        String untilText = iso(until);
        if (now >= until) {
            return new Plan("released", "the window after the last arrival ended at " + untilText
                    + "; the next arrival starts cold unless capacity kept a sandbox", null, untilText);
        }
        if (window.prewarmMillis() > 0 && now < from) {
            return new Plan("unloaded", "unloaded until " + iso(from) + ", then pre-warmed and kept until "
                    + untilText, iso(from), untilText);
        }
        return new Plan("keep-warm", "kept warm until " + untilText, window.prewarmMillis() > 0 ? iso(from) : null,
                untilText);
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
    }

    /** Beyond the year 30000 an instant means "never": windows such as FOREVER end there. */
    private static final long NEVER_MILLIS = 900_000_000_000_000L;

    private static String iso(long millis) {
        return millis >= NEVER_MILLIS ? "forever" : Instant.ofEpochMilli(millis).toString();
    }
}
