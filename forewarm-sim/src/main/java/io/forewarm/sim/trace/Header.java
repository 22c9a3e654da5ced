package io.forewarm.sim.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV header whose columns are found by name, so files may order them freely. Unknown and duplicate
 * names fail at their column; a missing required name fails on line 1.
 *
 * @param names the column names in file order
 * @param index 0-based column of each name
 */
record Header(List<String> names, Map<String, Integer> index) {

    /** Reads the header line of {@code s}, checking names against {@code allowed} and {@code required}. */
    static Header read(CsvScanner s, List<String> allowed, List<String> required) throws IOException {
        if (!s.nextRow()) {
            throw s.failLine("empty file, expected a header with columns " + required);
        }
        List<String> names = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        do {
            String name = s.field().strip();
            if (names.isEmpty() && name.startsWith("\uFEFF")) {
                name = name.substring(1); // byte order mark written by spreadsheet tools
            }
            if (allowed != null && !allowed.contains(name)) {
                throw s.fail("unknown column '" + name + "', expected one of " + allowed);
            }
            if (index.putIfAbsent(name, names.size()) != null) {
                throw s.fail("duplicate column '" + name + "'");
            }
            names.add(name);
        } while (s.end() == CsvScanner.End.COMMA);
        for (String r : required) {
            if (!index.containsKey(r)) {
                throw s.failLine("header lacks column '" + r + "' (has " + names + ")");
            }
        }
        return new Header(List.copyOf(names), Map.copyOf(index));
    }

    /** The number of columns. */
    int width() {
        return names.size();
    }

    /** The 0-based column of {@code name}, or -1 when absent. */
    int column(String name) {
        return index.getOrDefault(name, -1);
    }

    /** The cell {@code column} of {@code row} as a finite number; fails naming the cell otherwise. */
    double number(CsvScanner s, String[] row, String column) throws TraceFormatException {
        int c = column(column);
        try {
            double v = Double.parseDouble(row[c].strip());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the cell's position
        }
        throw s.failAt(c + 1, column + " is not a number: '" + row[c] + "'");
    }
}
