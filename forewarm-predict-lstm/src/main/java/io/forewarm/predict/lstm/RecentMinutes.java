package io.forewarm.predict.lstm;

/**
 * Which of a unit's last {@code capacity} minutes had an arrival: a ring of bits, so the state stays a few
 * hundred bytes however busy the unit is. Minutes are recorded in non-decreasing order.
 */
final class RecentMinutes implements MinuteLog {

    private final int capacity;
    private final long[] bits;
    private int last = Integer.MIN_VALUE;

    /** Remembers the last {@code capacity} minutes (rounded up to a multiple of 64). */
    RecentMinutes(int capacity) {
        this.bits = new long[(capacity + 63) >>> 6];
        this.capacity = bits.length << 6;
    }

    /** Records an arrival in {@code minute}; fails if it is before the last one recorded. */
    @Override
    public void record(int minute) {
        if (minute < last) {
            throw new IllegalArgumentException("arrival at minute " + minute + " after one at minute " + last
                    + ": arrivals must come in time order");
        }
        if (last == Integer.MIN_VALUE || (long) minute - last >= capacity) {
            java.util.Arrays.fill(bits, 0);
        } else {
            for (int t = last + 1; t < minute; t++) { // the slots still hold minutes a ring ago
                int i = Math.floorMod(t, capacity);
                bits[i >>> 6] &= ~(1L << i);
            }
        }
        int i = Math.floorMod(minute, capacity);
        bits[i >>> 6] |= 1L << i;
        last = minute;
    }

    /** Whether {@code minute} had an arrival; false for minutes after the last record or beyond the memory. */
    @Override
    public boolean active(int minute) {
        if (last == Integer.MIN_VALUE || minute > last || (long) last - minute >= capacity) {
            return false;
        }
        int i = Math.floorMod(minute, capacity);
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    /** The last minute recorded, or {@link Integer#MIN_VALUE} before the first. */
    @Override
    public int last() {
        return last;
    }

    /** Minutes remembered. */
    int capacity() {
        return capacity;
    }

    /** Approximate heap bytes. */
    @Override
    public long bytes() {
        return 16 + 16 + 8L * bits.length + 8;
    }
}
