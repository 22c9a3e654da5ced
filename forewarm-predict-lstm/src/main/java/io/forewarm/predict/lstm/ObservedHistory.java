package io.forewarm.predict.lstm;

import io.forewarm.predict.ArrivalHistory;

/**
 * Every minute with an arrival that the {@code lstm} policy has seen for one unit since its first, as a
 * growing bitset (2.5 KB for 14 days): the training data when the policy retrains in virtual time. It
 * only ever holds the past, so a model trained on it cannot peek.
 */
final class ObservedHistory implements ArrivalHistory, MinuteLog {

    private final String id;
    private int first = Integer.MIN_VALUE;
    private int last = Integer.MIN_VALUE;
    private long[] bits = new long[4];

    ObservedHistory(String id) {
        this.id = id;
    }

    @Override
    public void record(int minute) {
        if (minute < last) {
            throw new IllegalArgumentException("arrival at minute " + minute + " after one at minute " + last
                    + ": arrivals must come in time order");
        }
        if (first == Integer.MIN_VALUE) {
            first = minute;
        }
        int i = minute - first;
        if ((i >>> 6) >= bits.length) {
            bits = java.util.Arrays.copyOf(bits, Math.max(2 * bits.length, (i >>> 6) + 1));
        }
        bits[i >>> 6] |= 1L << i;
        last = minute;
    }

    @Override
    public boolean active(int minute) {
        if (first == Integer.MIN_VALUE || minute < first || minute > last) {
            return false;
        }
        int i = minute - first;
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    @Override
    public int last() {
        return last;
    }

    @Override
    public long bytes() {
        return 16 + 8 + 8 + 16 + 8L * bits.length;
    }

    /**
     * This history as known at {@code minute}: the horizon reaches to just before it, so the quiet minutes
     * after the last arrival count as observed quiet, not as unknown.
     */
    ArrivalHistory until(int minute) {
        ObservedHistory self = this;
        return new ArrivalHistory() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public int firstMinute() {
                return self.firstMinute();
            }

            @Override
            public int minutes() {
                return first == Integer.MIN_VALUE ? 0 : Math.max(0, minute - first);
            }

            @Override
            public boolean active(int m) {
                return m < minute && self.active(m);
            }

            @Override
            public int nextActive(int m) {
                int next = self.nextActive(m);
                return next >= minute ? -1 : next;
            }
        };
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int firstMinute() {
        return first == Integer.MIN_VALUE ? 0 : first;
    }

    @Override
    public int minutes() {
        return first == Integer.MIN_VALUE ? 0 : last - first + 1;
    }

    @Override
    public int nextActive(int minute) {
        if (first == Integer.MIN_VALUE || minute > last) {
            return -1;
        }
        int i = Math.max(0, minute - first);
        int word = i >>> 6;
        int words = ((last - first) >>> 6) + 1;
        long w = bits[word] & (-1L << i);
        while (true) {
            if (w != 0) {
                return first + (word << 6) + Long.numberOfTrailingZeros(w);
            }
            if (++word == words) {
                return -1;
            }
            w = bits[word];
        }
    }
}
