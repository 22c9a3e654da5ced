package io.forewarm.predict.plan;

import io.forewarm.core.ResourceVector;
import io.forewarm.core.Window;
import io.forewarm.predict.plan.Plan.Cause;
import io.forewarm.predict.plan.Plan.Prewarm;
import io.forewarm.predict.plan.Plan.Release;
import io.forewarm.predict.plan.PoolSnapshot.FunctionState;
import io.forewarm.predict.plan.PoolSnapshot.IdleSandbox;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Timelines: a function arrives at minute 0 with a window; what does the planner do at later instants? */
class PlannerTest {

    private static final long MIN = 60_000;
    private static final long MB = 1024 * 1024;
    private static final ResourceVector SIZE = ResourceVector.of(0.5, 256 * MB);
    private final Planner planner = new Planner();

    private static IdleSandbox idle(long id, long since) {
        return new IdleSandbox(id, since, SIZE);
    }

    /** A function that arrived at {@code last} with {@code window}; cold start 1 s. */
    private static FunctionState fn(String id, long last, Window window, int busy, int peak, double value,
                                    IdleSandbox... idle) {
        return new FunctionState(id, last, window, SIZE, busy, 0, peak, value, 1_000, List.of(idle));
    }

    private static PoolSnapshot pool(long capacityMb, FunctionState... fs) {
        long allocated = 0;
        for (FunctionState f : fs) {
            allocated += (f.busy() + f.starting() + f.idle().size()) * SIZE.memoryBytes();
        }
        return PoolSnapshot.of(capacityMb * MB, allocated, 0, List.of(fs));
    }

    @Test
    void keepAliveKeepsInsideTheWindowAndReleasesAfterIt() {
        // Arrival at 0 with keep-alive 10 min; the sandbox went idle at 0.5 s.
        FunctionState f = fn("f", 0, Window.keepAliveMinutes(10), 0, 1, 0, idle(7, 500));
        // now = 5 min: inside [0, 10 min] -> keep, nothing released.
        Plan at5 = planner.plan(pool(0, f), 5 * MIN);
        assertThat(at5.releases()).isEmpty();
        assertThat(at5.keeps()).singleElement().satisfies(k -> {
            assertThat(k.idle()).isEqualTo(1);
            assertThat(k.reason()).contains("inside its window until " + 10 * MIN);
        });
        // now = 10 min exactly: still inside (the window is closed at its end).
        assertThat(planner.plan(pool(0, f), 10 * MIN).releases()).isEmpty();
        // now = 11 min: past 10 min -> release sandbox 7 as expired.
        Plan at11 = planner.plan(pool(0, f), 11 * MIN);
        assertThat(at11.releases()).singleElement().satisfies(r -> {
            assertThat(r.sandboxId()).isEqualTo(7);
            assertThat(r.cause()).isEqualTo(Cause.EXPIRED);
            assertThat(r.reason()).contains("window ended at " + 10 * MIN);
        });
        assertThat(at11.prewarms()).isEmpty();
    }

