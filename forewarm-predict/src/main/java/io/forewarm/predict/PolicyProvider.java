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
}
