package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.Signals;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.forewarm.predict.policy.Timelines.MIN;
import static io.forewarm.predict.policy.Timelines.feed;
import static io.forewarm.predict.policy.Timelines.unit;
import static org.assertj.core.api.Assertions.assertThat;

/** Hand-worked timelines per model: the working is in the comments. Times are minutes unless said. */
class ModelTimelinesTest {

    /**
     * The window a per-minute model (tradeoff) issues for an arrival at a whole minute: loaded in the clock
     * minutes P..P+K, so to the last millisecond of minute P+K.
     */
    private static Window clockMinutes(long prewarm, long keepAlive) {
        return new Window(prewarm * MIN, (keepAlive + 1) * MIN - 1);
    }

    @Test
    void periodicLoadsExactlyAtTheNextTickOfAFifteenMinuteTimerDespiteAMissedTick() {
        // Ticks at 0, 15, 30, 45, (60 missed), 75, 90. ITs: 15, 15, 15, 30, 15.
        // After 45 three ITs are 15: the period is 15 with no jitter; the sandbox loads at +15 for that minute.
        // Before that (fewer than three ITs of 15) the fallback keep-alive of 10 minutes stands.
        // After 75 the IT of 30 is two periods (a missed tick): the period holds, and 90 is predicted.
        List<Window> w = feed(unit("periodic:cycle=0"), 0, 15, 30, 45, 75, 90);
        assertThat(w.subList(0, 3)).containsOnly(Window.keepAliveMinutes(10));
        assertThat(w.subList(3, 6)).containsOnly(Window.ofMinutes(15, 0));
        // The tick at 90 was warm under the window after 75? No: it was issued for 75 + 15 = 90. Yes.
        assertThat(w.get(4).isWarmAfter(15 * MIN)).isTrue();
    }

    @Test
    void periodicFindsADailyJobAtAFixedTime() {
        // A job at 03:00 every day for six days: ITs of 1440 minutes; loaded only for that minute.
        long[] days = new long[6];
        for (int d = 0; d < days.length; d++) {
            days[d] = d * 1440L + 180;
        }
        List<Window> w = feed(unit("periodic"), days);
        assertThat(w.getLast()).isEqualTo(Window.ofMinutes(1440, 0));
    }

    @Test
    void periodicLeadCoversTheColdStartTime() {
        // Same 10-minute timer, but a cold start takes 30 s: load 30 s before the tick, release 30 s after.
        UnitPolicy u = Policies.create("periodic").newUnit(UnitProfile.of("u", 128, 30_000));
        Window last = feed(u, 0, 10, 20, 30, 40).getLast();
        assertThat(last).isEqualTo(new Window(10 * MIN - 30_000, 60_000));
    }

    @Test
    void periodicFollowsThePhaseOfTwoInterleavedTimersWithinTheHour() {
        // Timer A every 20 minutes at :00, :20, :40; timer B every 30 at :07, :37. Their union has ITs 7, 13,
        // 17, 3, 20 in turn: no single period. After 4 hours each of those minutes has share 1 - 0.75^4 = 0.68
        // >= 0.5, the others 0. After the arrival at 4:00 the next active minute of the hour is :07.
        UnitPolicy u = unit("periodic");
        List<Long> minutes = new ArrayList<>();
        for (long m = 0; m <= 240; m++) {
            long inHour = m % 60;
            if (inHour % 20 == 0 || inHour == 7 || inHour == 37) {
                minutes.add(m);
            }
        }
        List<Window> w = feed(u, minutes.stream().mapToLong(Long::longValue).toArray());
        assertThat(w.getLast()).isEqualTo(clockMinutes(7, 0));
        assertThat(u.onArrival(247 * MIN)).isEqualTo(clockMinutes(13, 0)); // :07 -> :20
        // The same minute from a call 30 s into 4:20 (a second call of that minute): :37 is 17 minutes on, and
        // the window still covers the whole of it.
        assertThat(u.onArrival(260 * MIN + 30_000)).isEqualTo(new Window(17 * MIN - 30_000, MIN - 1));
    }

    @Test
    void aWindowFromTheNextClockMinuteIsAKeepAlive() {
        // P = 1 loads from the minute after the arrival's own; the rest of the arrival's minute is its event's,
        // so the sandbox is kept from the arrival on rather than released and started again seconds later.
        assertThat(IdleWindows.onClock(Window.ofMinutes(1, 5), 10 * MIN + 45_000))
                .isEqualTo(new Window(0, 7 * MIN - 45_000 - 1));
        assertThat(IdleWindows.onClock(Window.ofMinutes(2, 5), 10 * MIN + 45_000))
                .isEqualTo(new Window(2 * MIN - 45_000, 6 * MIN - 1));
    }

