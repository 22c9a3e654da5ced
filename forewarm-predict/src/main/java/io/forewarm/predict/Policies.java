package io.forewarm.predict;

import io.forewarm.predict.policy.Auto;
import io.forewarm.predict.policy.Chain;
import io.forewarm.predict.policy.FixedKeepAlive;
import io.forewarm.predict.policy.GreedyDual;
import io.forewarm.predict.policy.HybridHistogram;
import io.forewarm.predict.policy.Oracle;
import io.forewarm.predict.policy.Periodic;
import io.forewarm.predict.policy.Seasonal;
import io.forewarm.predict.policy.Split;
import io.forewarm.predict.policy.Tradeoff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The registry of policies by name: parses a spec and creates the policy. */
public final class Policies {

    private static final Map<String, PolicyProvider> PROVIDERS = load();

    private Policies() {
    }

    private static Map<String, PolicyProvider> load() {
        List<PolicyProvider> all = new ArrayList<>(List.of(
                FixedKeepAlive.NONE_PROVIDER,
                FixedKeepAlive.PROVIDER,
                Oracle.PROVIDER,
                HybridHistogram.PROVIDER,
                GreedyDual.PROVIDER,
                Tradeoff.PROVIDER,
                Periodic.PROVIDER,
                Split.PROVIDER,
                Seasonal.PROVIDER,
                Chain.PROVIDER,
                Auto.PROVIDER));
        ServiceLoader.load(PolicyProvider.class).forEach(all::add);
        Map<String, PolicyProvider> byName = new LinkedHashMap<>();
        for (PolicyProvider p : all) {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new IllegalStateException("two policies are registered as '" + p.name() + "'");
            }
        }
        return byName;
    }

    /** Creates a fresh policy from a spec such as {@code fixed:10}; fails naming the spec if it is bad. */
    public static Policy create(String specText) {
        return create(specText, Signals.NONE);
    }

    /** Creates a fresh policy from a spec, with external {@code signals} for the policies that use them. */
    public static Policy create(String specText, Signals signals) {
        Map<String, String> positional = new LinkedHashMap<>();
        PROVIDERS.values().forEach(p -> {
            if (p.positionalParameter() != null) {
                positional.put(p.name(), p.positionalParameter());
            }
        });
        PolicySpec spec = PolicySpec.parse(specText, positional).withSignals(signals);
        PolicyProvider provider = PROVIDERS.get(spec.name());
        if (provider == null) {
            throw new IllegalArgumentException("unknown policy '" + spec.name() + "' in '" + specText
                    + "'; known: " + String.join(", ", PROVIDERS.keySet()));
        }
        Policy policy = provider.create(spec);
        spec.requireAllRead();
        return policy;
    }

    /** Every registered policy name with its description, one per line. */
    public static String describe() {
        return PROVIDERS.values().stream().map(p -> "  " + p.name() + ": " + p.description())
                .collect(Collectors.joining("\n"));
    }

    /** The registered names. */
    public static List<String> names() {
        return List.copyOf(PROVIDERS.keySet());
    }
}
