package io.forewarm.predict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed policy spec: {@code name[:param[,key=value...]]}. A bare first value is the policy's positional
 * parameter ({@code fixed:20} means {@code fixed:keep=20}). Unknown keys and bad values fail loudly,
 * naming the key and the value.
 */
public final class PolicySpec {

    private final String text;
    private final String name;
    private final Map<String, String> params;
    private final java.util.Set<String> read = new java.util.HashSet<>();
    private Signals signals = Signals.NONE;

    private PolicySpec(String text, String name, Map<String, String> params) {
        this.text = text;
        this.name = name;
        this.params = params;
    }

    /**
     * Parses {@code text}; the positional value, if any, is stored under {@code positionalKey} of the
     * named policy, which the caller resolves through {@code positionalKeys}.
     */
    public static PolicySpec parse(String text, Map<String, String> positionalKeys) {
        String trimmed = text.strip();
        int colon = trimmed.indexOf(':');
        String name = colon < 0 ? trimmed : trimmed.substring(0, colon);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("policy spec '" + text + "' has no policy name");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (colon >= 0) {
            String rest = trimmed.substring(colon + 1);
            List<String> items = List.of(rest.split(","));
            for (int i = 0; i < items.size(); i++) {
                String item = items.get(i).strip();
                if (item.isEmpty()) {
                    throw new IllegalArgumentException("policy spec '" + text + "' has an empty parameter");
                }
                int eq = item.indexOf('=');
                String key;
                String value;
                if (eq < 0) {
                    String positional = positionalKeys.get(name);
                    if (i != 0 || positional == null) {
                        throw new IllegalArgumentException("policy spec '" + text + "': parameter '" + item
                                + "' needs the form key=value");
                    }
                    key = positional;
                    value = item;
                } else {
                    key = item.substring(0, eq).strip();
                    value = item.substring(eq + 1).strip();
                }
                if (params.put(key, value) != null) {
                    throw new IllegalArgumentException("policy spec '" + text + "' sets '" + key + "' twice");
                }
            }
        }
        return new PolicySpec(trimmed, name, params);
    }

    /** The spec as written. */
    public String text() {
        return text;
    }

    /** The policy name before the colon. */
    public String name() {
        return name;
    }

    /** The external signals the policy may consult ({@link Signals#NONE} unless the caller gave some). */
    public Signals signals() {
        return signals;
    }

    /** Attaches the signals of this run (set by {@link Policies#create(String, Signals)}). */
    PolicySpec withSignals(Signals s) {
        this.signals = java.util.Objects.requireNonNull(s, "signals");
        return this;
    }

    /** All parameters as given. */
    public Map<String, String> params() {
        return Collections.unmodifiableMap(params);
    }

    /** A numeric parameter, or {@code fallback} when absent. */
    public double number(String key, double fallback) {
        read.add(key);
        String value = params.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(value);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("policy '" + text + "': parameter " + key + "=" + value
                    + " is not a number");
        }
    }

    /** A numeric parameter that must lie in {@code [min, max]}. */
    public double number(String key, double fallback, double min, double max) {
        double d = number(key, fallback);
        if (d < min || d > max) {
            throw new IllegalArgumentException("policy '" + text + "': parameter " + key + "=" + params.get(key)
                    + " is outside [" + min + ", " + max + "]");
        }
        return d;
    }

    /** A whole-number parameter that must lie in {@code [min, max]}. */
    public int whole(String key, int fallback, int min, int max) {
        double d = number(key, fallback, min, max);
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException("policy '" + text + "': parameter " + key + "=" + params.get(key)
                    + " is not a whole number");
        }
        return (int) d;
    }

    /** An on/off parameter ({@code on|true|yes}, {@code off|false|no}), or {@code fallback} when absent. */
    public boolean onOff(String key, boolean fallback) {
        String value = string(key, fallback ? "on" : "off");
        return switch (value) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("policy '" + text + "': parameter " + key + "=" + value
                    + " must be on or off");
        };
    }

    /** A string parameter, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        read.add(key);
        return params.getOrDefault(key, fallback);
    }

    /** Fails if a parameter was given that the policy never read: a typo must not pass silently. */
    public void requireAllRead() {
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!read.contains(e.getKey())) {
                throw new IllegalArgumentException("policy '" + text + "': unknown parameter " + e.getKey() + "="
                        + e.getValue());
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
