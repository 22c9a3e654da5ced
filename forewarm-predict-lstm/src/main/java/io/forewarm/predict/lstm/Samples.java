package io.forewarm.predict.lstm;

import io.forewarm.predict.ArrivalHistory;
import io.forewarm.predict.Signals;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Training or test windows drawn across units: each ends at an arrival (the only moments the policy asks
 * for a forecast) and is labelled with the arrivals of the following {@code horizon} minutes, all of which
 * lie before the cut-off. Units are balanced: the budget is water-filled so a busy unit cannot crowd out
 * the quiet ones, and each unit's share is a uniform reservoir sample of its arrivals. Each window's input
 * includes the unit's external signals ({@link Features}), read by the unit's {@link ArrivalHistory#id()}.
 *
 * @param count    windows drawn
 * @param lookback minutes per window
 * @param horizon  labelled minutes per window
 * @param x        inputs, {@code count * lookback * Features.PER_MINUTE}
 * @param ahead    scheduled events over each window's horizon ({@link Features#ahead}), {@code count * horizon}
 * @param y        labels, {@code count * horizon}
 */
record Samples(int count, int lookback, int horizon, float[] x, float[] ahead, float[] y) {

    /**
     * Draws at most {@code max} windows ending in {@code [fromMinute, untilMinute - horizon)}, so every label
     * is before {@code untilMinute}; the same arguments and seed give the same windows.
     */
    static Samples draw(List<? extends ArrivalHistory> units, int fromMinute, int untilMinute, int lookback,
                        int horizon, int max, long seed) {
        return draw(units, Signals.NONE, fromMinute, untilMinute, lookback, horizon, max, seed);
    }

    /** As {@link #draw(List, int, int, int, int, int, long)}, with the units' external {@code signals} as input. */
    static Samples draw(List<? extends ArrivalHistory> units, Signals signals, int fromMinute, int untilMinute,
                        int lookback, int horizon, int max, long seed) {
        int n = units.size();
        int[] eligible = new int[n];
        for (int i = 0; i < n; i++) {
            ArrivalHistory u = units.get(i);
            int end = lastEnd(u, untilMinute, horizon);
            for (int m = u.nextActive(Math.max(fromMinute, u.firstMinute())); m >= 0 && m < end;
                 m = u.nextActive(m + 1)) {
                eligible[i]++;
            }
        }
        int[] quota = waterFill(eligible, max);
        int total = Arrays.stream(quota).sum();
        float[] x = new float[total * lookback * Features.PER_MINUTE];
        float[] ahead = new float[total * horizon];
        float[] y = new float[total * horizon];
        Random random = new Random(seed);
        int row = 0;
        for (int i = 0; i < n; i++) {
            if (quota[i] == 0) {
                continue;
            }
            ArrivalHistory u = units.get(i);
            int[] picked = reservoir(u, fromMinute, lastEnd(u, untilMinute, horizon), quota[i], random);
            UnitSignals own = UnitSignals.of(signals, u.id());
            for (int m : picked) {
                Features.encode(u::active, own, m, lookback, x, row * lookback * Features.PER_MINUTE);
                Features.ahead(own, m, horizon, ahead, row * horizon);
                Features.targets(u::active, m, horizon, y, row * horizon);
                row++;
            }
        }
        return new Samples(total, lookback, horizon, x, ahead, y);
    }

    /** Mean label over all windows and minutes: the base rate a constant forecast would predict. */
    double baseRate() {
        double sum = 0;
        for (float v : y) {
            sum += v;
        }
        return y.length == 0 ? 0 : sum / y.length;
    }

    private static int lastEnd(ArrivalHistory u, int untilMinute, int horizon) {
        long end = Math.min((long) untilMinute, (long) u.firstMinute() + u.minutes()) - horizon;
        return (int) Math.max(Integer.MIN_VALUE, end);
    }

    /** Splits {@code max} over units, none getting more than it has, the rest shared evenly. */
    static int[] waterFill(int[] available, int max) {
        Integer[] order = new Integer[available.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Integer.compare(available[a], available[b]));
        int[] quota = new int[available.length];
        long left = max;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            long share = left / (order.length - k);
            quota[i] = (int) Math.min(available[i], share);
            left -= quota[i];
        }
        return quota;
    }

    /** A uniform sample of {@code size} active minutes of {@code u} in {@code [from, end)} (Algorithm R). */
    private static int[] reservoir(ArrivalHistory u, int from, int end, int size, Random random) {
        int[] picked = new int[size];
        int seen = 0;
        for (int m = u.nextActive(Math.max(from, u.firstMinute())); m >= 0 && m < end; m = u.nextActive(m + 1)) {
            if (seen < size) {
                picked[seen] = m;
            } else {
                int j = random.nextInt(seen + 1);
                if (j < size) {
                    picked[j] = m;
                }
            }
            seen++;
        }
        Arrays.sort(picked);
        return picked;
    }
}
