package io.forewarm.sim.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Azure Functions Trace 2019 (Shahrad et al., "Serverless in the Wild", USENIX ATC 2020): a directory
 * with {@code invocations.csv} (per-minute counts), and optionally {@code durations.csv} (ms percentiles)
 * and {@code memory.csv} (MB).
 *
 * <p>{@code invocations.csv} is {@code HashOwner,HashApp,HashFunction,Trigger,<m>,<m+1>,...}: the minute
 * columns may start at any number but must be consecutive. It is streamed on every {@link #forEach} with
 * a byte-level parser holding one row; only durations and memory (one entry per function) are kept.
 *
 * <p>{@code memory.csv} is either per function ({@code HashFunction,HashOwner,HashApp,...}, as the bundled
 * excerpt) or per application ({@code HashOwner,HashApp,...}, as the original dataset); an application's
 * memory is then split evenly over its functions present in {@code invocations.csv}, which costs one extra
 * skimming pass over that file at open. When {@code memory.csv} has the dataset's percentile columns
 * ({@code AverageAllocatedMb_pct1}, {@code _pct5}, ... {@code _pct100}) each function also gets a
 * {@link MemoryProfile}, split the same way. Rows of durations and memory for functions absent from the
 * invocations are ignored; for a function listed twice the first row wins.
 */
final class Azure2019Trace implements Trace {

    /** The registry name. */
    static final String NAME = "azure2019";

    private static final List<String> KEY = List.of("HashOwner", "HashApp", "HashFunction", "Trigger");
    private static final List<String> PERCENTILES = List.of("percentile_Average_0", "percentile_Average_1",
            "percentile_Average_25", "percentile_Average_50", "percentile_Average_75", "percentile_Average_99",
            "percentile_Average_100");
    private static final List<String> MEMORY_PERCENTILES = List.of("AverageAllocatedMb_pct1",
            "AverageAllocatedMb_pct5", "AverageAllocatedMb_pct25", "AverageAllocatedMb_pct50",
            "AverageAllocatedMb_pct75", "AverageAllocatedMb_pct95", "AverageAllocatedMb_pct99",
            "AverageAllocatedMb_pct100");

    private final Path dir;
    private final Path invocations;
    private final int firstMinute;
    private final int minutes;
    private final Map<String, DurationProfile> durations;
    /** Per function; a profile of its average alone (constant) when the file has no percentiles. */
    private final Map<String, MemoryProfile> memory;
    private final boolean memoryPercentiles;

    private Azure2019Trace(Path dir, int firstMinute, int minutes, Map<String, DurationProfile> durations,
                           Map<String, MemoryProfile> memory, boolean memoryPercentiles) {
        this.dir = dir;
        this.invocations = dir.resolve("invocations.csv");
        this.firstMinute = firstMinute;
        this.minutes = minutes;
        this.durations = durations;
        this.memory = memory;
        this.memoryPercentiles = memoryPercentiles;
    }

    /** Opens the trace directory {@code dir}: reads the invocation header, durations and memory. */
    static Azure2019Trace open(Path dir) throws IOException {
        Path inv = dir.resolve("invocations.csv");
        if (!Files.isDirectory(dir)) {
            throw new TraceFormatException(dir, 0, 0, "not a directory (expected one holding invocations.csv)");
        }
        int first;
        int count;
        try (CsvScanner s = CsvScanner.open(inv)) {
            if (!s.nextRow()) {
                throw s.failLine("empty file, expected header " + String.join(",", KEY) + ",<minute>,...");
            }
            for (String expected : KEY) {
                String name = s.field();
                if (!name.equals(expected)) {
                    throw s.fail("expected column '" + expected + "' but found '" + name + "'");
                }
                if (s.end() != CsvScanner.End.COMMA) {
                    throw s.fail("header has no minute columns");
                }
            }
            first = s.integer();
            count = 1;
            while (s.end() == CsvScanner.End.COMMA) {
                int m = s.integer();
                if (m != first + count) {
                    throw s.fail("minute columns must be consecutive: expected " + (first + count) + " but found "
                            + m);
                }
                count++;
            }
            if (!s.nextRow()) {
                throw new TraceFormatException(inv, 2, 0, "no functions: the file has only a header");
            }
        }
        Map<String, DurationProfile> durations = readDurations(dir.resolve("durations.csv"));
        Map<String, MemoryProfile> memory = new HashMap<>();
        boolean percentiles = readMemory(dir.resolve("memory.csv"), inv, memory);
        return new Azure2019Trace(dir, first, count, durations, memory, percentiles);
    }

    @Override
    public String description() {
        return NAME + " " + dir;
    }

    @Override
    public String credit() {
        return "Azure Functions Trace 2019 (CC BY 4.0): Shahrad et al., USENIX ATC 2020";
    }

    @Override
    public int firstMinute() {
        return firstMinute;
    }

    @Override
    public int minutes() {
        return minutes;
    }

    @Override
    public void forEach(Consumer<FunctionSeries> consumer) throws IOException {
        CsvScanner.SparseRow row = new CsvScanner.SparseRow();
        try (CsvScanner s = CsvScanner.open(invocations)) {
            s.nextRow();
            s.field();
            s.skipLine();
            while (s.nextRow()) {
                String owner = keyCell(s, "HashOwner");
                String app = keyCell(s, "HashApp");
                String function = keyCell(s, "HashFunction");
                String trigger = keyCell(s, "Trigger");
                s.counts(minutes, row);
                int[] active = new int[row.size];
                for (int i = 0; i < active.length; i++) {
                    active[i] = firstMinute + row.index[i];
                }
                String id = id(owner, app, function);
                MemoryProfile m = memory.get(id);
                consumer.accept(new FunctionSeries(new FunctionKey(owner, app, function, trigger),
                        active, Arrays.copyOf(row.count, row.size), null, durations.get(id),
                        m == null ? Double.NaN : m.averageMb(), memoryPercentiles ? m : null));
            }
        }
    }

    private static String keyCell(CsvScanner s, String column) throws IOException {
        if (s.end() == CsvScanner.End.FILE) {
            throw s.fail("row ends before column " + column);
        }
        String v = s.field();
        if (v.isEmpty()) {
            throw s.fail("empty " + column);
        }
        if (s.end() != CsvScanner.End.COMMA) {
            throw s.fail("row ends at column " + column);
        }
        return v;
    }

    private static String id(String owner, String app, String function) {
        return owner + ',' + app + ',' + function;
    }

    private static Map<String, DurationProfile> readDurations(Path file) throws IOException {
        Map<String, DurationProfile> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (CsvScanner s = CsvScanner.open(file)) {
            List<String> needed = new ArrayList<>(List.of("HashOwner", "HashApp", "HashFunction",
                    "Average"));
            needed.addAll(PERCENTILES);
            Header h = Header.read(s, null, needed);
            while (s.nextRow()) {
                String[] row = s.row(h.width());
                double[] v = new double[PERCENTILES.size() + 1];
                v[0] = h.number(s, row, "Average");
                for (int i = 0; i < PERCENTILES.size(); i++) {
                    v[i + 1] = h.number(s, row, PERCENTILES.get(i));
                }
                out.putIfAbsent(id(row[h.column("HashOwner")], row[h.column("HashApp")],
                        row[h.column("HashFunction")]), new DurationProfile(v[0], v[1], v[2], v[3], v[4], v[5],
                        v[6], v[7]));
            }
        }
        return out;
    }

    /**
     * Reads {@code file} (if it exists) into {@code out}, per function; true when it has every percentile
     * column, so the profiles are real distributions rather than the average alone.
     */
    private static boolean readMemory(Path file, Path invocations, Map<String, MemoryProfile> out)
            throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (CsvScanner s = CsvScanner.open(file)) {
            Header h = Header.read(s, null, List.of("HashOwner", "HashApp", "AverageAllocatedMb"));
            boolean perFunction = h.column("HashFunction") >= 0;
            boolean percentiles = MEMORY_PERCENTILES.stream().allMatch(c -> h.column(c) >= 0);
            Map<String, MemoryProfile> perApp = new HashMap<>();
            while (s.nextRow()) {
                String[] row = s.row(h.width());
                MemoryProfile m = memoryProfile(s, h, row, percentiles);
                String app = row[h.column("HashOwner")] + ',' + row[h.column("HashApp")];
                if (perFunction) {
                    out.putIfAbsent(app + ',' + row[h.column("HashFunction")], m);
                } else {
                    perApp.putIfAbsent(app, m);
                }
            }
            if (!perFunction) {
                splitOverFunctions(perApp, invocations, out);
            }
            return percentiles;
        }
    }

    /** One row's memory: the average and, when the file has them, the percentiles (each >= 0, ascending). */
    private static MemoryProfile memoryProfile(CsvScanner s, Header h, String[] row, boolean percentiles)
            throws TraceFormatException {
        double mb = h.number(s, row, "AverageAllocatedMb");
        if (mb < 0) {
            throw s.failAt(h.column("AverageAllocatedMb") + 1, "negative memory " + mb);
        }
        if (!percentiles) {
            return MemoryProfile.constant(mb);
        }
        double[] p = new double[MEMORY_PERCENTILES.size()];
        for (int i = 0; i < p.length; i++) {
            String c = MEMORY_PERCENTILES.get(i);
            p[i] = h.number(s, row, c);
            if (p[i] < 0 || (i > 0 && p[i] < p[i - 1])) {
                throw s.failAt(h.column(c) + 1, c + " is " + p[i] + " but must be >= 0 and >= the percentile before"
                        + " it");
            }
        }
        return new MemoryProfile(mb, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    }

    /** Splits each application's memory evenly over its functions, skimming the invocation keys. */
    private static void splitOverFunctions(Map<String, MemoryProfile> perApp, Path invocations,
                                           Map<String, MemoryProfile> out) throws IOException {
        Map<String, List<String>> functions = new HashMap<>();
        try (CsvScanner s = CsvScanner.open(invocations)) {
            s.nextRow();
            s.field();
            s.skipLine();
            while (s.nextRow()) {
                String app = keyCell(s, "HashOwner") + ',' + keyCell(s, "HashApp");
                String function = keyCell(s, "HashFunction");
                s.skipLine();
                if (perApp.containsKey(app)) {
                    functions.computeIfAbsent(app, k -> new ArrayList<>()).add(function);
                }
            }
        }
        functions.forEach((app, fns) -> {
            MemoryProfile each = perApp.get(app).scaled(1.0 / fns.size());
            fns.forEach(f -> out.put(app + ',' + f, each));
        });
    }
}
