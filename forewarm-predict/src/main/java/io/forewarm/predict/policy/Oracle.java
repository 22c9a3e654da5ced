package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

/**
 * Knows each unit's next arrival and loads the sandbox exactly then: only first arrivals are cold and no
 * memory is wasted. Not a real policy but the lower bound on both axes; it needs the simulator's foresight.
 */
public final class Oracle implements Policy {

    /** {@code oracle}. */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("oracle", null,
            "knows the next arrival and loads just in time (simulator only: the lower bound)",
            spec -> new Oracle(spec.text()));

    private final String spec;

    private Oracle(String spec) {
        this.spec = spec;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public boolean needsForesight() {
        return true;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        return new UnitPolicy() {
            private long last = Long.MIN_VALUE;

            @Override
            public Window onArrival(long now) {
                UnitPolicy.requireInOrder("oracle", profile.id(), last, now);
                last = now;
                long next = profile.foresight().nextArrivalAfter(now);
                if (next == Long.MAX_VALUE) {
                    return Window.NONE;
                }
                // Load exactly at the next arrival; a prewarm of 0 would mean "keep loaded", so an arrival
                // at the same instant keeps the sandbox instead.
                long idle = next - now;
                return new Window(idle, 0);
            }

            @Override
            public double retentionValue(long now) {
                long next = profile.foresight().nextArrivalAfter(now);
                return next == Long.MAX_VALUE ? 0 : 1.0 / (1 + (next - now)); // Belady: soonest reuse is kept
            }
        };
    }
}