    @Test
    void periodicFallsBackToAKeepAliveWithoutAPeriod() {
        Random rnd = new Random(3);
        UnitPolicy u = unit("periodic:fallback=5,cycle=0");
        long t = 0;
        Window w = null;
        for (int i = 0; i < 50; i++) {
            t += 1 + rnd.nextInt(40);
            w = u.onArrival(t * MIN);
        }
        assertThat(w).isEqualTo(Window.keepAliveMinutes(5));
    }

    @Test
    void seasonalKeepsADiurnalUnitWarmThroughItsBusyHoursAndPrewarmsForTheNextDay() {
        // Busy every minute 09:00-16:59 for 14 days (epoch minute 0 is 00:00; days are 1440 minutes).
        UnitPolicy u = unit("seasonal");
        for (int d = 0; d < 14; d++) {
            for (int m = 9 * 60; m < 17 * 60; m++) {
                u.onArrival((d * 1440L + m) * MIN);
            }
        }
        // At 12:00 on day 14: hours 12..16 are likely, 17 is not: keep alive to 17:00, 300 minutes.
        assertThat(u.onArrival((14 * 1440L + 720) * MIN)).isEqualTo(Window.keepAliveMinutes(300));
        // A stray call at 20:00: nothing likely until 09:00 the next day (13 hours), then 8 busy hours.
        assertThat(u.onArrival((14 * 1440L + 1200) * MIN)).isEqualTo(Window.ofMinutes(13 * 60, 8 * 60));
        u.verify();
    }

    @Test
    void seasonalDoesNotKeepARareUnitWarmAllDay() {
        // Three calls a day at random minutes for 14 days: each hour's share is at most 1/60 and mostly 0,
        // so an arrival in the next 10 minutes is never likely (< 0.5): no window at all.
        Random rnd = new Random(7);
        UnitPolicy u = unit("seasonal");
        Window w = null;
        for (int d = 0; d < 14; d++) {
            int[] at = {rnd.nextInt(480), 480 + rnd.nextInt(480), 960 + rnd.nextInt(480)};
            for (int m : at) {
                w = u.onArrival((d * 1440L + m) * MIN);
            }
        }
        assertThat(w).isEqualTo(Window.NONE);
        u.verify();
    }

    @Test
    void seasonalPrewarmsForAScheduledSignal() {
        // A rare unit with a registered data-feed arrival at minute 500: load from 499 to 501.
        Signals signals = new Signals();
        signals.schedule("u", Signals.Schedule.once(500 * MIN));
        Policy p = Policies.create("seasonal", signals);
        UnitPolicy u = p.newUnit(UnitProfile.of("u", 128, 0));
        assertThat(u.onArrival(100 * MIN)).isEqualTo(Window.ofMinutes(399, 2));
        // Another unit has no signal.
        assertThat(p.newUnit(UnitProfile.of("v", 128, 0)).onArrival(100 * MIN)).isEqualTo(Window.NONE);
    }

    @Test
    void chainLearnsThatBFollowsAAfterTwoMinutesAndPrewarmsB() {
        // A runs every 30 minutes (a gap arrival each time); B runs 2 minutes after each. After min=3 hits, each
        // explaining all of B's gap arrivals, A gets B as a follower; A's next arrival makes B load at +2.
        Policy chain = Policies.create("chain");
        UnitPolicy a = chain.newUnit(UnitProfile.of("a", 128, 0));
        UnitPolicy b = chain.newUnit(UnitProfile.of("b", 128, 0));
        for (long t = 0; t < 3 * 30; t += 30) {
            a.onArrival(t * MIN);
            assertThat(chain.affectedBy(a, t * MIN)).isEmpty();
            b.onArrival((t + 2) * MIN);
        }
        a.onArrival(90 * MIN);
        assertThat(chain.affectedBy(a, 90 * MIN)).containsExactly(b);
        assertThat(b.reconsider(90 * MIN)).isEqualTo(Window.ofMinutes(2, 1));
        assertThat(b.reconsider(90 * MIN)).as("a trigger is used once").isNull();
        assertThat(chain.crossUnit()).isTrue();
        a.verify();
        b.verify();
    }

