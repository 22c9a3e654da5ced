package io.forewarm.predict.lstm;

import io.forewarm.predict.ArrivalHistory;

import java.util.BitSet;
import java.util.function.IntPredicate;

/** A hand-made unit history for tests: minutes 0..minutes-1, active where {@code rule} says. */
record Series(String id, int minutes, BitSet bits) implements ArrivalHistory {

    static Series of(String id, int minutes, IntPredicate rule) {
        BitSet bits = new BitSet(minutes);
        for (int m = 0; m < minutes; m++) {
            if (rule.test(m)) {
                bits.set(m);
            }
        }
        return new Series(id, minutes, bits);
    }

    /** Active every {@code period} minutes from {@code phase}. */
    static Series periodic(String id, int minutes, int period, int phase) {
        return of(id, minutes, m -> m % period == phase);
    }

    @Override
    public int firstMinute() {
        return 0;
    }

    @Override
    public boolean active(int minute) {
        return minute >= 0 && minute < minutes && bits.get(minute);
    }

    @Override
    public int nextActive(int minute) {
        int next = bits.nextSetBit(Math.max(0, minute));
        return next < 0 || next >= minutes ? -1 : next;
    }
}
