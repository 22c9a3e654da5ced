package io.forewarm.predict.lstm;

import io.forewarm.predict.ArrivalHistory;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SamplesTest {

    /** Fails the test if anything reads a minute at or after {@code until}. */
    private record Guarded(Series inner, int until) implements ArrivalHistory {
        @Override
        public String id() {
            return inner.id();
        }

        @Override
        public int firstMinute() {
            return inner.firstMinute();
        }

        @Override
        public int minutes() {
            return inner.minutes();
        }

        @Override
        public boolean active(int minute) {
            assertThat(minute).as("minute read").isLessThan(until);
            return inner.active(minute);
        }

        @Override
        public int nextActive(int minute) {
            return inner.nextActive(minute);
        }
    }

    @Test
    void neverReadsAMinuteAtOrAfterTheCutOff() {
        int until = 500;
        List<Guarded> units = List.of(new Guarded(Series.periodic("a", 1000, 3, 0), until),
                new Guarded(Series.of("b", 1000, m -> true), until));
        Samples s = Samples.draw(units, Integer.MIN_VALUE, until, 30, 20, 10_000, 1);
        // Every arrival m with m + 20 < 500 is a window: 160 of a's, 480 of b's.
        assertThat(s.count()).isEqualTo(160 + 480);
        assertThat(s.y()).hasSize(s.count() * 20);
        assertThat(s.x()).hasSize(s.count() * 30 * Features.PER_MINUTE);
    }

    @Test
    void windowsEndAtArrivalsAndAreLabelledWithTheNextMinutes() {
        Series u = Series.periodic("a", 200, 7, 3);
        Samples s = Samples.draw(List.of(u), 0, 200, 10, 7, 1, 9);
        assertThat(s.count()).isEqualTo(1);
        int last = (10 - 1) * Features.PER_MINUTE;
        assertThat(s.x()[last]).as("the window's last minute is an arrival").isEqualTo(1f);
        assertThat(s.y()).containsExactly(0, 0, 0, 0, 0, 0, 1);
        assertThat(s.baseRate()).isEqualTo(1.0 / 7);
    }

    @Test
    void theSameSeedDrawsTheSameWindowsAndAnotherSeedOthers() {
        List<Series> units = List.of(Series.of("a", 3000, m -> m % 5 == 0 || m % 7 == 0));
        Samples a = Samples.draw(units, 0, 3000, 20, 10, 100, 4);
        Samples b = Samples.draw(units, 0, 3000, 20, 10, 100, 4);
        Samples c = Samples.draw(units, 0, 3000, 20, 10, 100, 5);
        assertThat(a.x()).containsExactly(b.x());
        assertThat(a.x()).isNotEqualTo(c.x());
    }

    @Test
    void waterFillingGivesQuietUnitsAllTheyHaveAndSplitsTheRestEvenly() {
        assertThat(Samples.waterFill(new int[] {2, 100, 50, 0}, 90)).containsExactly(2, 44, 44, 0);
        assertThat(Samples.waterFill(new int[] {2, 3}, 90)).containsExactly(2, 3);
        int[] q = Samples.waterFill(new int[] {10, 10, 10}, 10);
        assertThat(q).containsExactly(3, 3, 4);
        assertThat(Arrays.stream(q).sum()).as("the whole budget is used").isEqualTo(10);
    }

    @Test
    void encodesTimeOfDayOnTheUnitCircleAndTheDayBefore() {
        float[] x = new float[2 * Features.PER_MINUTE];
        Features.encode(m -> m == 1440 || m == 1441 - 1440, UnitSignals.NONE, 1441, 2, x, 0);
        // minute 1440: arrival, nothing a day before, midnight
        assertThat(x[0]).isEqualTo(1f);
        assertThat(x[1]).isEqualTo(0f);
        assertThat(x[2]).isEqualTo(0f);
        assertThat(x[3]).isEqualTo(1f);
        // minute 1441: no arrival, one a day before
        assertThat(x[Features.PER_MINUTE]).isEqualTo(0f);
        assertThat(x[Features.PER_MINUTE + 1]).isEqualTo(1f);
    }
}
