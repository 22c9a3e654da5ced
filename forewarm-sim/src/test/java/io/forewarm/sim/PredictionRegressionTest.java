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
        List<PolicyResult> r = run("hybrid", "oracle", "auto", "auto:cold=128", "auto:cold=256,margin=0.2");
        PolicyResult hybrid = r.get(0);
        PolicyResult oracle = r.get(1);
        assertThat(hybrid.coldStarts()).isEqualTo(117);
        assertThat(hybrid.wastedInstanceMinutes()).isEqualTo(54_205);
        assertThat(oracle.coldStarts()).isEqualTo(51);

        PolicyResult auto = r.get(2);
        assertThat(auto.coldStarts()).isEqualTo(151);
        assertThat(auto.wastedInstanceMinutes()).isEqualTo(30_739);
        assertThat(auto.wastedGbMinutes()).isCloseTo(1800.6, within(0.1));

        PolicyResult cold128 = r.get(3);
        assertThat(cold128.coldStarts()).isEqualTo(115);
        assertThat(cold128.wastedInstanceMinutes()).isEqualTo(37_214);
        // Target (a) is not met here: as few cold starts as hybrid, but 56% of its waste, not 50%.
        assertThat(cold128.coldStarts()).isLessThanOrEqualTo(hybrid.coldStarts());
        assertThat(cold128.wastedGbMinutes() / hybrid.wastedGbMinutes()).isCloseTo(0.559, within(0.001));

        PolicyResult b = r.get(4);
        assertThat(b.coldStarts()).isEqualTo(80);
        assertThat(b.wastedInstanceMinutes()).isEqualTo(48_585);
        // Target (b): no more waste than hybrid, and at most half-way from hybrid to the oracle in cold starts.
        assertThat(b.wastedGbMinutes()).isLessThanOrEqualTo(hybrid.wastedGbMinutes());
        assertThat((double) b.coldStarts())
                .isLessThanOrEqualTo(hybrid.coldStarts() - 0.5 * (hybrid.coldStarts() - oracle.coldStarts()));
        assertThat(b.maxUnitStateBytes()).isLessThan(4096);
    }
}
