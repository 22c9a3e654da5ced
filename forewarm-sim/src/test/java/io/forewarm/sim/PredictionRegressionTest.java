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
        List<PolicyResult> r = run("hybrid", "oracle", "auto", "auto:cold=160", "auto:cold=88,margin=0.6");
        PolicyResult hybrid = r.get(0);
        PolicyResult oracle = r.get(1);
        assertThat(hybrid.coldStarts()).isEqualTo(117);
        assertThat(hybrid.wastedInstanceMinutes()).isEqualTo(54_205);
        assertThat(oracle.coldStarts()).isEqualTo(51);

        PolicyResult auto = r.get(2);
        assertThat(auto.coldStarts()).isEqualTo(168);
        assertThat(auto.wastedInstanceMinutes()).isEqualTo(28_973);
        assertThat(auto.wastedGbMinutes()).isCloseTo(1613.5, within(0.1));

        PolicyResult a = r.get(3);
        assertThat(a.coldStarts()).isEqualTo(115);
        // Target (a) is not met here: fewer cold starts than hybrid, but 55% of its waste, not 50%.
        assertThat(a.coldStarts()).isLessThanOrEqualTo(hybrid.coldStarts());
        assertThat(a.wastedGbMinutes() / hybrid.wastedGbMinutes()).isCloseTo(0.550, within(0.001));

        // The one setting that meets target (b) on this trace and on the generated 14-day one (docs/benchmarks.md).
        PolicyResult b = r.get(4);
        assertThat(b.coldStarts()).isEqualTo(83);
        assertThat(b.wastedInstanceMinutes()).isEqualTo(58_572);
        assertThat(b.wastedGbMinutes()).isCloseTo(4033.2, within(0.1));
        // Target (b): no more waste than hybrid, and at most half-way from hybrid to the oracle in cold starts.
        assertThat(b.wastedGbMinutes()).isLessThanOrEqualTo(hybrid.wastedGbMinutes());
        assertThat((double) b.coldStarts())
                .isLessThanOrEqualTo(hybrid.coldStarts() - 0.5 * (hybrid.coldStarts() - oracle.coldStarts()));
        assertThat(b.maxUnitStateBytes()).isLessThan(4096);
    }
}
