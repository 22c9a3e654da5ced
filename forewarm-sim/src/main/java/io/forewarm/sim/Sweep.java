package io.forewarm.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A sweep over one policy parameter: {@code fixed:keep=1;5;10;20} expands to four specs
 * {@code fixed:keep=1} ... {@code fixed:keep=20}. Exactly one parameter carries a {@code ;}-separated list;
 * the others stay fixed ({@code hybrid:range=60;120;240,margin=0.2}).
 *
 * @param family the sweep as written, naming the curve
 * @param param  the swept parameter
 * @param specs  one policy spec per value, in the order given
 */
public record Sweep(String family, String param, List<String> specs) {

    /** Parses a sweep; fails naming the spec when no or several parameters carry a list. */
    public static Sweep parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("sweep '" + text + "' needs a parameter list, e.g. fixed:keep=1;5;10");
        }
        String name = text.substring(0, colon);
        String[] items = text.substring(colon + 1).split(",");
        int swept = -1;
        for (int i = 0; i < items.length; i++) {
            if (items[i].contains(";")) {
                if (swept >= 0) {
                    throw new IllegalArgumentException("sweep '" + text + "' lists values for two parameters");
                }
                swept = i;
            }
        }
        if (swept < 0) {
            throw new IllegalArgumentException("sweep '" + text + "' has no ';'-separated values to sweep");
        }
        String item = items[swept];
        int eq = item.indexOf('=');
        String param = eq < 0 ? "" : item.substring(0, eq);
        String prefix = eq < 0 ? "" : param + "=";
        List<String> specs = new ArrayList<>();
        for (String value : item.substring(eq + 1).split(";")) {
            if (value.isBlank()) {
                throw new IllegalArgumentException("sweep '" + text + "' has an empty value");
            }
            String[] copy = items.clone();
            copy[swept] = prefix + value.strip();
            specs.add(name + ":" + String.join(",", copy));
        }
        return new Sweep(text, param, specs);
    }
}
