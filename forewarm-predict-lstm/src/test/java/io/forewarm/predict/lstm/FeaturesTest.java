package io.forewarm.predict.lstm;

import io.forewarm.predict.Cron;
import io.forewarm.predict.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FeaturesTest {

    private static final long MINUTE = 60_000;
    private static final int EVENT = 6;
    private static final int ACTIVITY = 7;

    /** The {@code lookback} minutes ending at {@code end}, one row per minute. */
    private static float[][] rows(UnitSignals s, int end, int lookback) {
        float[] x = new float[lookback * Features.PER_MINUTE];
        Features.encode(m -> false, s, end, lookback, x, 0);
        float[][] rows = new float[lookback][];
        for (int i = 0; i < lookback; i++) {
            rows[i] = java.util.Arrays.copyOfRange(x, i * Features.PER_MINUTE, (i + 1) * Features.PER_MINUTE);
        }
        return rows;
    }

    @Test
    void marksTheEventMinuteAndCountsDownToTheNextEventWithinTheHorizon() {
        Signals signals = new Signals();
        // Events at minutes 103 (twice in its minute: counted once) and 130; another unit's at 101.
        signals.schedule("u", new Signals.Times(new long[] {103 * MINUTE, 103 * MINUTE + 30_000, 130 * MINUTE}));
        signals.schedule("other", Signals.Schedule.once(101 * MINUTE));
        UnitSignals s = UnitSignals.of(signals, "u");
        assertThat(s.eventMinutes(0, 200)).containsExactly(103, 130);

        float[][] r = rows(s, 109, 10); // minutes 100..109
        assertThat(r[0][EVENT]).isZero();
        assertThat(r[1][EVENT]).as("the other unit's event is not this unit's").isZero();
        assertThat(r[3][EVENT]).isEqualTo(1f);
        assertThat(r[4][EVENT]).isZero();

        float[] ahead = new float[2 + 20];
        Features.ahead(s, 100, 20, ahead, 2); // minutes 101..120 from slot 2
        assertThat(ahead[2 + 2]).as("minute 103").isEqualTo(1f);
        assertThat(sum(ahead)).as("130 is beyond the horizon").isEqualTo(1f);
        java.util.Arrays.fill(ahead, 7f);
        Features.ahead(s, 110, 20, ahead, 2); // minutes 111..130: the stale 7s are overwritten
        assertThat(ahead[2 + 19]).as("minute 130, the horizon's last").isEqualTo(1f);
        assertThat(sum(ahead) - 7 - 7).isEqualTo(1f);
        for (float[] row : r) {
            assertThat(row[ACTIVITY]).as("no activity series: neutral").isZero();
        }
    }

    @Test
    void readsACronScheduleAndTheActivityFactorRelativeToItsMean() {
        Signals signals = new Signals();
        signals.put(Signals.Signal.scheduled("etl", List.of("u"), 0, Cron.parse("17 3,9,14 * * *")));
        // Ten-minute steps from minute 180: levels 1 and 3 (mean 2), so factors 0.5 and 1.5; 1 elsewhere.
        signals.activity("u", new Signals.Activity(180 * MINUTE, 10 * MINUTE, new double[] {1, 3}));
        UnitSignals s = UnitSignals.of(signals, "u");
        assertThat(s.eventMinutes(0, 1439)).containsExactly(197, 557, 857);
        assertThat(s.eventMinutes(1440, 1440 + 200)).containsExactly(1440 + 197);

        float[][] r = rows(s, 199, 30); // minutes 170..199
        assertThat(r[27][EVENT]).as("minute 197").isEqualTo(1f);
        float[] ahead = new float[60];
        Features.ahead(s, 170, 60, ahead, 0);
        assertThat(ahead[26]).as("minute 197 is 27 minutes after 170").isEqualTo(1f);
        assertThat(sum(ahead)).isEqualTo(1f);
        assertThat(r[9][ACTIVITY]).as("minute 179: before the series").isZero();
        assertThat(r[10][ACTIVITY]).isCloseTo(-0.5f, within(1e-6f));
        assertThat(r[20][ACTIVITY]).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void capsTheActivityFactor() {
        Signals signals = new Signals();
        signals.activity("u", new Signals.Activity(0, MINUTE, new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 10}));
        float[][] r = rows(UnitSignals.of(signals, "u"), 9, 10);
        assertThat(r[0][ACTIVITY]).isEqualTo(-1f);
        assertThat(r[9][ACTIVITY]).as("factor 10 read as the cap").isEqualTo((float) (Features.ACTIVITY_CAP - 1));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void withoutSignalsTheSignalInputsAreZeroAndTheRestUnchanged(long seed) {
        Random random = new Random(seed);
        java.util.BitSet active = new java.util.BitSet();
        for (int m = 0; m < 3000; m++) {
            active.set(m, random.nextInt(5) == 0);
        }
        int end = 1500 + random.nextInt(1400);
        Signals unrelated = new Signals(); // signals of another unit change nothing for this one
        unrelated.schedule("other", Signals.Schedule.every(0, MINUTE));
        for (UnitSignals none : new UnitSignals[] {UnitSignals.NONE, UnitSignals.of(unrelated, "u")}) {
            float[] x = new float[60 * Features.PER_MINUTE];
            Features.encode(active::get, none, end, 60, x, 0);
            float[] ahead = new float[60];
            Features.ahead(none, end, 60, ahead, 0);
            assertThat(ahead).containsOnly(0f);
            for (int i = 0; i < 60; i++) {
                int t = end - 59 + i;
                int o = i * Features.PER_MINUTE;
                assertThat(x[o]).isEqualTo(active.get(t) ? 1f : 0f);
                assertThat(x[o + 1]).isEqualTo(active.get(t - 1440) ? 1f : 0f);
                assertThat(x[o + 3]).isEqualTo((float) Math.cos(2 * Math.PI * (t % 1440) / 1440));
                assertThat(new float[] {x[o + EVENT], x[o + ACTIVITY]}).containsOnly(0f);
            }
        }
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }

    @Test
    void anEverySecondScheduleCostsOneEventPerMinute() {
        Signals signals = new Signals();
        signals.schedule("u", Signals.Schedule.every(10 * MINUTE, 1000));
        assertThat(UnitSignals.of(signals, "u").eventMinutes(8, 13)).containsExactly(10, 11, 12, 13);
    }
}
