package io.forewarm.predict;

/**
 * Registers a policy by name. Built-in policies are listed in {@link Policies}; others (the LSTM) are found
 * through {@link java.util.ServiceLoader}.
 */
public interface PolicyProvider {

    /** The name before the colon in a spec. */
    String name();

    /** The parameter a bare value after the colon sets ({@code fixed:20}), or null if none. */
    default String positionalParameter() {
        return null;
    }

    /** One line for {@code --help} and error messages. */
    String description();

    /** Creates a fresh policy for one run; must read every parameter it accepts from {@code spec}. */
    Policy create(PolicySpec spec);

    /**
     * A provider from its parts.
     *
     * @param name        the name before the colon
     * @param positional  the parameter a bare value sets, or null
     * @param description one line for help
     * @param factory     creates the policy from a parsed spec
     */
    static PolicyProvider of(String name, String positional, String description,
                             java.util.function.Function<PolicySpec, Policy> factory) {
        record Simple(String name, String positionalParameter, String description,
                      java.util.function.Function<PolicySpec, Policy> factory) implements PolicyProvider {
            @Override
            public Policy create(PolicySpec spec) {
                return factory.apply(spec);
            }
        }
        return new Simple(name, positional, description, factory);
    }
}
