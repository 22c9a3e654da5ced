package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes history as the simulator's generic CSV trace: the header
 * {@code timestamp,function,app,duration_ms,memory_mb} followed by extra columns the simulator may ignore,
 * one row per execution in arrival order, the timestamp in ISO-8601 (UTC). Forewarm has no application
 * grouping, so {@code app} repeats the function name. {@code memory_mb} is the measured peak; when the peak
 * is unknown it is the sandbox's memory limit (an upper bound) and {@code memory_measured} says so.
 */
public final class TraceCsvExport {

    /** The header line, without its line break. */
    public static final String HEADER = "timestamp,function,app,duration_ms,memory_mb,memory_measured,cold,"
            + "queue_ms,init_ms,cpu_ms,io_read_bytes,io_write_bytes,net_bytes,exit,limit_cpu,limit_memory_mb,"
            + "limit_raised";

    private TraceCsvExport() {
    }

    /** Writes the header and every record of {@code view} that arrived in {@code [from, to)}; returns the count. */
    public static long write(HistoryView view, Instant from, Instant to, Writer out) {
        Objects.requireNonNull(view, "history view");
        Objects.requireNonNull(out, "output");
        long[] rows = {0};
        try {
            out.write(HEADER);
            out.write('\n');
            view.forEach(from, to, r -> {
                try {
                    out.write(row(r));
                    out.write('\n');
                    rows[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the history export failed after " + rows[0] + " rows", e);
        }
        return rows[0];
    }

    /** One record as a CSV line, without its line break. */
    public static String row(ExecutionRecord r) {
        boolean measured = r.peakMemoryBytes() >= 0;
        double memoryMb = mb(measured ? r.peakMemoryBytes() : r.limits().memoryBytes());
        String name = quote(r.function());
        return String.join(",", r.arrival().toString(), name, name, Long.toString(r.runMillis()),
                decimal(memoryMb), Boolean.toString(measured), Boolean.toString(r.cold()),
                Long.toString(r.queueMillis()), Long.toString(r.initMillis()), known(r.cpuMillis()),
                known(r.ioReadBytes()), known(r.ioWriteBytes()), known(r.netBytes()), r.exit().label(),
                decimal(r.limits().cpuCores()), decimal(mb(r.limits().memoryBytes())),
                Boolean.toString(r.limitRaised()));
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static String decimal(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        // Trim trailing zeros so whole numbers read as "128" rather than "128.000000".
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String known(long v) {
        return v < 0 ? "" : Long.toString(v);
    }

    /** RFC 4180 quoting, only when the value needs it. */
    static String quote(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
