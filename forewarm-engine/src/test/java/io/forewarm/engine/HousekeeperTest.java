package io.forewarm.engine;

import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import io.forewarm.predict.plan.Plan;
import io.forewarm.predict.plan.Planner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;

import static io.forewarm.engine.TestRig.bytes;
import static io.forewarm.engine.TestRig.testFn;
import static io.forewarm.engine.TestRig.warm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The housekeeper as timelines: a hand-moved clock and explicit ticks, real sandboxes started and closed.
 * The window of {@code test-window:from=180000,keep=60000} after an arrival at t is [t+180 s, t+240 s].
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HousekeeperTest {

    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private TestRig rig;

    @BeforeAll
    void rig() {
        rig = new TestRig();
    }

    @AfterAll
    void nothingLeftBehind() {
        rig.close();
    }

    @Test
    void releasesBeforeThePrewarmWindowPrewarmsInsideItAndReleasesAfterIt() {
        MutableClock clock = new MutableClock(T0);
        try (Orchestrator engine = rig.engine(TestRig.config(), clock)) {
            engine.register(testFn("periodic").build(), "test-window:from=180000,keep=60000");

            // t = 0: the arrival runs cold and leaves one idle sandbox.
            assertThat(engine.invoke("periodic", bytes("echo:x")).cold()).isTrue();
            assertThat(warm(engine, "periodic")).isEqualTo(1);

            // t = 1 s: still the arrival's minute, where more calls belong to the same event: held, not released.
            Housekeeper.Round held = engine.tick(clock.advance(Duration.ofSeconds(1)));
            assertThat(held.plan().releases()).isEmpty();
            assertThat(held.plan().keeps()).extracting(Plan.Keep::loadUntilMillis)
                    .containsExactly(T0.toEpochMilli() + Planner.SAME_EVENT_MILLIS);
            assertThat(warm(engine, "periodic")).isEqualTo(1);

            // t = 61 s: the window opens in two minutes; idling through the gap is waste.
            Housekeeper.Round early = engine.tick(clock.advance(Duration.ofSeconds(60)));
            assertThat(early.plan().releases()).extracting(Plan.Release::cause)
                    .containsExactly(Plan.Cause.OUTSIDE_WINDOW);
            assertThat(early.released()).isEqualTo(1);
            assertThat(warm(engine, "periodic")).isZero();

            // t = 120 s: still outside, nothing to do.
            assertThat(engine.tick(clock.advance(Duration.ofSeconds(59))).plan().actions()).isEmpty();

            // t = 179 s: the window opens within cold start + tick: start one now so it is ready.
            Housekeeper.Round opening = engine.tick(clock.advance(Duration.ofSeconds(59))).awaitPrewarms();
            assertThat(opening.plan().prewarms()).hasSize(1);
            assertThat(warm(engine, "periodic")).isEqualTo(1);

            // t = 210 s: inside the window, the pre-warmed sandbox is kept.
            Housekeeper.Round inside = engine.tick(clock.advance(Duration.ofSeconds(31)));
            assertThat(inside.plan().keeps()).hasSize(1);
            assertThat(inside.released()).isZero();
            assertThat(warm(engine, "periodic")).isEqualTo(1);

            // t = 241 s: the window ended: released.
            Housekeeper.Round after = engine.tick(clock.advance(Duration.ofSeconds(31)));
            assertThat(after.plan().releases()).extracting(Plan.Release::cause).containsExactly(Plan.Cause.EXPIRED);
            assertThat(warm(engine, "periodic")).isZero();
            assertThat(engine.status().allocated().memoryBytes()).isZero();
        }
    }

    @Test
    void aPrewarmedSandboxServesTheNextArrivalWarm() {
        MutableClock clock = new MutableClock(T0);
        try (Orchestrator engine = rig.engine(TestRig.config(), clock)) {
            engine.register(testFn("timer").build(), "test-window:from=180000,keep=60000");
            engine.invoke("timer", bytes("echo:first"));
            engine.tick(clock.advance(Duration.ofSeconds(61)));
            assertThat(warm(engine, "timer")).isZero();
            engine.tick(clock.advance(Duration.ofSeconds(118))).awaitPrewarms();
            clock.advance(Duration.ofSeconds(1));
            InvokeResult r = engine.invoke("timer", bytes("echo:second"));
            assertThat(r.exit()).isEqualTo(ExitKind.OK);
            assertThat(r.cold()).isFalse();
            assertThat(r.initMillis()).isZero();
        }
    }

    @Test
    void aPrewarmOfMoreValueEvictsTheCheapestIdleSandboxWhenMemoryIsShort() {
        MutableClock clock = new MutableClock(T0);
        // Room for two 64 MB sandboxes, not three.
        EngineConfig small = TestRig.config().withCapacity(ResourceVector.of(2, 160 * TestRig.MB));
        try (Orchestrator engine = rig.engine(small, clock)) {
            engine.register(testFn("valuable").build(), "test-window:from=180000,keep=60000,value=100");
            engine.register(testFn("cheap-a").build(), "test-window:keep=600000,value=1");
            engine.register(testFn("cheap-b").build(), "test-window:keep=600000,value=2");
            engine.invoke("valuable", bytes("echo:x"));
            engine.tick(clock.advance(Duration.ofSeconds(61))); // released until its window opens
            engine.invoke("cheap-a", bytes("echo:x"));
            engine.invoke("cheap-b", bytes("echo:x"));

            Housekeeper.Round round = engine.tick(clock.advance(Duration.ofSeconds(118))).awaitPrewarms();
            assertThat(round.plan().releases()).extracting(Plan.Release::function, Plan.Release::cause)
                    .containsExactly(tuple("cheap-a",
                            Plan.Cause.EVICTED_FOR_CAPACITY));
            assertThat(warm(engine, "valuable")).isEqualTo(1);
            assertThat(warm(engine, "cheap-a")).isZero();
            assertThat(warm(engine, "cheap-b")).isEqualTo(1);
        }
    }

    @Test
    void theEngineExplainsEachSandboxAndThePolicysRecentMisses() {
        MutableClock clock = new MutableClock(T0);
        try (Orchestrator engine = rig.engine(TestRig.config(), clock)) {
            engine.register(testFn("told").build(), "fixed:1");
            engine.invoke("told", bytes("echo:a"));                       // first call: nothing to foresee
            clock.advance(Duration.ofSeconds(30));
            engine.invoke("told", bytes("echo:b"));                       // same event: not scored
            clock.advance(Duration.ofMinutes(5));
            engine.invoke("told", bytes("echo:c"));                       // 5 min after: outside 1 min, a miss
            clock.advance(Duration.ofSeconds(50));
            engine.invoke("told", bytes("echo:d"));                       // same event again
            clock.advance(Duration.ofSeconds(60));
            engine.invoke("told", bytes("echo:e"));                       // 1 min after: inside, foreseen

            Explanation why = engine.explain("told");
            assertThat(why.misses()).isEqualTo(1);
            assertThat(why.events()).isEqualTo(2);
            assertThat(why.sandboxes()).extracting(Explanation.Sandbox::state).containsOnly("warm");
            assertThat(why.sandboxes()).allSatisfy(s -> assertThat(s.reason()).contains("inside its window until"));

            // two minutes on, the keep-alive is over: the planner's verdict is to release it
            clock.advance(Duration.ofMinutes(2));
            assertThat(engine.explain("told").sandboxes()).allSatisfy(s ->
                    assertThat(s.reason()).startsWith("idle; the next tick releases it").contains("ended"));
            assertThat(engine.explain("ghost")).isNull();
        }
    }

    @Test
    void keepAliveKeepsTheSandboxForItsMinutesThenReleasesIt() {
        MutableClock clock = new MutableClock(T0);
        try (Orchestrator engine = rig.engine(TestRig.config(), clock)) {
            engine.register(testFn("kept").build(), "fixed:1");
            engine.invoke("kept", bytes("echo:x"));
            assertThat(engine.tick(clock.advance(Duration.ofSeconds(30))).released()).isZero();
            assertThat(warm(engine, "kept")).isEqualTo(1);
            assertThat(engine.invoke("kept", bytes("echo:y")).cold()).isFalse();
            assertThat(engine.tick(clock.advance(Duration.ofSeconds(61))).released()).isEqualTo(1);
            assertThat(warm(engine, "kept")).isZero();
        }
    }

    @Test
    void aWorkerThatDiedWhileIdleIsRetiredBeforeARequestMeetsIt() throws InterruptedException {
        MutableClock clock = new MutableClock(T0);
        try (Orchestrator engine = rig.engine(TestRig.config(), clock)) {
            engine.register(testFn("mortal").build(), "fixed:10");
            assertThat(engine.invoke("mortal", bytes("exit-later:0.1")).exit()).isEqualTo(ExitKind.OK);
            int retired = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (retired == 0 && System.nanoTime() < deadline) {
                retired = engine.tick(clock.advance(Duration.ofMillis(100))).released();
                Thread.sleep(20);
            }
            assertThat(retired).isEqualTo(1);
            InvokeResult next = engine.invoke("mortal", bytes("echo:alive"));
            assertThat(next.exit()).isEqualTo(ExitKind.OK);
            assertThat(next.cold()).isTrue();
        }
    }

    @Test
    void theHybridPolicyLearnsATimerAndServesItWarm() {
        MutableClock clock = new MutableClock(T0);
        try (Orchestrator engine = rig.engine(TestRig.config(), clock)) {
            engine.register(testFn("timer5").build(), "hybrid");
            int warmHits = 0;
            for (int arrival = 0; arrival < 12; arrival++) {
                InvokeResult r = engine.invoke("timer5", bytes("echo:" + arrival));
                assertThat(r.exit()).as(r.toString()).isEqualTo(ExitKind.OK);
                warmHits += r.cold() ? 0 : 1;
                for (int minute = 0; minute < 5; minute++) { // the housekeeper ticks through the gap
                    engine.tick(clock.advance(Duration.ofMinutes(1))).awaitPrewarms();
                }
            }
            assertThat(engine.status().function("timer5").window()).isNotNull();
            assertThat(warmHits).as("arrivals every 5 minutes found a warm sandbox").isPositive();
        }
    }

    @Test
    void thePeriodicTickRunsOnItsOwnThread() throws InterruptedException {
        MutableClock clock = new MutableClock(T0);
        EngineConfig fastTick = TestRig.config().withTiming(Duration.ofMillis(20), Duration.ofMillis(100));
        try (Orchestrator engine = rig.engine(fastTick, clock).start()) {
            engine.register(testFn("ticked").build(), "fixed:1");
            engine.invoke("ticked", bytes("echo:x"));
            clock.advance(Duration.ofMinutes(2));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (warm(engine, "ticked") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(warm(engine, "ticked")).isZero();
        }
    }
}
