package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.UnitPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.forewarm.predict.policy.Timelines.MIN;
import static io.forewarm.predict.policy.Timelines.feed;
import static io.forewarm.predict.policy.Timelines.unit;
import static org.assertj.core.api.Assertions.assertThat;

/** The split of an application's events into ticks and background, on timelines in minutes. */
class SplitTest {

    /** The window issued at a whole minute for the per-minute window (P, K): the clock minutes P..P+K. */
    private static Window clockMinutes(long prewarm, long keepAlive) {
        return prewarm <= 1 ? new Window(0, (prewarm + keepAlive + 1) * MIN - 1)
                : new Window(prewarm * MIN, (keepAlive + 1) * MIN - 1);
    }

    /** A timer at :07, :22, :37 and :52 for {@code hours}, with {@code background} calls at other minutes. */
    private static long[] timerWith(int hours, long... background) {
        List<Long> minutes = new ArrayList<>();
        for (long m = 7; m < hours * 60L; m += 15) {
            minutes.add(m);
        }
        for (long b : background) {
            minutes.add(b);
        }
        return minutes.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    @Test
    void aTimerWithRareBackgroundGetsAPrewarmForItsNextTick() {
        // Background calls about every 100 minutes at random, off the timer's minutes. After a day the timer's
        // minutes have a share of 1 - 0.75^24 (one hit an hour at alpha 0.25), so its next tick all but surely
        // comes: the background's next call, x - e minutes away for its idle times x longer than the e minutes
        // since its last call, mostly comes after the tick, so the sandbox is unloaded and pre-warmed for the tick
        // (perhaps a little earlier, where the background's next call is likely), not kept alive.
        Random rnd = new Random(3);
        List<Long> background = new ArrayList<>();
        for (long m = 50; m < 24 * 60; m += 60 + rnd.nextInt(80)) {
            if ((m - 7) % 15 != 0) {
                background.add(m);
            }
        }
        long[] minutes = timerWith(24, background.stream().mapToLong(Long::longValue).toArray());
        UnitPolicy u = unit("split:cold=2,min=2");
        List<Window> w = feed(u, minutes);
        for (long tick = 20 * 60 + 7; tick < 24 * 60; tick += 15) {
            Window after = w.get(Arrays.binarySearch(minutes, tick));
            assertThat(after.prewarmMillis()).as("after %d", tick).isBetween(2 * MIN, 15 * MIN);
            assertThat(after.isWarmAfter(15 * MIN)).as("after %d", tick).isTrue();
        }
        assertThat(u.explain()).contains("next tick in 15 min");
    }

    @Test
    void aBurstThatEndedLongAgoIsNotWaitedFor() {
        // A timer at :07, :22, :37, :52 and bursts of calls in every minute for 10 minutes every 5 hours. Most
        // background idle times are 1 minute, but right after a tick hours after a burst only the long ones
        // (about 290 minutes) are longer than the time since the burst: a pre-warm for the next tick. Within a
        // burst the next minute is kept.
        List<Long> burst = new ArrayList<>();
        for (long start = 30; start < 48 * 60; start += 300) {
            for (long m = start; m < start + 10; m++) {
                if ((m - 7) % 15 != 0) {
                    burst.add(m);
                }
            }
        }
        long[] minutes = timerWith(48, burst.stream().mapToLong(Long::longValue).toArray());
        List<Window> w = feed(unit("split:cold=2"), minutes);
        // The last burst: 45:30..45:39 (minute 2730); at 47:07, 97 minutes after it, a tick.
        assertThat(w.get(Arrays.binarySearch(minutes, 47 * 60 + 7)).prewarmMillis()).isEqualTo(15 * MIN);
        Window inBurst = w.get(Arrays.binarySearch(minutes, 2730 + 3));
        assertThat(inBurst.prewarmMillis()).isZero();
        assertThat(inBurst.isWarmAfter(MIN)).isTrue();
    }

    @Test
    void busyBackgroundIsKeptAliveUpToTheNextTick() {
        // Background calls in about 25 % of the other minutes: most of its idle times are 1 to 8 minutes, so after
        // a tick the sandbox is kept alive (the background will likely call before the tick) up to the tick.
        Random rnd = new Random(7);
        List<Long> background = new ArrayList<>();
        for (long m = 0; m < 24 * 60; m++) {
            if ((m - 7) % 15 != 0 && rnd.nextDouble() < 0.25) {
                background.add(m);
            }
        }
        long[] minutes = timerWith(24, background.stream().mapToLong(Long::longValue).toArray());
        List<Window> w = feed(unit("split:cold=2"), minutes);
        Window afterTick = w.get(Arrays.binarySearch(minutes, 23 * 60 + 37));
        assertThat(afterTick.prewarmMillis()).isZero();
        assertThat(afterTick.isWarmAfter(15 * MIN)).isTrue();
    }

    @Test
    void aTickIsCoveredUpToTheNextWhenAMissCostsMoreThanTheWait() {
        // A timer every 15 minutes for a day that has kept every tick: its minutes' shares read all but 1, yet a
        // timer may miss, and the kept ticks give that a chance of about 1/98. If this tick is missed, keeping the
        // sandbox on to the next one wastes 15 minutes and saves a cold start: worth it at a price above 15
        // minutes (cold=8: 64), not below (cold=1: 8), whatever the chance.
        long[] ticks = timerWith(24);
        Window dear = feed(unit("split:cold=8"), ticks).getLast();
        assertThat(dear.prewarmMillis()).isEqualTo(15 * MIN);
        assertThat(dear.isWarmAfter(30 * MIN)).isTrue();
        assertThat(dear.isWarmAfter(31 * MIN)).isFalse();
        Window cheap = feed(unit("split:cold=1"), ticks).getLast();
        assertThat(cheap).isEqualTo(clockMinutes(15, 0));
    }

    @Test
    void aTickThatMayNotComeIsWorthLessThanOneThatWill() {
        // Every background idle time is 30; a tick 10 minutes ahead comes with probability s. Per idle time:
        // pre-warm [10, 10] is cold when the tick does not come ((1 - s) x price), [30, 30] when it does
        // (s x price), [10, 30] wastes 20 minutes when it does not (20 (1 - s)).
        // s = 0.7, price 16: 4.8 for [10, 10] against 11.2 and 6; price 24: 7.2 against 16.8 and 6.
        assertThat(tickAt10(0.7f, 16)).isEqualTo(Window.ofMinutes(10, 0));
        assertThat(tickAt10(0.7f, 24)).isEqualTo(Window.ofMinutes(10, 20));
        // s = 0.3, price 16: [30, 30] costs 4.8, [10, 10] 11.2, [10, 30] 14.
        assertThat(tickAt10(0.3f, 16)).isEqualTo(Window.ofMinutes(30, 0));
        // A tick that surely comes cuts every idle time off at 10.
        assertThat(tickAt10(1f, 24)).isEqualTo(Window.ofMinutes(10, 0));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void withoutTicksItIsTradeoffFittedAfterEveryIdleTime(long seed) {
        // Idle times of 2 to 400 minutes at random never hit one minute of the hour in most hours (at alpha 0.1 a
        // minute needs nine hits in a row to reach the share 0.6): no ticks, so
        // every event is background (none has passed since its last call) and, with no fading, the window is
        // tradeoff's, refitted after every idle time.
        Random rnd = new Random(seed);
        UnitPolicy split = unit("split:cold=8,rent=0.1,history=32,halflife=0,alpha=0.1");
        UnitPolicy tradeoff = unit("tradeoff:cold=8,rent=0.1,history=32,refit=1");
        long t = rnd.nextInt(60) * MIN + rnd.nextInt(60_000);
        for (int i = 0; i < 300; i++) {
            assertThat(split.onArrival(t)).as("arrival %d", i).isEqualTo(tradeoff.onArrival(t));
            t += (2 + rnd.nextInt(399)) * MIN + rnd.nextInt(60_000);
        }
        split.verify();
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void theWeightedSearchFindsTheCheapestOfAllWindows(long seed) {
        // Against every keep-alive and pre-warm range up to the longest idle time, priced one by one.
        Random rnd = new Random(seed);
        int u = 1 + rnd.nextInt(30);
        double[] values = new double[u];
        double[] weights = new double[u];
        double v = 0;
        for (int i = 0; i < u; i++) {
            v += 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 40);
            values[i] = v;
            weights[i] = rnd.nextBoolean() ? 1 + rnd.nextInt(5) : rnd.nextDouble();
        }
        double price = 1 + rnd.nextInt(100);
        double best = cost(Window.NONE, values, weights, price);
        for (long p = 0; p <= v; p = p == 0 ? 2 : p + 1) {
            for (long e = Math.max(p, 1); e <= v; e++) {
                best = Math.min(best, cost(Window.ofMinutes(p, e - p), values, weights, price));
            }
        }
        assertThat(cost(IdleWindows.cheapest(values, weights, u, price), values, weights, price))
                .isCloseTo(best, org.assertj.core.api.Assertions.within(1e-9));
    }

    /** The window at {@code price} for background idle times of 30 and a tick 10 minutes ahead of {@code share}. */
    private static Window tickAt10(float share, double price) {
        double[] its = {30, 30, 30};
        return Split.cheapest(Split.nextBefore(its, new double[] {1, 1, 1}, 0, 240, new int[] {10},
                new float[] {share}, 1), price);
    }

    /** Cold starts at the price plus wasted minutes of {@code w} over weighted idle times (paper model). */
    private static double cost(Window w, double[] values, double[] weights, double price) {
        double c = 0;
        for (int i = 0; i < values.length; i++) {
            boolean warm = w.keepAliveMillis() > 0 && w.isWarmAfter((long) values[i] * MIN);
            c += weights[i] * ((warm ? 0 : price) + IdleWindows.wasted(w, values[i]));
        }
        return c;
    }
}
