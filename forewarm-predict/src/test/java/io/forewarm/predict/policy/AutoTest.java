package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutoTest {

    private static final long MIN = 60_000;

    @Test
    void candidatesComeFromTheRegistryAndTheKnobReachesThem() {
        Auto auto = (Auto) Policies.create("auto:cold=8,rent=0.5");
        assertThat(auto.candidates()).extracting(Policy::spec)
                .containsExactly("tradeoff:cold=8.0,rent=0.5,margin=0.0", "periodic:fallback=0", "seasonal");
        assertThat(((Auto) Policies.create("auto:cold=8,split=on")).candidates()).extracting(Policy::spec)
                .endsWith("split:cold=8.0,rent=0.1,margin=0.0");
        assertThat(((Auto) Policies.create("auto:cold=8,shape=on")).candidates()).extracting(Policy::spec)
                .containsExactly("tradeoff:cold=8.0,rent=0.1,margin=0.0", "periodic:fallback=0",
                        "seasonal:cold=8.0,harmonics=2");
        Auto custom = (Auto) Policies.create("auto:models=fixed:5+periodic:cycle=0/fallback=1+hybrid");
        assertThat(custom.candidates()).extracting(Policy::spec)
                .containsExactly("fixed:5", "periodic:cycle=0,fallback=1", "hybrid");
        assertThat(custom.crossUnit()).isFalse();
        assertThat(((Auto) Policies.create("auto:models=fixed+chain")).crossUnit()).isTrue();
    }

    @Test
    void badParametersFailNamingThem() {
        assertThatThrownBy(() -> Policies.create("auto:cold=-1")).hasMessageContaining("cold=-1");
        assertThatThrownBy(() -> Policies.create("auto:models=auto+fixed")).hasMessageContaining("other than auto");
        assertThatThrownBy(() -> Policies.create("auto:models=lru")).hasMessageContaining("unknown policy 'lru'");
        assertThatThrownBy(() -> Policies.create("auto:drift=maybe")).hasMessageContaining("drift=maybe");
        assertThatThrownBy(() -> Policies.create("auto:retrain=2.5")).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> Policies.create("auto:colds=3")).hasMessageContaining("unknown parameter colds=3");
        assertThatThrownBy(() -> Policies.create("periodic:support=0.2")).hasMessageContaining("support=0.2");
        assertThatThrownBy(() -> Policies.create("seasonal:horizon=0")).hasMessageContaining("horizon=0");
        assertThatThrownBy(() -> Policies.create("chain:delay=61")).hasMessageContaining("delay=61");
        assertThatThrownBy(() -> Policies.create("tradeoff:history=2")).hasMessageContaining("history=2");
    }

    @Test
    void aTimerGetsTheExactTickWindowWhicheverCandidateWins() {
        UnitPolicy u = Policies.create("auto").newUnit(UnitProfile.of("t", 256, 0));
        Window w = null;
        for (long t = 0; t < 24 * 60; t += 15) {
            w = u.onArrival(t * MIN);
        }
        assertThat(w).isEqualTo(Window.ofMinutes(15, 0));
        u.verify();
        // it says which candidate decided and what each has cost lately
        assertThat(u.explain()).startsWith("uses ").contains("recent backtest cost per arrival",
                "tradeoff:cold=", "periodic:fallback=0 0.00", "seasonal");
        assertThat(Policies.create("auto").newUnit(UnitProfile.of("n", 256, 0)).explain()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1:auto", "2:auto", "3:auto", "1:auto:split=on", "2:auto:split=on",
        "1:auto:blend=on,split=on", "2:auto:blend=on", "1:auto:split=on,shape=on,halflife=1440,drift=off"})
    void stateStaysUnderFourKilobytesOnLongMixedHistories(String seedAndSpec) {
        // Two weeks of a unit that changes between busy, timer and rare behaviour: every table allocated.
        Random rnd = new Random(Long.parseLong(seedAndSpec.substring(0, 1)));
        Auto.Unit u = (Auto.Unit) Policies.create(seedAndSpec.substring(2)).newUnit(UnitProfile.of("m", 512, 0));
        long t = 0;
        while (t < 14 * 1440) {
            int mode = (int) (t / 1440 % 3);
            t += switch (mode) {
                case 0 -> 1 + rnd.nextInt(3);
                case 1 -> 15;
                default -> 60 + rnd.nextInt(600);
            };
            u.onArrival(t * MIN);
        }
        u.verify();
        assertThat(u.stateBytes()).isBetween(1000L, 4096L);
        // The figure is honest: it counts at least each candidate's own arrays.
        assertThat(u.stateBytes()).isGreaterThan(HeapBytes.array(168, 4) + HeapBytes.array(64, 4)
                + HeapBytes.array(32, 8) + HeapBytes.array(60, 4));
    }

    @Test
    void driftIsDetectedAndTheModelsRecover() {
        // A 15-minute timer for three days, then every 7 minutes at another phase. The timer windows miss after
        // the change; Page-Hinkley sees the cost rise and the candidates are rebuilt from recent arrivals.
        Auto.Unit u = (Auto.Unit) Policies.create("auto").newUnit(UnitProfile.of("d", 256, 0));
        long t = 0;
        while (t < 3 * 1440) {
            u.onArrival(t * MIN);
            t += 15;
        }
        t += 3;
        int coldAfter = 0;
        int events = 0;
        for (int i = 0; i < 600; i++, t += 7) {
            Window w = u.onArrival(t * MIN);
            if (i >= 50) {
                events++;
                coldAfter += w.isWarmAfter(7 * MIN) ? 0 : 1; // the next arrival is 7 minutes later
            }
        }
        assertThat(u.drifts()).isGreaterThanOrEqualTo(1);
        assertThat(coldAfter).as("cold starts in the %d events from the 50th after the change", events).isZero();
        u.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"decay=0.9:fixed:5", "halflife=1440:fixed:60"})
    void aMissIsForgottenByEventsUnderDecayButByTimeWithAHalfLife(String discountAndChoice) {
        // fixed:5 misses a 30-minute gap that fixed:60 covers (at a price of 200 idle minutes); 200 calls a minute
        // apart cost both the same; then a 70-minute gap both miss, where fixed:5 wastes 55 minutes less. By event
        // the old miss has faded after 200 calls and fixed:5 takes over; by time 230 minutes is a sixth of a day.
        String discount = discountAndChoice.substring(0, discountAndChoice.indexOf(':'));
        Auto auto = (Auto) Policies.create("auto:cold=200,drift=off," + discount + ",models=fixed:5+fixed:60");
        Auto.Unit u = (Auto.Unit) auto.newUnit(UnitProfile.of("h", 1024, 0));
        long t = 0;
        u.onArrival(t);
        u.onArrival((t += 30) * MIN);
        assertThat(auto.candidates().get(u.chosen()).spec()).isEqualTo("fixed:60");
        for (int i = 0; i < 200; i++) {
            u.onArrival((t += 1) * MIN);
        }
        u.onArrival((t += 70) * MIN);
        assertThat(auto.candidates().get(u.chosen()).spec())
                .isEqualTo(discountAndChoice.substring(discountAndChoice.indexOf(':') + 1));
        assertThat(u.explain())
                .contains(discount.startsWith("halflife") ? "halving every 1440 minutes" : "per arrival");
        u.verify();
        assertThatThrownBy(() -> Policies.create("auto:halflife=-1")).hasMessageContaining("halflife=-1");
    }

    @Test
    void pageHinkleySignalsARiseNotNoise() {
        PageHinkley ph = new PageHinkley(0.05, 3);
        Random rnd = new Random(1);
        for (int i = 0; i < 2000; i++) {
            assertThat(ph.add(rnd.nextDouble() < 0.05 ? 1 : 0)).as("event %d", i).isFalse();
        }
        boolean signalled = false;
        for (int i = 0; i < 20 && !signalled; i++) {
            signalled = ph.add(1);
        }
        assertThat(signalled).isTrue();
    }
}