    @Test
    void theArrivalsMinuteIsHeldBeforeAPrewarmWindowUnlessThePolicyHasForesight() {
        // Window from 10 to 15 min; a sandbox idle since its call ended at 0.3 s: at 20 s more calls of the
        // same event may come, keep it.
        FunctionState f = fn("f", 0, Window.ofMinutes(10, 5), 0, 1, 0, idle(3, 300));
        Plan at20s = planner.plan(pool(0, f), 20_000);
        assertThat(at20s.releases()).isEmpty();
        assertThat(at20s.prewarms()).isEmpty();
        assertThat(at20s.keeps()).singleElement().satisfies(k -> {
            assertThat(k.held()).isTrue();
            assertThat(k.loadUntilMillis()).isEqualTo(300 + Planner.SAME_EVENT_MILLIS);
            assertThat(k.reason()).contains("held until 60300 ms");
        });
        // A minute after the call it is released as outside the window.
        assertThat(planner.plan(pool(0, f), MIN + 300).releases()).extracting(Release::cause)
                .containsExactly(Cause.OUTSIDE_WINDOW);
        // An oracle knows the next arrival exactly: no hold.
        assertThat(new Planner(true, 0).plan(pool(0, f), 20_000).releases()).extracting(Release::cause)
                .containsExactly(Cause.OUTSIDE_WINDOW);
        // A held sandbox can still be evicted for a more valuable pre-warm.
        FunctionState valuable = fn("v", -10 * MIN, Window.ofMinutes(10, 5), 0, 1, 100);
        PoolSnapshot full = PoolSnapshot.of(256 * MB, SIZE.memoryBytes(), 0, List.of(f, valuable));
        assertThat(planner.plan(full, 20_000).releases()).extracting(Release::function, Release::cause)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("f", Cause.EVICTED_FOR_CAPACITY));
    }

    @Test
    void keepAliveNeverRecreatesASandboxThatIsGone() {
        // Inside a keep-alive window with no sandbox left (say it was evicted): nothing is started.
        FunctionState f = fn("f", 0, Window.keepAliveMinutes(10), 0, 1, 0);
        assertThat(planner.plan(pool(0, f), 5 * MIN).actions()).isEmpty();
    }

    @Test
    void prewarmWindowUnloadsInTheGapAndPrewarmsEarlyByTheColdStart() {
        // Window: load from 10 min to 15 min after the arrival at 0; cold start 1 s; recent peak 2.
        Window w = Window.ofMinutes(10, 5);
        // now = 2 min, idle sandbox from the arrival: the window opens at 10 min -> release it (outside).
        Plan gap = planner.plan(pool(0, fn("f", 0, w, 0, 2, 0, idle(1, 300))), 2 * MIN);
        assertThat(gap.releases()).singleElement().satisfies(r -> {
            assertThat(r.cause()).isEqualTo(Cause.OUTSIDE_WINDOW);
            assertThat(r.reason()).contains("window opens at " + 10 * MIN);
        });
        // now = 10 min - 1.001 s: still earlier than opening minus the 1 s lead -> nothing to start.
        FunctionState empty = fn("f", 0, w, 0, 2, 0);
        assertThat(planner.plan(pool(0, empty), 10 * MIN - 1_001).actions()).isEmpty();
        // now = 10 min - 1 s: exactly the lead -> start 2 (the recent peak) so they are ready at 10 min.
        List<Prewarm> p = planner.plan(pool(0, empty), 10 * MIN - 1_000).prewarms();
        assertThat(p).singleElement().satisfies(pw -> {
            assertThat(pw.count()).isEqualTo(2);
            assertThat(pw.size()).isEqualTo(SIZE);
            assertThat(pw.loadFromMillis()).isEqualTo(10 * MIN);
            assertThat(pw.leadMillis()).isEqualTo(1_000);
            assertThat(pw.reason()).contains("window opens at " + 10 * MIN);
        });
    }

    @Test
    void lookaheadStartsPrewarmsDueBeforeTheNextTick() {
        // A 10 s tick: at 10 min - 11 s the prewarm is due before the next tick at 10 min - 1 s, so it starts.
        FunctionState f = fn("f", 0, Window.ofMinutes(10, 5), 0, 1, 0);
        PoolSnapshot s = PoolSnapshot.of(0, 0, 10_000, List.of(f));
        assertThat(planner.plan(s, 10 * MIN - 11_000).prewarms()).hasSize(1);
        assertThat(planner.plan(s, 10 * MIN - 11_001).prewarms()).isEmpty();
    }

    @Test
    void prewarmCountsBusyAndIdleTowardsThePeak() {
        // Inside the pre-warm window with peak 3: 1 busy + 1 idle -> start 1 more.
        FunctionState f = fn("f", 0, Window.ofMinutes(1, 5), 1, 3, 0, idle(4, 0));
        assertThat(planner.plan(pool(0, f), 2 * MIN).prewarms()).singleElement()
                .satisfies(pw -> assertThat(pw.count()).isEqualTo(1));
    }

    @Test
    void neverReleasesABusySandbox() {
        // Long after the window: 2 busy and 1 idle -> only the idle one (id 9) goes.
        FunctionState f = fn("f", 0, Window.keepAliveMinutes(1), 2, 2, 0, idle(9, 100));
        assertThat(planner.plan(pool(0, f), 60 * MIN).releases()).extracting(Release::sandboxId)
                .containsExactly(9L);
    }

    @Test
    void prewarmUnderPressureEvictsOnlyLowerValueSandboxes() {
        // Capacity 512 MB = two 256 MB sandboxes, both held idle by keep-alive functions a (value 1) and
        // b (value 5). Function p (value 3) must pre-warm one: evict a (1 < 3), never b (5 > 3).
        FunctionState a = fn("a", 0, Window.keepAliveMinutes(60), 0, 1, 1, idle(1, 1_000));
        FunctionState b = fn("b", 0, Window.keepAliveMinutes(60), 0, 1, 5, idle(2, 500));
        FunctionState p = fn("p", 0, Window.ofMinutes(2, 5), 0, 1, 3);
        Plan plan = planner.plan(pool(512, a, b, p), 2 * MIN);
        assertThat(plan.releases()).singleElement().satisfies(r -> {
            assertThat(r.sandboxId()).isEqualTo(1);
            assertThat(r.cause()).isEqualTo(Cause.EVICTED_FOR_CAPACITY);
            assertThat(r.reason()).contains("evict 1 of a");
        });
        assertThat(plan.prewarms()).extracting(Prewarm::function).containsExactly("p");
        // With p worth only 0.5, nothing is cheaper: no eviction and no pre-warm.
        FunctionState cheap = fn("p", 0, Window.ofMinutes(2, 5), 0, 1, 0.5);
        assertThat(planner.plan(pool(512, a, b, cheap), 2 * MIN).actions())
                .noneMatch(x -> x instanceof Release || x instanceof Prewarm);
    }

    @Test
    void prewarmGetsOnlyAsManyAsCheaperVictimsMakeRoomFor() {
        // Full 512 MB host: a (value 1) and b (value 5) idle. p (value 3, peak 2) wants 2: the first evicts a,
        // the second would need b, worth more than p -> p gets 1 and b stays.
        FunctionState a = fn("a", 0, Window.keepAliveMinutes(60), 0, 1, 1, idle(1, 0));
        FunctionState b = fn("b", 0, Window.keepAliveMinutes(60), 0, 1, 5, idle(2, 0));
        FunctionState p = fn("p", 0, Window.ofMinutes(2, 5), 0, 2, 3);
        Plan plan = planner.plan(pool(512, a, b, p), 2 * MIN);
        assertThat(plan.releases()).extracting(Release::sandboxId).containsExactly(1L);
        assertThat(plan.prewarms()).singleElement().satisfies(pw -> assertThat(pw.count()).isEqualTo(1));
    }

    @Test
    void higherValuePrewarmsAreServedFirst() {
        // Room for one 256 MB sandbox; p (value 2) and q (value 7) both want one: q gets it.
        FunctionState p = fn("p", 0, Window.ofMinutes(2, 5), 0, 1, 2);
        FunctionState q = fn("q", 0, Window.ofMinutes(2, 5), 0, 1, 7);
        assertThat(planner.plan(pool(256, p, q), 2 * MIN).prewarms()).extracting(Prewarm::function)
                .containsExactly("q");
    }

    @Test
    void expiredSandboxesMakeRoomBeforeAnythingIsEvicted() {
        // Capacity 256 MB held by e, whose window ended: releasing it (expired) makes room for p's pre-warm.
        FunctionState e = fn("e", 0, Window.keepAliveMinutes(1), 0, 1, 9, idle(1, 0));
        FunctionState p = fn("p", 0, Window.ofMinutes(2, 5), 0, 1, 0);
        Plan plan = planner.plan(pool(256, e, p), 2 * MIN);
        assertThat(plan.releases()).extracting(Release::cause).containsExactly(Cause.EXPIRED);
        assertThat(plan.prewarms()).hasSize(1);
    }

    @Test
    void victimsLowestValueFirstThenLeastRecentlyUsed() {
        // Values: a=2 (idle since 100 and 50), b=1 (idle since 900), c=2 (idle since 10), d busy only.
        FunctionState a = fn("a", 0, Window.FOREVER, 0, 1, 2, idle(1, 100), idle(2, 50));
        FunctionState b = fn("b", 0, Window.FOREVER, 0, 1, 1, idle(3, 900));
        FunctionState c = fn("c", 0, Window.FOREVER, 0, 1, 2, idle(4, 10));
        FunctionState d = fn("d", 0, Window.FOREVER, 3, 3, 0);
        PoolSnapshot s = pool(0, a, b, c, d);
        // Need 3 sandboxes' worth: b (value 1), then value 2 by idle-since: c@10, a#2@50.
        assertThat(planner.chooseVictims(s, 3 * SIZE.memoryBytes() - 1, 1_000)).extracting(Release::sandboxId)
                .containsExactly(3L, 4L, 2L);
        // All four idle sandboxes free 4 x 256 MB; asking for more evicts nothing (d's busy ones are never
        // candidates).
        assertThat(planner.chooseVictims(s, 4 * SIZE.memoryBytes() + 1, 1_000)).isEmpty();
        assertThat(planner.chooseVictims(s, 0, 1_000)).isEmpty();
    }

    @Test
    void perSandboxValuesOrderVictimsWithinAFunction() {
        // Hot function h (value 9) has a stale extra sandbox worth 1 (its value at last use) and a fresh one
        // worth 9; g's only sandbox is worth 4. Lowest first: h's stale one, then g's.
        FunctionState h = new FunctionState("h", 0, Window.FOREVER, SIZE, 0, 0, 2, 9, 0,
                List.of(new IdleSandbox(1, 500, SIZE, 9), new IdleSandbox(2, 100, SIZE, 1)));
        FunctionState g = fn("g", 0, Window.FOREVER, 0, 1, 4, idle(3, 50));
        assertThat(planner.chooseVictims(pool(0, h, g), 2 * SIZE.memoryBytes(), 1_000))
                .extracting(Release::sandboxId).containsExactly(2L, 3L);
    }

    @Test
    void aFunctionThatNeverArrivedHasItsIdleSandboxesReleased() {
        FunctionState f = new FunctionState("f", Long.MIN_VALUE, null, SIZE, 0, 0, 0, 0, 0, List.of(idle(5, 0)));
        assertThat(planner.plan(pool(0, f), 0).releases()).extracting(Release::sandboxId).containsExactly(5L);
    }

    @Test
    void foreverWindowsDoNotOverflow() {
        // last + keep-alive would wrap past Long.MAX_VALUE; saturated, the window never ends.
        FunctionState f = fn("f", 5 * MIN, new Window(0, Long.MAX_VALUE), 0, 1, 0, idle(1, 0));
        assertThat(planner.plan(pool(0, f), Long.MAX_VALUE - 1).releases()).isEmpty();
        assertThat(Planner.plus(Long.MAX_VALUE - 1, 5)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void withoutKeepsTheSimulatorGetsNoKeepActions() {
        FunctionState f = fn("f", 0, Window.keepAliveMinutes(10), 0, 1, 0, idle(7, 500));
        assertThat(new Planner(false).plan(pool(0, f), MIN).actions()).isEmpty();
    }
}
