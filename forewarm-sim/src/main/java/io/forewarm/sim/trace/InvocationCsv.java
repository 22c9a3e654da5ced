package io.forewarm.sim.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Readers of per-invocation CSV files, one row per call, in any row order; columns are found by name in
 * the header, so they may come in any order.
 *
 * <ul>
 *   <li>{@code azure2021}: the Azure Functions Invocation Trace 2021 (Zhang et al., "Faster and Cheaper
 *   Serverless Computing on Harvested Resources", SOSP 2021): {@code app,func,end_timestamp,duration}, in
 *   seconds; the arrival is {@code end_timestamp - duration}. No memory.</li>
 *   <li>{@code csv}: the generic format {@code timestamp,function} plus optional {@code app} (defaults to
 *   the function), {@code owner}, {@code trigger} (default ""), {@code duration_ms} and {@code memory_mb}
 *   (per row; a function's rows are averaged). {@code timestamp} is seconds since the epoch (a decimal
 *   number) or an ISO-8601 instant such as {@code 2024-03-01T08:00:00.250Z}.</li>
 * </ul>
 * Arrivals are kept to the millisecond (rounded).
 */
final class InvocationCsv {

    /** Registry name of the Azure 2021 format. */
    static final String AZURE2021 = "azure2021";
    /** Registry name of the generic format. */
    static final String CSV = "csv";
    /** The exact header line the Azure 2021 trace ships with (used for detection). */
    static final String AZURE2021_HEADER = "app,func,end_timestamp,duration";

    private static final List<String> AZURE2021_COLUMNS = List.of("app", "func", "end_timestamp", "duration");
    private static final long MAX_MILLIS = Integer.MAX_VALUE * 60_000L;

    private InvocationCsv() {
    }

    /** Reads an Azure 2021 invocation file. */
    static Trace openAzure2021(Path file) throws IOException {
        ArrivalTrace.Builder b = new ArrivalTrace.Builder();
        try (CsvScanner s = CsvScanner.open(file)) {
            Header h = Header.read(s, AZURE2021_COLUMNS, AZURE2021_COLUMNS);
            while (s.nextRow()) {
                String[] row = s.row(h.width());
                String app = text(s, h, row, "app");
                String func = text(s, h, row, "func");
                double end = h.number(s, row, "end_timestamp");
                double duration = nonNegative(s, h, row, "duration");
                long arrival = millis(s, h, "end_timestamp", end - duration);
                b.add(new FunctionKey("", app, func, ""), arrival, duration * 1000, Double.NaN);
            }
            return build(s, b, AZURE2021 + " " + file,
                    "Azure Functions Invocation Trace 2021 (CC BY 4.0): Zhang et al., SOSP 2021");
        }
    }

    /** Reads a generic invocation CSV file. */
    static Trace openCsv(Path file) throws IOException {
        ArrivalTrace.Builder b = new ArrivalTrace.Builder();
        try (CsvScanner s = CsvScanner.open(file)) {
            // Columns beyond the known ones are ignored, so a history export (which adds cold, exit, limits
            // and more) replays as it is.
            Header h = Header.read(s, null, List.of("timestamp", "function"));
            while (s.nextRow()) {
                String[] row = s.row(h.width());
                String function = text(s, h, row, "function");
                String app = h.column("app") < 0 ? function : text(s, h, row, "app");
                String owner = h.column("owner") < 0 ? "" : row[h.column("owner")];
                String trigger = h.column("trigger") < 0 ? "" : row[h.column("trigger")];
                double duration = h.column("duration_ms") < 0 ? Double.NaN : nonNegative(s, h, row, "duration_ms");
                double memory = h.column("memory_mb") < 0 ? Double.NaN : nonNegative(s, h, row, "memory_mb");
                b.add(new FunctionKey(owner, app, function, trigger), timestamp(s, h, row), duration, memory);
            }
            return build(s, b, CSV + " " + file, "");
        }
    }

    private static Trace build(CsvScanner s, ArrivalTrace.Builder b, String description, String credit)
            throws TraceFormatException {
        if (b.isEmpty()) {
            throw new TraceFormatException(s.file(), s.line() + 1, 0, "no invocations: the file has only a header");
        }
        return b.build(description, credit);
    }

    private static long timestamp(CsvScanner s, Header h, String[] row) throws TraceFormatException {
        String cell = row[h.column("timestamp")].strip();
        if (cell.indexOf('T') > 0) {
            try {
                return millis(s, h, "timestamp", Instant.parse(cell).toEpochMilli() / 1000.0);
            } catch (DateTimeParseException e) {
                throw s.failAt(h.column("timestamp") + 1, "timestamp is not an ISO-8601 instant: '" + cell + "'");
            }
        }
        return millis(s, h, "timestamp", h.number(s, row, "timestamp"));
    }

    private static long millis(CsvScanner s, Header h, String column, double seconds) throws TraceFormatException {
        long ms = Math.round(seconds * 1000);
        if (Math.abs(ms) > MAX_MILLIS) {
            throw s.failAt(h.column(column) + 1, "time out of range: " + seconds + " s");
        }
        return ms;
    }

    private static String text(CsvScanner s, Header h, String[] row, String column) throws TraceFormatException {
        String v = row[h.column(column)];
        if (v.isBlank()) {
            throw s.failAt(h.column(column) + 1, "empty " + column);
        }
        return v;
    }

    private static double nonNegative(CsvScanner s, Header h, String[] row, String column)
            throws TraceFormatException {
        double v = h.number(s, row, column);
        if (v < 0) {
            throw s.failAt(h.column(column) + 1, "negative " + column + ": " + v);
        }
        return v;
    }
}
