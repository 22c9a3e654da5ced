package io.forewarm.engine;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.KeepAliveBounds;
import io.forewarm.core.ResourceVector;
import io.forewarm.history.DuckDbHistoryStore;
import io.forewarm.history.HistoryOptions;
import io.forewarm.history.HistoryStore;
import io.forewarm.predict.Cron;
import io.forewarm.predict.Policies;
import io.forewarm.predict.Signals;
import io.forewarm.predict.resources.ResourceRecommender;
import io.forewarm.predict.UnitProfile;
import io.forewarm.predict.plan.Plan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.forewarm.engine.TestRig.bytes;
import static io.forewarm.engine.TestRig.testFn;
import static io.forewarm.engine.TestRig.warm;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * External signals and refits in the live engine, as timelines on a hand-moved clock with explicit ticks and
 * real sandboxes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignalsAndRetrainingTest {

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

    @ParameterizedTest
    @ValueSource(strings = {"seasonal", "auto"})
    void aCronSignalMakesTheSandboxWarmBeforeTheScheduledMinute(String policy) {
        MutableClock clock = new MutableClock(T0);
        try (Orchestrator engine = rig.engine(TestRig.config(), clock)) {
            engine.register(testFn("report").build(), policy);
            // the nightly report runs at 10:05 every day; it has never been invoked
            engine.signals().put(Signals.Signal.scheduled("daily-report", List.of("report"), 60_000,
                    Cron.parse("5 10 * * *")));

            // 10:00: the policy plans a pre-warm from 10:04 (one minute's lead) to 10:06; nothing starts yet
            Housekeeper.Round first = engine.tick(clock.instant());
            assertThat(first.scheduled()).isEqualTo(1);
            assertThat(first.plan().prewarms()).isEmpty();
            assertThat(engine.tick(clock.advance(Duration.ofMinutes(3))).plan().prewarms()).isEmpty();
            assertThat(warm(engine, "report")).isZero();

            // 10:03:59: within cold start + tick of 10:04, the sandbox is started and is warm before 10:05
            Housekeeper.Round opening = engine.tick(clock.advance(Duration.ofSeconds(59))).awaitPrewarms();
            assertThat(opening.plan().prewarms()).hasSize(1);
            assertThat(warm(engine, "report")).isEqualTo(1);
            assertThat(engine.tick(clock.advance(Duration.ofSeconds(30))).plan().keeps()).hasSize(1);

            // 10:05: the run finds it warm
            clock.advance(Duration.ofSeconds(31));
            assertThat(engine.invoke("report", bytes("echo:x")).cold()).isFalse();

            // 10:07: past the event's minute seasonal releases it (the next run is tomorrow); auto's chosen model
            // may keep it for its own keep-alive, but not for hours
            engine.tick(clock.advance(Duration.ofMinutes(2)));
            if (policy.equals("seasonal")) {
                assertThat(warm(engine, "report")).isZero();
            }
            engine.tick(clock.advance(Duration.ofHours(2)));
            assertThat(warm(engine, "report")).isZero();
            assertThat(engine.status().allocated().memoryBytes()).isZero();
        }
    }

    @Test
    void aPolicyThatIgnoresSignalsIsNotAsked() {
        MutableClock clock = new MutableClock(T0);
        try (Orchestrator engine = rig.engine(TestRig.config(), clock)) {
            engine.register(testFn("plain").build(), "fixed:10");
            engine.signals().put(Signals.Signal.scheduled("soon", List.of("plain"), 60_000,
                    Signals.Schedule.once(T0.plusSeconds(90).toEpochMilli())));
            Housekeeper.Round r = engine.tick(clock.advance(Duration.ofSeconds(60)));
            assertThat(r.scheduled()).isZero();
            assertThat(r.plan().prewarms()).isEmpty();
        }
    }

    @Test
    void aRestartedEngineRefitsFromRecordedHistoryAndPrewarmsAsBefore() {
        // test-window: loaded from 60 s to 120 s after each arrival
        String policy = "test-window:from=60000,keep=60000";
        FunctionSpec spec = testFn("nightly").build();
        EngineConfig config = TestRig.config().withRetraining(Duration.ofHours(1), Duration.ofDays(1));
        MutableClock clock = new MutableClock(T0.plusSeconds(30));
        try (HistoryStore store = DuckDbHistoryStore.open(HistoryOptions.inMemory())) {
            try (Orchestrator before = new Orchestrator(rig.factory, store, config, clock)) {
                before.register(spec, policy);
                assertThat(before.invoke("nightly", bytes("echo:x")).cold()).isTrue();
            }
            // a new engine on the same history knows nothing of the arrival until its first tick refits
            clock.advance(Duration.ofSeconds(10));
            try (Orchestrator after = new Orchestrator(rig.factory, store, config, clock)) {
                after.register(spec, policy);
                assertThat(after.status().function("nightly").training()).isEqualTo(Training.NEVER);
                Housekeeper.Round refit = after.tick(clock.instant());
                assertThat(refit.refitted()).isEqualTo(1);
                EngineStatus.FunctionStatus f = after.status().function("nightly");
                assertThat(f.training().reason()).isEqualTo(Training.Reason.PERIODIC);
                assertThat(f.training().atMillis()).isEqualTo(clock.instant().toEpochMilli());
                // replayed per minute: the arrival at 10:00:30 counts from 10:00:00
                assertThat(f.windowBaseMillis()).isEqualTo(T0.toEpochMilli());

                // not due again within the hour; the pre-warm comes from the refitted window
                Housekeeper.Round opening = after.tick(clock.advance(Duration.ofSeconds(19))).awaitPrewarms();
                assertThat(opening.refitted()).isZero();
                assertThat(opening.plan().prewarms()).extracting(Plan.Prewarm::function).containsExactly("nightly");
                assertThat(warm(after, "nightly")).isEqualTo(1);
                assertThat(after.tick(clock.advance(Duration.ofHours(1))).refitted()).isEqualTo(1);
                assertThat(after.status().function("nightly").training().periodic()).isEqualTo(2);
            }
        }
    }

    @Test
    void aDriftTheAutoPolicyDetectsIsRecordedAsARefit() {
        FunctionSpec spec = testFn("d").build();
        FunctionPool pool = new FunctionPool(spec, "auto", KeepAliveBounds.NONE, Policies.create("auto"),
                UnitProfile.of("d", 64, 1000), 1000, new Sizing(spec, ResourceRecommender.Config.DEFAULT));
        long min = 60_000;
        long t = 0;
        while (t < 3 * 1440) {
            pool.arrive(t * min);
            t += 15;
        }
        assertThat(pool.training()).isEqualTo(Training.NEVER);
        t += 3;
        for (int i = 0; i < 600; i++, t += 7) {
            pool.arrive(t * min);
        }
        Training tr = pool.training();
        assertThat(tr.reason()).isEqualTo(Training.Reason.DRIFT);
        assertThat(tr.drift()).isGreaterThanOrEqualTo(1);
        assertThat(tr.periodic()).isZero();
        assertThat(tr.atMillis()).isBetween(3 * 1440 * min, t * min);
    }

    @Test
    void activeMinutesAreTheStartsOfMinutesWithArrivals() {
        assertThat(Retraining.minuteStarts(new long[] {0, 2, 0, 1}, 600_000)).containsExactly(660_000, 780_000);
        assertThat(Retraining.minuteStarts(new long[0], 0)).isEmpty();
    }

    @Test
    void retrainingSettingsAreChecked() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestRig.config()
                        .withRetraining(Duration.ofHours(-1), Duration.ofDays(1)))
                .hasMessageContaining("retrainInterval");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestRig.config()
                        .withRetraining(Duration.ZERO, Duration.ofSeconds(5)))
                .hasMessageContaining("retrainLookback");
        assertThat(EngineConfig.defaults().withCapacity(ResourceVector.of(1, 1 << 30)).retrainInterval())
                .isEqualTo(Duration.ofHours(6));
    }
}
