package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;

import java.time.Instant;
import java.util.Objects;

/** Checks records before they are buffered and converts instants to the store's microsecond timestamps. */
final class Records {

    /** First instant a DuckDB TIMESTAMP holds: 0001-01-01T00:00:00Z. */
    static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    /** First instant past the last one a DuckDB TIMESTAMP holds: 10000-01-01T00:00:00Z. */
    static final Instant END = Instant.parse("+10000-01-01T00:00:00Z");

    private static final long MICROS_PER_MINUTE = 60_000_000L;

    private Records() {
    }

    /**
     * Rejects what {@link ExecutionRecord} itself lets through but the store cannot keep: measurements
     * below -1 ("unknown"), a blank function name, an arrival outside the timestamp range.
     */
    static ExecutionRecord validate(ExecutionRecord r) {
        Objects.requireNonNull(r, "execution record");
        if (r.function().isBlank()) {
            throw new IllegalArgumentException("execution record function name is blank");
        }
        if (r.arrival().isBefore(MIN) || !r.arrival().isBefore(END)) {
            throw new IllegalArgumentException("execution record arrival out of range [" + MIN + ", " + END
                    + "): " + r.arrival() + " for " + r.function());
        }
        unknownOrNonNegative("cpuMillis", r.cpuMillis(), r);
        unknownOrNonNegative("peakMemoryBytes", r.peakMemoryBytes(), r);
        unknownOrNonNegative("ioReadBytes", r.ioReadBytes(), r);
        unknownOrNonNegative("ioWriteBytes", r.ioWriteBytes(), r);
        unknownOrNonNegative("netBytes", r.netBytes(), r);
        return r;
    }

    private static void unknownOrNonNegative(String field, long value, ExecutionRecord r) {
        if (value < -1) {
            throw new IllegalArgumentException("execution record " + field + " must be >= 0 or -1 (unknown), got "
                    + value + " for " + r.function() + " at " + r.arrival());
        }
    }

    /** Microseconds since the epoch, exact for every instant {@link #validate} accepts (nanos truncated). */
    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    /** Microseconds since the epoch of a range bound, clamped to the timestamp range so any instant works. */
    static long boundMicros(Instant t) {
        Objects.requireNonNull(t, "range bound");
        if (t.isBefore(MIN)) {
            return micros(MIN);
        }
        return t.isBefore(END) ? micros(t) : micros(END);
    }

    /** The instant of {@code micros} microseconds since the epoch. */
    static Instant instant(long micros) {
        return Instant.EPOCH.plusNanos(Math.floorMod(micros, 1_000_000L) * 1_000L)
                .plusSeconds(Math.floorDiv(micros, 1_000_000L));
    }

    /** The epoch minute containing {@code micros}. */
    static long minuteOf(long micros) {
        return Math.floorDiv(micros, MICROS_PER_MINUTE);
    }

    /** The first epoch minute that starts at or after {@code micros}. */
    static long firstMinuteFrom(long micros) {
        return Math.ceilDiv(micros, MICROS_PER_MINUTE);
    }

    /** Checks a half-open range's bounds. */
    static void checkRange(Instant from, Instant to) {
        Objects.requireNonNull(from, "range start (from)");
        Objects.requireNonNull(to, "range end (to)");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("range end " + to + " is before its start " + from);
        }
    }
}
