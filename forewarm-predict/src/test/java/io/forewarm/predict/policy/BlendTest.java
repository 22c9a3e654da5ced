package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static io.forewarm.predict.policy.Timelines.MIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BlendTest {

    /** A model that is sure the next call comes {@code minutes} after the last one. */
    private static NextCall sure(long minutes) {
        return (mass, weight) -> {
            NextCall.add(mass, minutes, weight);
            return true;
        };
    }

    private static final NextCall NO_OPINION = (mass, weight) -> false;

    @Test
    void aMixtureHedgesWhereEitherModelAloneWouldBeColdHalfTheTime() {
        // Half the weight says 10 minutes, half 30. [30, 30] is cold for the half at 10 (0.5 x price), [10, 10]
        // too for the half at 30 and wastes its minute then (0.5 x price + 0.5); [10, 30] wastes 20 minutes for
        // the half that comes at 30 (10).
        NextCall[] models = {sure(10), sure(30)};
        double[] even = {0, 0};
        assertThat(Blend.window(models, even, 16)).isEqualTo(Window.ofMinutes(30, 0)); // 8 < 8.5 and 10
        assertThat(Blend.window(models, even, 24)).isEqualTo(Window.ofMinutes(10, 20)); // 10 < 12
        // A model far behind in log-score hardly counts: the window is the leader's alone (at price 16, for
        // the tiny weight at 30, [10, 10] costs 17 of it and [10, 30] 20).
        assertThat(Blend.window(models, new double[] {0, -100}, 16)).isEqualTo(Window.ofMinutes(10, 0));
        assertThat(Blend.window(models, new double[] {-100, 0}, 16)).isEqualTo(Window.ofMinutes(30, 0));
    }

    @Test
    void modelsWithoutAnOpinionAreLeftOutAndWithNoneThereIsNoBlend() {
        assertThat(Blend.window(new NextCall[] {NO_OPINION, sure(30)}, new double[] {0, -50}, 24))
                .isEqualTo(Window.ofMinutes(30, 0));
        assertThat(Blend.window(new NextCall[] {NO_OPINION, NO_OPINION}, new double[2], 24)).isNull();
    }

    @Test
    void theLogScoreRewardsTheModelThatForecastTheCall() {
        NextCall[] models = {sure(10), sure(30), NO_OPINION};
        double[] scores = new double[3];
        Blend.score(models, scores, 10, 0.9);
        // The right model keeps almost all its probability; the wrong one and the one without an opinion keep
        // the floor's share of the base distribution 1 / (d (d + 1)), the latter all of the base.
        double base = 1.0 / (10 * 11);
        assertThat(scores[0]).isCloseTo(Math.log(0.98 + 0.02 * base), within(1e-12));
        assertThat(scores[1]).isCloseTo(Math.log(0.02 * base), within(1e-12));
        assertThat(scores[2]).isCloseTo(Math.log(base), within(1e-12));
        double[] w = Blend.weights(scores);
        assertThat(w[0]).isGreaterThan(w[2]).isGreaterThan(w[1]);
        assertThat(w[0] + w[1] + w[2]).isCloseTo(1, within(1e-12));
        // Older events count less: a second call, at 30, is scored on top of 0.9 x the first score.
        double before = scores[1];
        Blend.score(models, scores, 30, 0.9);
        assertThat(scores[1]).isCloseTo(0.9 * before + Math.log(0.98 + 0.02 / (30 * 31)), within(1e-12));
        // Later than the horizon counts in its last slot, for every model alike.
        double[] late = new double[1];
        Blend.score(new NextCall[] {sure(5000)}, late, 3000, 0.9);
        assertThat(late[0]).isCloseTo(Math.log(0.98 + 0.02 / (Blend.HORIZON + 1)), within(1e-12));
    }

    @ParameterizedTest
    @CsvSource({"1, tradeoff", "2, tradeoff", "3, split", "4, split"})
    void blendingOneModelGivesThatModelsWindows(long seed, String model) {
        // The blend prices the very distribution the model priced (tradeoff refitted after every idle time;
        // split with no ticks at this alpha), so with it alone it issues the same windows, to the millisecond.
        Random rnd = new Random(seed);
        String own = model.equals("tradeoff") ? "tradeoff:cold=8,rent=0.1,refit=1"
                : "split:cold=8,rent=0.1,halflife=720,alpha=0.1";
        UnitPolicy alone = Timelines.unit(own);
        UnitPolicy blended = Timelines.unit("auto:cold=8,blend=on,drift=off,models=" + own.replace(',', '/'));
        long t = rnd.nextInt(60) * MIN + rnd.nextInt(60_000);
        for (int i = 0; i < 300; i++) {
            assertThat(blended.onArrival(t)).as("arrival %d", i).isEqualTo(alone.onArrival(t));
            t += (rnd.nextInt(5) == 0 ? 0 : (1 + rnd.nextInt(400)) * MIN) + rnd.nextInt(60_000);
        }
        blended.verify();
    }

    @Test
    void aTimerWinsTheBlendAndGetsItsTickWindow() {
        UnitPolicy u = Policies.create("auto:blend=on,split=on").newUnit(UnitProfile.of("t", 256, 0));
        Window w = null;
        for (long t = 0; t < 24 * 60; t += 15) {
            w = u.onArrival(t * MIN);
        }
        // Loaded for the tick and on to the one after it, in case this one is missed (a timer that has kept 96 of
        // 96 ticks is still given a chance of about 1 % to miss, and 15 idle minutes then cost less than the cold
        // start at the tick after), give or take the minute that the broader candidates' small weight adds.
        assertThat(w.prewarmMillis()).isEqualTo(15 * MIN);
        assertThat(w.isWarmAfter(30 * MIN)).isTrue();
        assertThat(w.loadUntilMillis()).isLessThan(32 * MIN);
        u.verify();
        assertThat(u.explain()).startsWith("blends the candidates' next-call distributions:")
                .contains("periodic:fallback=0", "seasonal", "split:cold=");
    }

    @Test
    void blendingNeedsCandidatesThatForecastTheNextCall() {
        assertThatThrownBy(() -> Policies.create("auto:blend=on,models=tradeoff+hybrid"))
                .hasMessageContaining("blend=on").hasMessageContaining("'hybrid'");
        assertThatThrownBy(() -> Policies.create("auto:blend=maybe")).hasMessageContaining("blend=maybe");
    }
}
