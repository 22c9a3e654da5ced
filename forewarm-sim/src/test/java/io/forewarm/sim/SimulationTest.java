package io.forewarm.sim;

import io.forewarm.sim.trace.FunctionKey;
import io.forewarm.sim.trace.FunctionSeries;
import io.forewarm.sim.trace.Trace;
import io.forewarm.sim.trace.Unit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SimulationTest {

    /** An in-memory trace over minutes 0..29. */
    private record ListTrace(List<FunctionSeries> series, int minutes) implements Trace {
        @Override
        public String description() {
            return "test";
        }

        @Override
        public int firstMinute() {
            return 0;
        }

        @Override
        public void forEach(Consumer<FunctionSeries> consumer) {
            series.forEach(consumer);
        }
    }

    private static FunctionSeries fn(String app, String name, double memoryMb, int... minutes) {
        int[] counts = new int[minutes.length];
        Arrays.fill(counts, 1);
        return new FunctionSeries(new FunctionKey("o", app, name, "http"), minutes, counts, null, null, memoryMb);
    }

    @Test
    void appUnitMergesItsFunctionsAndSumsTheirMemory() throws Exception {
        // App a: f at 0 and 20, g at 5 -> app events 0, 5, 20 (as in PaperModelTest: fixed:10 -> 2 cold,
        // 23 idle minutes) with 512 + 512 MB = 1 GB -> 23 GB-minutes.
        Trace trace = new ListTrace(List.of(fn("a", "f", 512, 0, 20), fn("a", "g", 512, 5)), 30);
        PolicyResult r = Simulation.run(trace, List.of("fixed:10"), Simulation.Options.paper(Unit.APP)).get(0);
        assertThat(r.units()).isEqualTo(1);
        assertThat(r.events()).isEqualTo(3);
        assertThat(r.coldStarts()).isEqualTo(2);
        assertThat(r.wastedInstanceMinutes()).isEqualTo(23);
        assertThat(r.wastedGbMinutes()).isCloseTo(23.0, within(1e-9));
    }

    @Test
    void functionUnitKeepsFunctionsApartAndReportsTheP75OfUnitColdPercentages() throws Exception {
        // Under none every event is cold: four units at 100%. Under fixed:10:
        // f: 0, 20 -> 2 cold of 2 (100%); g: 5 -> 1 of 1 (100%); h: 0,1,2,3 -> 1 of 4 (25%);
        // k: 0,2,4,6,8 -> 1 of 5 (20%). Sorted 20, 25, 100, 100: nearest-rank p75 = 3rd = 100.
        Trace trace = new ListTrace(List.of(fn("a", "f", 100, 0, 20), fn("a", "g", 100, 5),
                fn("b", "h", 100, 0, 1, 2, 3), fn("c", "k", 100, 0, 2, 4, 6, 8)), 30);
        PolicyResult r = Simulation.run(trace, List.of("fixed:10"), Simulation.Options.paper(Unit.FUNCTION)).get(0);
        assertThat(r.units()).isEqualTo(4);
        assertThat(r.events()).isEqualTo(12);
        assertThat(r.coldStarts()).isEqualTo(5);
        assertThat(r.coldStartPct()).isCloseTo(100.0 * 5 / 12, within(1e-9));
        assertThat(r.p75UnitColdStartPct()).isEqualTo(100.0);
    }

    @Test
    void unknownMemoryFallsBackToTheDefault() throws Exception {
        Trace trace = new ListTrace(List.of(fn("a", "f", Double.NaN, 25)), 30);
        PolicyResult r = Simulation.run(trace, List.of("fixed:10"), Simulation.Options.paper(Unit.APP)).get(0);
        // 4 idle minutes (26..29) at the 128 MB default = 0.5 GB-minutes.
        assertThat(r.wastedGbMinutes()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aBadPolicySpecFailsBeforeTheTraceIsRead() {
        assertThatThrownBy(() -> Simulation.run(new Trace() {
            @Override
            public String description() {
                return "never";
            }

            @Override
            public int firstMinute() {
                return 0;
            }

            @Override
            public int minutes() {
                return 1;
            }

            @Override
            public void forEach(Consumer<FunctionSeries> consumer) {
                throw new AssertionError("the trace must not be read");
            }
        }, List.of("fixed:10", "fixed:ten"), Simulation.Options.paper(Unit.APP)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep=ten");
    }

    /** Random sparse timelines: bounds every policy must respect, seeded so failures reproduce. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void oracleBoundsEveryPolicyAndLongerKeepAliveTradesMemoryForColdStarts(long seed) throws Exception {
        Random rnd = new Random(seed);
        int minutes = 600;
        List<FunctionSeries> fns = new ArrayList<>();
        for (int f = 0; f < 40; f++) {
            double density = Math.pow(10, -rnd.nextDouble() * 2.5); // 0.3% .. 100% of minutes active
            List<Integer> active = new ArrayList<>();
            for (int m = 0; m < minutes; m++) {
                if (rnd.nextDouble() < density) {
                    active.add(m);
                }
            }
            if (!active.isEmpty()) {
                fns.add(fn("app" + (f % 25), "f" + f, 64 + rnd.nextInt(512),
                        active.stream().mapToInt(Integer::intValue).toArray()));
            }
        }
        Trace trace = new ListTrace(fns, minutes);
        List<PolicyResult> rs = Simulation.run(trace,
                List.of("oracle", "none", "fixed:1", "fixed:5", "fixed:20", "fixed:120"),
                Simulation.Options.paper(Unit.APP).scoringFrom(100));
        PolicyResult oracle = rs.get(0);
        PolicyResult none = rs.get(1);
        assertThat(oracle.wastedInstanceMinutes()).isZero();
        assertThat(none.coldStarts()).isEqualTo(none.events());
        assertThat(none.wastedInstanceMinutes()).isZero();
        for (PolicyResult r : rs) {
            assertThat(r.events()).isEqualTo(oracle.events());
            assertThat(r.coldStarts()).as(r.policy()).isGreaterThanOrEqualTo(oracle.coldStarts());
        }
        for (int i = 2; i + 1 < rs.size(); i++) {
            assertThat(rs.get(i + 1).coldStarts()).isLessThanOrEqualTo(rs.get(i).coldStarts());
            assertThat(rs.get(i + 1).wastedInstanceMinutes()).isGreaterThanOrEqualTo(rs.get(i).wastedInstanceMinutes());
        }
    }
}