    @Test
    void tradeoffPicksTheCheapestWindowOverTheIdleTimes() {
        // ITs 1, 1, 1, 10. Price 5 minutes: keep 1 costs one cold (5) + 1 idle minute (the IT of 10) = 6;
        // keep 10 costs 9 idle minutes; none costs 20; pre-warm [10, 10] costs 3 colds = 15. Keep 1 wins.
        assertThat(IdleWindows.cheapest(new double[] {10, 1, 1, 1}, 4, 5)).isEqualTo(Window.keepAliveMinutes(1));
        // Price 20: keep 1 costs 21, keep 10 still 9.
        assertThat(IdleWindows.cheapest(new double[] {10, 1, 1, 1}, 4, 20)).isEqualTo(Window.keepAliveMinutes(10));
        // ITs 30, 30, 31, 60 at price 50: pre-warm [30, 31] costs one cold and 0 + 0 + 1 + 2 idle = 53; keep 31
        // costs 50 + 29 + 29 + 30 + 31 = 169; [30, 60] costs 0 + 0 + 1 + 30 = 31. [30, 60] wins.
        assertThat(IdleWindows.cheapest(new double[] {30, 30, 31, 60}, 4, 50)).isEqualTo(Window.ofMinutes(30, 30));
        // The cost of one window against one IT, in the paper model's terms.
        assertThat(IdleWindows.cost(Window.ofMinutes(30, 30), 0, 45 * MIN, 50)).isEqualTo(15);
        assertThat(IdleWindows.cost(Window.ofMinutes(30, 30), 0, 70 * MIN, 50)).isEqualTo(50 + 31);
        assertThat(IdleWindows.cost(Window.keepAliveMinutes(10), 0, 5 * MIN, 50)).isEqualTo(4);
    }

    @Test
    void tradeoffStartsWithTheSkiRentalKeepAliveThenFitsTheIdleTimes() {
        // 128 MB at cold=2 GB-minutes: a cold start is worth 16 idle minutes; rent=0.5 keeps a new unit 8.
        UnitPolicy u = unit("tradeoff:cold=2,rent=0.5,prior=0");
        List<Window> w = feed(u, 0, 5, 10, 15, 20, 25);
        assertThat(w.subList(0, 4)).containsOnly(clockMinutes(0, 8));
        // Four ITs of 5: the pre-warm [5, 5] costs nothing.
        assertThat(w.get(4)).isEqualTo(clockMinutes(5, 0));
    }

    @Test
    void tradeoffWidensByTheMarginAndReachesTheTailWhenColdStartsAreDear() {
        // Five ITs of 10 at price 16 (cold=2, 128 MB). Without the prior the pre-warm [10, 10] is free.
        // margin=0.2: [10 * 0.8, 10 * 1.2] = [8, 12].
        assertThat(feed(unit("tradeoff:cold=2,prior=0,margin=0.2"), 0, 10, 20, 30, 40, 50).getLast())
                .isEqualTo(clockMinutes(8, 4));
        // With one pseudo IT of 240: covering it costs 230 idle minutes against a price of 16: not worth it.
        assertThat(feed(unit("tradeoff:cold=2"), 0, 10, 20, 30, 40, 50).getLast()).isEqualTo(clockMinutes(10, 0));
        // At cold=64 (price 512 minutes) it is: [10, 240].
        assertThat(feed(unit("tradeoff:cold=64"), 0, 10, 20, 30, 40, 50).getLast())
                .isEqualTo(clockMinutes(10, 230));
    }

    @Test
    void tradeoffCoversTheClockMinutesOfATimerWhoseCallsLandAnywhereInTheirMinute() {
        // A call in every second clock minute, at a random second: the gaps run from just over 1 to just under
        // 3 minutes, but every idle time is 2 clock minutes. The pre-warm [2, 2] then means the whole minute
        // two after the call's own, so every later call is warm wherever in its minute it lands.
        Random random = new Random(7);
        UnitPolicy u = unit("tradeoff:cold=2,prior=0");
        Window w = null;
        long last = 0;
        int cold = 0;
        for (long m = 0; m < 200; m += 2) {
            long t = m * MIN + random.nextInt(60) * 1000L;
            if (m >= 20 && !w.isWarmAfter(t - last)) {
                cold++;
            }
            w = u.onArrival(t);
            last = t;
        }
        u.verify();
        assertThat(cold).isZero();
        // The last call came 50 s into minute 198: loaded from 10 s after it (minute 200) to the end of minute 200.
        long into = last % MIN;
        assertThat(w).isEqualTo(new Window(2 * MIN - into, MIN - 1));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void aClockWindowIsWarmExactlyInTheMinutesThePaperModelCounts(long seed) {
        // For any arrival instant and any later one, the clock window of (P, K) is warm iff the later one's
        // minute is P..P+K minutes after the first's (P = 0 or 1: 0..P+K, the arrival's own minute being its
        // event's), and the wasted minutes are the paper's.
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            long p = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(20);
            long k = random.nextInt(20);
            long now = random.nextLong(1_000_000) * 1000 + random.nextInt(1000);
            long next = now + random.nextLong(45 * MIN);
            long it = Math.floorDiv(next, MIN) - Math.floorDiv(now, MIN);
            Window minutes = Window.ofMinutes(p, k);
            Window clock = IdleWindows.onClock(minutes, now);
            assertThat(clock.isWarmAfter(next - now)).as("P=%d K=%d IT=%d", p, k, it)
                    .isEqualTo((p <= 1 ? 0 : p) <= it && it <= p + k);
            assertThat(IdleWindows.wasted(clock, it)).isEqualTo(IdleWindows.wasted(minutes, it));
        }
    }

