package io.forewarm.sim;

import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.Unit;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Pins {@code auto} against {@code hybrid} on the bundled Azure excerpt, learning on the first four hours and
 * scoring the rest ({@code --score-from 720}), as recorded in docs/benchmarks.md ("Prediction (issue 5)").
 * The figures were inspected unit by unit (the units whose waste or cold starts differ most from hybrid's,
 * against their idle-time sequences) before they were pinned; a change here is a change of behaviour.
 */
class PredictionRegressionTest {

    private static List<PolicyResult> run(String... specs) throws Exception {
        return Simulation.run(TraceFormats.open("azure2019", Path.of("../traces/azure2019/sample500_8h")),
                List.of(specs), Simulation.Options.paper(Unit.APP).scoringFrom(720));
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
        // Target (b): no more waste than hybrid, and at most half-way from hybrid to the oracle in cold starts.
        assertThat(b.wastedGbMinutes()).isLessThanOrEqualTo(hybrid.wastedGbMinutes());
        assertThat((double) b.coldStarts())
                .isLessThanOrEqualTo(hybrid.coldStarts() - 0.5 * (hybrid.coldStarts() - oracle.coldStarts()));
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
        assertThat(blend.coldStarts()).isLessThanOrEqualTo(hybrid.coldStarts());
        assertThat(blend.wastedGbMinutes()).isLessThanOrEqualTo(0.5 * hybrid.wastedGbMinutes());
        assertThat(blend.maxUnitStateBytes()).isLessThan(4096);
    }
}
