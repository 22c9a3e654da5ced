package io.forewarm.sim;

import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.TraceGenerator;
import io.forewarm.sim.trace.Unit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Pins {@code auto} against {@code hybrid} on the bundled Azure excerpt, learning on the first four hours and
 * scoring the rest ({@code --score-from 720}), and on a generated 14-day trace, scoring the last day, as recorded
 * in docs/benchmarks.md ("Prediction (issue 5)").
 * The figures were inspected unit by unit (the units whose waste or cold starts differ most from hybrid's,
 * against their idle-time sequences) before they were pinned; a change here is a change of behaviour.
 */
class PredictionRegressionTest {

    private static List<PolicyResult> run(String... specs) throws Exception {
        return Simulation.run(TraceFormats.open("azure2019", Path.of("../traces/azure2019/sample500_8h")),
                List.of(specs), Simulation.Options.paper(Unit.APP).scoringFrom(720));
    }

    /** Target (a): no more cold starts than hybrid, at most half its waste, within the 4 KB state budget. */
    private static void assertMeetsTargetA(PolicyResult a, PolicyResult hybrid) {
        assertThat(a.coldStarts()).isLessThanOrEqualTo(hybrid.coldStarts());
        assertThat(a.wastedGbMinutes()).isLessThanOrEqualTo(0.5 * hybrid.wastedGbMinutes());
        assertThat(a.maxUnitStateBytes()).isLessThan(4096);
    }

    /** Target (b): no more waste than hybrid, and at most half-way from hybrid to the oracle in cold starts. */
    private static void assertMeetsTargetB(PolicyResult b, PolicyResult hybrid, PolicyResult oracle) {
        assertThat(b.wastedGbMinutes()).isLessThanOrEqualTo(hybrid.wastedGbMinutes());
        assertThat((double) b.coldStarts())
                .isLessThanOrEqualTo(hybrid.coldStarts() - 0.5 * (hybrid.coldStarts() - oracle.coldStarts()));
    }

    @Test
    void bothTargetsOnAGeneratedTwoWeekTrace(@TempDir Path dir) throws Exception {
        // The trace of docs/benchmarks.md: 1,000 functions x 14 days, seed 5, the last day (a Sunday) scored.
        TraceGenerator.generate(new TraceGenerator.Options(1000, 14, 5), dir);
        List<PolicyResult> r = Simulation.run(TraceFormats.open("azure2019", dir), List.of("hybrid", "oracle",
                        "auto:cold=19,split=on,shape=on,halflife=1440,drift=off", "auto:cold=88,margin=0.6"),
                Simulation.Options.paper(Unit.APP).scoringFrom(18_720));
        PolicyResult hybrid = r.get(0);
        PolicyResult oracle = r.get(1);
        assertThat(hybrid.coldStarts()).isEqualTo(1111);
        assertThat(hybrid.wastedGbMinutes()).isCloseTo(89_416.4, within(0.1));
        assertThat(oracle.coldStarts()).isZero();

        // Target (a): no more cold starts than hybrid, at most half its waste (49.8%).
        PolicyResult a = r.get(2);
        assertThat(a.coldStarts()).isEqualTo(1099);
        assertThat(a.wastedGbMinutes()).isCloseTo(44_532.8, within(0.1));
        assertMeetsTargetA(a, hybrid);

        // Target (b), by the setting that meets it on the excerpt too.
        PolicyResult b = r.get(3);
        assertThat(b.coldStarts()).isEqualTo(394);
        assertThat(b.wastedGbMinutes()).isCloseTo(86_377.7, within(0.1));
        assertMeetsTargetB(b, hybrid, oracle);
    }

    @Test
    void autoAgainstHybridOnTheExcerpt() throws Exception {
        List<PolicyResult> r = run("hybrid", "oracle", "auto", "auto:cold=160", "auto:cold=88,margin=0.6",
                "auto:cold=160,split=on", "auto:cold=88,margin=0.6,split=on");
        PolicyResult hybrid = r.get(0);
        PolicyResult oracle = r.get(1);
        assertThat(hybrid.coldStarts()).isEqualTo(117);
        assertThat(hybrid.wastedInstanceMinutes()).isEqualTo(54_205);
        assertThat(oracle.coldStarts()).isEqualTo(51);

        PolicyResult auto = r.get(2);
        assertThat(auto.coldStarts()).isEqualTo(160);
        assertThat(auto.wastedInstanceMinutes()).isEqualTo(29_595);
        assertThat(auto.wastedGbMinutes()).isCloseTo(1701.2, within(0.1));

        PolicyResult a = r.get(3);
        assertThat(a.coldStarts()).isEqualTo(114);
        // Target (a) is not met here: fewer cold starts than hybrid, but 56% of its waste, not 50%.
        assertThat(a.coldStarts()).isLessThanOrEqualTo(hybrid.coldStarts());
        assertThat(a.wastedGbMinutes() / hybrid.wastedGbMinutes()).isCloseTo(0.558, within(0.001));

        // The one setting that meets target (b) on this trace and on the generated 14-day one (docs/benchmarks.md).
        PolicyResult b = r.get(4);
        assertThat(b.coldStarts()).isEqualTo(82);
        assertThat(b.wastedInstanceMinutes()).isEqualTo(58_419);
        assertThat(b.wastedGbMinutes()).isCloseTo(4004.0, within(0.1));
        assertMeetsTargetB(b, hybrid, oracle);
        assertThat(b.maxUnitStateBytes()).isLessThan(4096);

        // With the split candidate (2026-11-30): (a) a little closer, 55.0% of hybrid's waste at 115 cold starts,
        // and (b) still met by the same setting.
        PolicyResult splitA = r.get(5);
        assertThat(splitA.coldStarts()).isEqualTo(115);
        assertThat(splitA.wastedGbMinutes()).isCloseTo(2278.8, within(0.1));
        PolicyResult splitB = r.get(6);
        assertThat(splitB.coldStarts()).isEqualTo(83);
        assertThat(splitB.wastedGbMinutes()).isCloseTo(4033.2, within(0.1));
        assertThat(splitB.wastedGbMinutes()).isLessThanOrEqualTo(hybrid.wastedGbMinutes());
        assertThat(splitB.maxUnitStateBytes()).isLessThan(4096);
    }

    @Test
    void blendingMeetsTargetANarrowlyOnTheExcerpt() throws Exception {
        // Candidates' next-call distributions mixed by log-score and priced as one window (2026-11-30): 116 cold
        // starts, no more than hybrid's 117, at 49.96% of its waste. On the generated trace it does not (58.6%).
        List<PolicyResult> r = run("hybrid", "auto:cold=216,blend=on");
        PolicyResult hybrid = r.get(0);
        PolicyResult blend = r.get(1);
        assertThat(blend.coldStarts()).isEqualTo(116);
        assertThat(blend.wastedGbMinutes()).isCloseTo(2071.5, within(0.1));
        assertMeetsTargetA(blend, hybrid);
    }
}
