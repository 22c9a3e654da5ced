package io.forewarm.predict;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignalsTest {

    @Test
    void aRepeatingScheduleGivesItsNextOccurrenceAndAOneOffOnlyItsTime() {
        Signals.Schedule every15 = new Signals.Schedule(1_000, 15_000);
        assertThat(every15.nextAfter(0)).isEqualTo(1_000);
        assertThat(every15.nextAfter(1_000)).isEqualTo(16_000);
        assertThat(every15.nextAfter(15_999)).isEqualTo(16_000);
        assertThat(every15.nextAfter(16_000)).isEqualTo(31_000);
        Signals.Schedule once = Signals.Schedule.once(5_000);
        assertThat(once.nextAfter(4_999)).isEqualTo(5_000);
        assertThat(once.nextAfter(5_000)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theEarliestScheduleOfAUnitWins() {
        Signals s = new Signals();
        s.schedule("f", new Signals.Schedule(0, 60_000));
        s.schedule("f", Signals.Schedule.once(30_000));
        assertThat(s.nextEvent("f", 10_000)).isEqualTo(30_000);
        assertThat(s.nextEvent("f", 30_000)).isEqualTo(60_000);
        assertThat(s.nextEvent("g", 0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void activityIsRelativeToItsMeanAndNeutralOutsideTheSeries() {
        Signals s = new Signals();
        s.activity("f", new Signals.Activity(0, 1_000, new double[] {1, 3}));
        assertThat(s.activityFactor("f", 500)).isEqualTo(0.5);
        assertThat(s.activityFactor("f", 1_500)).isEqualTo(1.5);
        assertThat(s.activityFactor("f", 2_000)).isEqualTo(1);
        assertThat(s.activityFactor("g", 500)).isEqualTo(1);
        assertThat(s.isEmpty()).isFalse();
    }

    @Test
    void badSignalsFailNamingWhatIsWrongAndTheSharedEmptyOneStaysEmpty() {
        assertThatThrownBy(() -> new Signals.Schedule(0, -1)).hasMessageContaining("period");
        assertThatThrownBy(() -> new Signals.Activity(0, 0, new double[] {1})).hasMessageContaining("step");
        assertThatThrownBy(() -> new Signals.Activity(0, 1, new double[] {1, -2}))
                .hasMessageContaining("level 1 is -2.0");
        assertThatThrownBy(() -> Signals.NONE.schedule("f", Signals.Schedule.once(1)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(Signals.NONE.isEmpty()).isTrue();
    }
}
