package io.forewarm.predict;

import io.forewarm.core.Window;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignalsTest {

    private static final long MIN = 60_000;

    @Test
    void aRepeatingScheduleGivesItsNextOccurrenceAndOneOffsOnlyTheirTimes() {
        Signals.Schedule every15 = Signals.Schedule.every(1_000, 15_000);
        assertThat(every15.nextAfter(0)).isEqualTo(1_000);
        assertThat(every15.nextAfter(1_000)).isEqualTo(16_000);
        assertThat(every15.nextAfter(15_999)).isEqualTo(16_000);
        assertThat(every15.nextAfter(16_000)).isEqualTo(31_000);
        Signals.Schedule once = Signals.Schedule.once(5_000);
        assertThat(once.nextAfter(4_999)).isEqualTo(5_000);
        assertThat(once.nextAfter(5_000)).isEqualTo(Long.MAX_VALUE);
        Signals.Times times = new Signals.Times(new long[] {9_000, 3_000, 3_000});
        assertThat(times.nextAfter(0)).isEqualTo(3_000);
        assertThat(times.nextAfter(3_000)).isEqualTo(9_000);
        assertThat(times.nextAfter(9_000)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aFeedExpectsItsNextArrivalOneMedianIntervalAfterTheLast() {
        Feed none = Feed.inferred();
        assertThat(none.nextAfter(0)).isEqualTo(Long.MAX_VALUE);
        Feed one = none.observe(60 * MIN);
        assertThat(one.nextAfter(0)).as("one arrival has no interval yet").isEqualTo(Long.MAX_VALUE);
        // hourly, with one late delivery (at 3:20) that the median does not follow
        Feed hourly = one.observe(120 * MIN, 200 * MIN, 240 * MIN, 300 * MIN);
        assertThat(hourly.period()).isEqualTo(60 * MIN);
        assertThat(hourly.nextAfter(300 * MIN)).isEqualTo(360 * MIN);
        assertThat(hourly.nextAfter(370 * MIN)).as("late: the one after").isEqualTo(420 * MIN);
        Feed given = new Feed(30 * MIN, new long[] {10 * MIN});
        assertThat(given.nextAfter(0)).isEqualTo(40 * MIN);
        assertThatThrownBy(() -> hourly.observe(299 * MIN)).hasMessageContaining("before the last observed one");
        assertThatThrownBy(() -> new Feed(-1, new long[0])).hasMessageContaining("period");
        assertThatThrownBy(() -> Feed.inferred(5, 4)).hasMessageContaining("arrival 1 at 4 ms is before arrival 0");
        long[] many = new long[40];
        for (int i = 0; i < many.length; i++) {
            many[i] = i * MIN;
        }
        assertThat(Feed.inferred(many).arrivals()).hasSize(Feed.WINDOW).endsWith(39 * MIN);
    }

    @Test
    void theEarliestEventOfAUnitWinsWithItsSignalsLead() {
        Signals s = new Signals();
        s.put(Signals.Signal.scheduled("hourly", List.of("f", "g"), 5 * MIN, Signals.Schedule.every(0, 60 * MIN)));
        s.put(Signals.Signal.scheduled("once", List.of("f"), 0, Signals.Schedule.once(30 * MIN)));
        assertThat(s.next("f", 10 * MIN)).isEqualTo(new Signals.Event(30 * MIN, 0, "once"));
        assertThat(s.next("f", 30 * MIN)).isEqualTo(new Signals.Event(60 * MIN, 5 * MIN, "hourly"));
        assertThat(s.next("g", 10 * MIN)).isEqualTo(new Signals.Event(60 * MIN, 5 * MIN, "hourly"));
        assertThat(s.next("h", 0)).isNull();
        assertThat(s.nextEvent("h", 0)).isEqualTo(Long.MAX_VALUE);
        assertThat(s.of("g")).extracting(Signals.Signal::name).containsExactly("hourly");
        assertThat(s.remove("once")).isTrue();
        assertThat(s.remove("once")).isFalse();
        assertThat(s.nextEvent("f", 10 * MIN)).isEqualTo(60 * MIN);
    }

    @Test
    void updatesReplaceASignalUnderItsName() {
        Signals s = new Signals();
        s.put(Signals.Signal.scheduled("feed", List.of("f"), 0, Feed.inferred(0, 10 * MIN)));
        assertThat(s.update("feed", sig -> Signals.Signal.scheduled("feed", sig.units(), 0,
                ((Feed) sig.schedule()).observe(20 * MIN)))).isTrue();
        assertThat(s.nextEvent("f", 20 * MIN)).isEqualTo(30 * MIN);
        assertThat(s.update("missing", sig -> sig)).isFalse();
        assertThatThrownBy(() -> s.update("feed", sig -> Signals.Signal.scheduled("other", sig.units(), 0,
                sig.schedule()))).hasMessageContaining("cannot rename");
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
        s.activity("f", new Signals.Activity(0, 1_000, new double[] {1, 3}).append(new double[] {2, 2}));
        assertThat(s.activityFactor("f", 2_500)).isEqualTo(1);
        assertThat(s.activityFactor("f", 1_500)).isEqualTo(1.5);
    }

    @Test
    void badSignalsFailNamingWhatIsWrongAndTheSharedEmptyOneStaysEmpty() {
        assertThatThrownBy(() -> Signals.Schedule.every(0, 0)).hasMessageContaining("period");
        assertThatThrownBy(() -> new Signals.Times(new long[0])).hasMessageContaining("no times");
        assertThatThrownBy(() -> new Signals.Activity(0, 0, new double[] {1})).hasMessageContaining("step");
        assertThatThrownBy(() -> new Signals.Activity(0, 1, new double[] {1, -2}))
                .hasMessageContaining("level 1 is -2.0");
        assertThatThrownBy(() -> Signals.Signal.scheduled("x", List.of(), 0, Signals.Schedule.once(1)))
                .hasMessageContaining("signal 'x' applies to no unit");
        assertThatThrownBy(() -> Signals.Signal.scheduled("x", List.of("f"), -1, Signals.Schedule.once(1)))
                .hasMessageContaining("lead must be >= 0");
        assertThatThrownBy(() -> Signals.NONE.schedule("f", Signals.Schedule.once(1)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(Signals.NONE.isEmpty()).isTrue();
    }

    @Test
    void aSignalWindowPrewarmsForAnEventOnceTheStandingWindowEnds() {
        Signals s = new Signals();
        s.put(Signals.Signal.scheduled("job", List.of("f"), 3 * MIN, Signals.Schedule.once(100 * MIN)));
        SignalWindow w = new SignalWindow(s, "f", MIN, MIN);
        // keep-alive of 10 minutes after an arrival at 0: it ends long before the event's lead; no idling through
        assertThat(w.onWindow(0, Window.keepAliveMinutes(10))).isEqualTo(Window.keepAliveMinutes(10));
        assertThat(w.onSchedule(5 * MIN)).isNull();
        // once it ended: unloaded until 97, loaded to 101 (3 minutes' lead, 1 after)
        assertThat(w.onSchedule(11 * MIN)).isEqualTo(Window.ofMinutes(86, 4));
        assertThat(w.onSchedule(50 * MIN)).as("covered now").isNull();
        // an arrival at 95 with a 3-minute keep-alive touches the event: widened to 101
        assertThat(w.onWindow(95 * MIN, Window.keepAliveMinutes(3))).isEqualTo(Window.keepAliveMinutes(6));
        // no further event: nothing to do
        assertThat(w.onSchedule(102 * MIN)).isNull();
    }

    @Test
    void aUnitWithoutArrivalsIsPrewarmedForItsEvents() {
        Signals s = new Signals();
        s.put(Signals.Signal.scheduled("cron", List.of("f"), 0, Cron.parse("0 * * * *")));
        SignalWindow w = new SignalWindow(s, "f", MIN, 2 * MIN);
        assertThat(w.onSchedule(10 * MIN)).isEqualTo(Window.ofMinutes(49, 3));
        assertThat(w.onSchedule(30 * MIN)).isNull();
        // after the event's window: the next hour's
        assertThat(w.onSchedule(63 * MIN)).isEqualTo(Window.ofMinutes(56, 3));
        assertThat(new SignalWindow(Signals.NONE, "f", MIN, MIN).onSchedule(0)).isNull();
    }
}
