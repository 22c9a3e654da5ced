package io.forewarm.sim;

import io.forewarm.predict.ArrivalHistory;
import io.forewarm.predict.Foresight;

/**
 * The minutes in which one unit had at least one invocation, as a bitset over the trace's horizon (2.5 KB
 * for 14 days, whatever the density), with the unit's memory. An application's timeline is the union of its
 * functions' timelines.
 */
public final class UnitTimeline implements ArrivalHistory {

    private final String id;
    private final int firstMinute;
    private final int minutes;
    private final long[] bits;
    private double memoryMb;
    private boolean memoryKnown;
    private int functions;

    /** An empty timeline over {@code minutes} minutes starting at {@code firstMinute}. */
    public UnitTimeline(String id, int firstMinute, int minutes) {
        this.id = id;
        this.firstMinute = firstMinute;
        this.minutes = minutes;
        this.bits = new long[(minutes + 63) >>> 6];
    }

    /** Adds one function's active minutes (trace numbering) and memory (NaN when unknown). */
    public void addFunction(int[] activeMinutes, double functionMemoryMb) {
        for (int m : activeMinutes) {
            int i = m - firstMinute;
            if (i < 0 || i >= minutes) {
                throw new IllegalArgumentException(id + ": minute " + m + " is outside the horizon "
                        + firstMinute + ".." + (firstMinute + minutes - 1));
            }
            bits[i >>> 6] |= 1L << i;
        }
        if (!Double.isNaN(functionMemoryMb)) {
            memoryMb += functionMemoryMb;
            memoryKnown = true;
        }
        functions++;
    }

    /** The unit's name. */
    @Override
    public String id() {
        return id;
    }

    /** Memory of the unit's sandbox in MB (the sum over its functions), or NaN when the trace has none. */
    public double memoryMb() {
        return memoryKnown ? memoryMb : Double.NaN;
    }

    /** How many functions the unit has. */
    public int functions() {
        return functions;
    }

    /** First minute of the horizon in the trace's numbering. */
    @Override
    public int firstMinute() {
        return firstMinute;
    }

    /** Minutes in the horizon. */
    @Override
    public int minutes() {
        return minutes;
    }

    /** The first active minute at or after {@code minute} (trace numbering), or -1 if none. */
    @Override
    public int nextActive(int minute) {
        int i = Math.max(0, minute - firstMinute);
        if (i >= minutes) {
            return -1;
        }
        int word = i >>> 6;
        long w = bits[word] & (-1L << i);
        while (true) {
            if (w != 0) {
                int found = (word << 6) + Long.numberOfTrailingZeros(w);
                return found < minutes ? found + firstMinute : -1;
            }
            if (++word == bits.length) {
                return -1;
            }
            w = bits[word];
        }
    }

    /** Whether the unit was active in {@code minute}. */
    @Override
    public boolean active(int minute) {
        int i = minute - firstMinute;
        return i >= 0 && i < minutes && (bits[i >>> 6] & (1L << i)) != 0;
    }

    /** The unit's future as the oracle sees it, in milliseconds of minute starts. */
    public Foresight foresight() {
        return afterMillis -> {
            int next = nextActive((int) Math.floorDiv(afterMillis, 60_000L) + 1);
            return next < 0 ? Long.MAX_VALUE : next * 60_000L;
        };
    }
}
