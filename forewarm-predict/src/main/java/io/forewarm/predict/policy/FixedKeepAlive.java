package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

/**
 * The fixed keep-alive policy most platforms ship (AWS Lambda, Azure Functions at the time of the trace):
 * keep the sandbox loaded for K minutes after every arrival, never pre-warm. {@code none} is K = 0.
 */
public final class FixedKeepAlive implements Policy {

    /** {@code fixed:K}: keep alive K minutes (default 10). */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("fixed", "keep",
            "keep every sandbox loaded K minutes after each arrival (fixed:K, default 10)",
            spec -> new FixedKeepAlive(spec.text(),
                    new Window(0, Math.round(spec.number("keep", 10, 0, 60 * 24 * 365) * 60_000))));

    /** {@code none}: unload right after every execution; every arrival is cold. */
    public static final PolicyProvider NONE_PROVIDER = PolicyProvider.of("none", null,
            "no keep-alive: every arrival is a cold start (the upper bound)",
            spec -> new FixedKeepAlive(spec.text(), Window.NONE));

    private final String spec;
    private final Window window;
    private final UnitPolicy unit;

    private FixedKeepAlive(String spec, Window window) {
        this.spec = spec;
        this.window = window;
        this.unit = now -> window;
    }

    @Override
    public String spec() {
        return spec;
    }

    /** The one window this policy always returns. */
    public Window window() {
        return window;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        return unit; // stateless: one instance serves every unit
    }
}