    @Test
    void tradeoffWithBucketsFitsEachTimeOfDayToItsOwnIdleTimes() {
        // Each day: calls every 2 minutes from 00:00 to 00:10, then at 12:00 and 14:00. ITs per day: five of 2
        // and one of 710 (00:10 to 12:00) begin in the first six-hour bucket, 120 (to 14:00) and 600 (to
        // midnight) in the third. Price 16 minutes (cold=2, 128 MB), no pseudo ITs.
        UnitPolicy one = unit("tradeoff:cold=2,prior=0");
        UnitPolicy four = unit("tradeoff:cold=2,prior=0,buckets=4");
        Window oneNoon = null;
        Window fourMorning = null;
        Window fourNoon = null;
        for (long d = 0; d < 8; d++) {
            for (long m = 0; m <= 10; m += 2) {
                one.onArrival((d * 1440 + m) * MIN);
                fourMorning = four.onArrival((d * 1440 + m) * MIN);
            }
            for (long m : new long[] {720, 840}) {
                oneNoon = one.onArrival((d * 1440 + m) * MIN);
                fourNoon = four.onArrival((d * 1440 + m) * MIN);
            }
        }
        one.verify();
        four.verify();
        // All ITs together, per day: pre-warm [2, 2] costs three colds and one idle minute each (51); keep 2
        // costs 5 + 3 x (16 + 2) = 59; [2, 120] idles 118 on the IT of 120 and 119 on both longer ones.
        assertThat(oneNoon).isEqualTo(clockMinutes(2, 0));
        // Apart: the morning bucket still pre-warms [2, 2] (5 x 0 + 16 + 1 a day), but the noon bucket, whose
        // ITs are 120 and 600, pre-warms [600, 600]: the 600 warm, the 120 cold before the window and nothing
        // idle (16 a day, against 17 for [120, 120], 32 for no window and 16 + 1 + 480 for [120, 600]).
        assertThat(fourMorning).isEqualTo(clockMinutes(2, 0));
        assertThat(fourNoon).isEqualTo(clockMinutes(600, 0));
        assertThat(four.stateBytes()).isGreaterThan(one.stateBytes()).isLessThan(2048);
    }

    @Test
    void seasonalScalesItsEstimateByAUserActivitySeries() {
        // For 14 days, three active minutes (:00, :20, :40) in hour 12 and nothing else: q = 3/60 = 0.05 for that
        // hour, so an arrival in the next 10 minutes has probability 1 - 0.95^10 = 0.40 < 0.5: no window.
        // A user-activity series for day 14 at twice its mean in hour 12 doubles q: 1 - 0.9^10 = 0.65: the
        // sandbox stays up to the end of the hour.
        long day14 = 14 * 1440L * MIN;
        double[] levels = new double[24];
        java.util.Arrays.fill(levels, 1);
        levels[12] = 46.0 / 22; // twice the mean of the 24 levels: x = 2 (23 + x) / 24
        Signals signals = new Signals();
        signals.activity("u", new Signals.Activity(day14, 3_600_000, levels));
        for (Signals s : List.of(Signals.NONE, signals)) {
            UnitPolicy u = Policies.create("seasonal", s).newUnit(UnitProfile.of("u", 128, 0));
            for (int d = 0; d < 14; d++) {
                for (int m : new int[] {0, 20, 40}) {
                    u.onArrival((d * 1440L + 720 + m) * MIN);
                }
            }
            Window w = u.onArrival(day14 + 720 * MIN);
            assertThat(w).isEqualTo(s == Signals.NONE ? Window.NONE : Window.keepAliveMinutes(60));
        }
    }
}
