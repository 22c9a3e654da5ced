package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.UnitPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static io.forewarm.predict.policy.Timelines.MIN;
import static io.forewarm.predict.policy.Timelines.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The daily shape times a level per day of the week, and the priced seasonal model that uses it. */
class DailyShapeTest {

    /** A diurnal chance per minute: {@code mean x (1 + 0.8 cos)}, peaking at 14:00, times {@code weekend} on days 5, 6. */
    private static double chance(long minute, double mean, double weekend) {
        double q = mean * (1 + 0.8 * Math.cos(2 * Math.PI * (minute % 1440 - 840) / 1440));
        return minute / 1440 % 7 >= 5 ? q * weekend : q;
    }

    /** Folds {@code days} days of hours whose minutes are active at random with {@link #chance}. */
    private static DailyShape learn(int days, double mean, double weekend, long seed) {
        Random rnd = new Random(seed);
        DailyShape shape = new DailyShape(2, 7, 2);
        for (long h = 0; h < days * 24L; h++) {
            int active = 0;
            for (long m = h * 60; m < h * 60 + 60; m++) {
                active += rnd.nextDouble() < chance(m, mean, weekend) ? 1 : 0;
            }
            shape.close(h, active);
        }
        return shape;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void twoWeeksOfCallsGiveTheDaysShapeAndTheWeekendsLevel(long seed) {
        // Chance 0.1 x (1 + 0.8 cos) on weekdays, a fifth of it at weekends. After two weeks (days 0..13, day 14
        // a Monday again) the smooth shape is within a few points of the truth at its peak and trough, on a
        // weekday and at the weekend, though each hour of the week was seen only twice.
        DailyShape shape = learn(14, 0.1, 0.2, seed);
        long monday = 14 * 24;
        long saturday = 19 * 24;
        assertThat(shape.minuteProbability(monday + 14)).isCloseTo(chance((monday + 14) * 60 + 30, 0.1, 0.2),
                within(0.02));
        assertThat(shape.minuteProbability(monday + 2)).isCloseTo(chance((monday + 2) * 60 + 30, 0.1, 0.2),
                within(0.01));
        assertThat(shape.minuteProbability(saturday + 14)).isCloseTo(chance((saturday + 14) * 60 + 30, 0.1, 0.2),
                within(0.01));
    }

    @Test
    void beforeAWholeDayTheShapeIsFlatAtTheMeanOfTheHoursSeen() {
        // Hours not seen yet would read as idle; until a day is seen every hour gets the mean of those seen.
        DailyShape shape = new DailyShape(2, 7, 2);
        shape.close(9, 30);
        shape.close(10, 6);
        assertThat(shape.minuteProbability(11)).isCloseTo(0.3, within(1e-6));
        assertThat(shape.minuteProbability(3)).isCloseTo(0.3, within(1e-6));
    }

    @Test
    void thePricedModelKeepsTheBusyHoursAndPrewarmsForTheNextDay() {
        // Calls at random at the diurnal chance (mean 0.05) on every day for two weeks, from a 128 MB unit at
        // cold=4: a cold start is worth 32 idle minutes, so a minute is worth loading where q x 32 >= 1 - q, that
        // is q >= 0.03, from about 06:00 to 22:00 (the chance peaks at 0.09 at 14:00 and dips to 0.01 at 02:00).
        Random rnd = new Random(5);
        UnitPolicy u = unit("seasonal:cold=4,harmonics=2");
        for (long m = 0; m < 14 * 1440; m++) {
            if (rnd.nextDouble() < chance(m, 0.05, 1)) {
                u.onArrival(m * MIN);
            }
        }
        // At 12:00 on day 14: kept on to the evening's hour where q falls under the line.
        Window noon = u.onArrival((14 * 1440 + 720) * MIN);
        assertThat(noon.prewarmMillis()).isZero();
        assertThat(noon.loadUntilMillis() / MIN).isBetween(9 * 60L, 11 * 60L);
        // At 23:00: nothing until the morning's hour where it rises above, then loaded through the day.
        Window night = u.onArrival((14 * 1440 + 23 * 60) * MIN);
        assertThat(night.prewarmMillis() / MIN).isBetween(6 * 60L, 8 * 60L);
        assertThat(night.loadUntilMillis() - night.prewarmMillis()).isGreaterThan(14 * 60 * MIN);
        u.verify();
    }

    @Test
    void thePricedModelHasNoOpinionBeforeItHasSeenADay() {
        // A unit busy in every minute for 20 hours: no window yet (the backtest of auto then passes it over).
        UnitPolicy u = unit("seasonal:cold=8,harmonics=2");
        Window w = null;
        for (long m = 0; m < 20 * 60; m++) {
            w = u.onArrival(m * MIN);
        }
        assertThat(w).isEqualTo(Window.NONE);
        assertThat(((NextCall) u).nextCall(new double[10], 1)).isFalse();
        for (long m = 20 * 60; m < 26 * 60; m++) {
            w = u.onArrival(m * MIN);
        }
        assertThat(w.prewarmMillis()).isZero();
        assertThat(w.isWarmAfter(60 * MIN)).isTrue();
    }
}
