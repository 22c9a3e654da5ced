package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

import java.util.ArrayList;
import java.util.List;

/** What the hand-worked timeline tests share: a unit of a policy spec, and arrivals fed at whole minutes. */
final class Timelines {

    /** A minute in milliseconds. */
    static final long MIN = 60_000;

    private Timelines() {
    }

    /** A 128 MB unit of {@code spec} (at that size, {@code cold=2} prices a cold start at 16 idle minutes). */
    static UnitPolicy unit(String spec) {
        return Policies.create(spec).newUnit(UnitProfile.of("u", 128, 0));
    }

    /** Feeds arrivals at the given minutes and returns the window after each; then checks the unit's state. */
    static List<Window> feed(UnitPolicy u, long... minutes) {
        List<Window> windows = new ArrayList<>();
        for (long m : minutes) {
            windows.add(u.onArrival(m * MIN));
        }
        u.verify();
        return windows;
    }
}
