package io.forewarm.engine;

import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.Signals;

import java.util.HashMap;
import java.util.Map;

/**
 * The policies of one engine, one instance per spec so that functions sharing a spec share its global state
 * (a GreedyDual clock, for instance), exactly as in a simulation; all see the engine's external signals.
 */
final class EnginePolicies {

    private final Map<String, Policy> bySpec = new HashMap<>();
    private final Signals signals;

    /** The policies of an engine whose external signals are {@code signals}. */
    EnginePolicies(Signals signals) {
        this.signals = signals;
    }

    /** {@code auto}, the per-function portfolio of models, with its default knob. */
    static String defaultSpec() {
        return "auto";
    }

    /** The policy for {@code spec}, created on first use; fails naming the spec if it is bad or needs foresight. */
    synchronized Policy get(String spec) {
        Policy p = bySpec.get(spec);
        if (p == null) {
            p = Policies.create(spec, signals);
            if (p.needsForesight()) {
                throw new IllegalArgumentException("policy '" + spec + "' needs foresight, which only the"
                        + " simulator has");
            }
            bySpec.put(spec, p);
        }
        return p;
    }
}
