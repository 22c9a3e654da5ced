package io.forewarm.engine;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.PolicySpec;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

/**
 * A policy with a window and a retention value fixed by its spec, registered for the tests through
 * ServiceLoader: {@code test-window:from=MS,keep=MS,value=V}. Real (the engine finds it by name like any other),
 * only simpler than the shipped ones so that timelines can be written by hand.
 */
public final class TestWindowPolicy implements PolicyProvider {

    /** Needed by ServiceLoader. */
    public TestWindowPolicy() {
    }

    @Override
    public String name() {
        return "test-window";
    }

    @Override
    public String description() {
        return "tests only: a fixed window (from, keep in ms) and a fixed retention value";
    }

    @Override
    public Policy create(PolicySpec spec) {
        Window window = new Window((long) spec.number("from", 0, 0, 1e12), (long) spec.number("keep", 60_000, 0, 1e12));
        double value = spec.number("value", 0);
        UnitPolicy unit = new UnitPolicy() {
            @Override
            public Window onArrival(long nowMillis) {
                return window;
            }

            @Override
            public double retentionValue(long nowMillis) {
                return value;
            }
        };
        return new Policy() {
            @Override
            public String spec() {
                return spec.text();
            }

            @Override
            public UnitPolicy newUnit(UnitProfile profile) {
                return unit;
            }
        };
    }
}
