package io.forewarm.engine;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.predict.resources.ResourceRecommender;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.forewarm.engine.TestRig.MB;
import static org.assertj.core.api.Assertions.assertThat;

/** A function's sizing from hand-made runs, without sandboxes: what the next sandbox would get. */
class SizingTest {

    private static final ResourceRecommender.Config EVERY_RUN = ResourceRecommender.Config.DEFAULT.withSampling(0, 3);
    private static final ResourceVector HOST = ResourceVector.of(4, 2048 * MB);

    private static FunctionSpec.Builder fn() {
        return FunctionSpec.builder("f", FunctionSpec.Kind.WORKER, List.of("/bin/true"));
    }

    /** A run of {@code runMillis} that used {@code cpuMillis} and peaked at {@code peakMb}. */
    private static UsageMonitor.Peaks run(long cpuMillis, long peakMb) {
        return new UsageMonitor.Peaks(cpuMillis, peakMb * MB, 0, 0, 0);
    }

    @Test
    void aFunctionWithoutBoundsIsNeverSized() {
        Sizing s = new Sizing(fn().limits(ResourceVector.of(1, 256 * MB)).build(), EVERY_RUN);
        for (int i = 0; i < 5; i++) {
            assertThat(s.observe(ResourceVector.of(1, 256 * MB), run(100, 20), 1000, false, i, HOST)).isNull();
        }
        assertThat(s.status(HOST).sizable()).isFalse();
        assertThat(s.status(HOST).samples()).isZero();
    }

    @Test
    void theSpecsSizeHoldsUntilEnoughRunsThenTheRecommendationWithinTheBounds() {
        // Limits 1 core, 256 MB, unlimited disk and io; runs use 0.1 cores (100 ms cpu over 1 s) and 20 MB.
        ResourceVector limits = ResourceVector.of(1, 256 * MB);
        Sizing s = new Sizing(fn().limits(limits).minLimits(ResourceVector.of(0.25, 32 * MB))
                .maxLimits(ResourceVector.of(2, 512 * MB)).build(), EVERY_RUN);
        assertThat(s.observe(limits, run(100, 20), 1000, false, 0, HOST)).isNull();
        assertThat(s.observe(limits, run(100, 20), 1000, false, 1, HOST)).isNull();
        ResourceVector next = s.observe(limits, run(100, 20), 1000, false, 2, HOST);
        // 0.1 cores * 1.15 (and 20 MB * 1.15) are below the bounds: the minimum; disk and io stay unlimited.
        assertThat(next).isEqualTo(ResourceVector.of(0.25, 32 * MB));
        assertThat(s.status(HOST).active()).isTrue();
        assertThat(s.status(HOST).recommended()).isEqualTo(next);
    }

    @Test
    void anOomBumpsMemoryAtOnceButNeverPastTheHost() {
        ResourceVector limits = ResourceVector.of(1, 256 * MB);
        Sizing s = new Sizing(fn().limits(limits).maxLimits(ResourceVector.of(1, 8192 * MB)).build(), EVERY_RUN);
        ResourceVector next = s.observe(limits, UsageMonitor.Peaks.UNKNOWN, 0, true, 0, HOST);
        // max(256 MB * 1.2, 256 MB + 16 MB) * 1.15 = 353 MB; cpu has no samples: the spec's.
        assertThat(next).isEqualTo(ResourceVector.of(1, Math.round(256 * MB * 1.2 * 1.15)));
        // Killed again at 1,800 MB: 2,160 MB * 1.15 is past the 2 GB host, which caps it.
        ResourceVector bigger = s.observe(ResourceVector.of(1, 1800 * MB), UsageMonitor.Peaks.UNKNOWN, 0, true, 1,
                HOST);
        assertThat(bigger.memoryBytes()).isEqualTo(2048 * MB);
    }

    @Test
    void aClockThatStepsBackDoesNotBreakTheSamples() {
        ResourceVector limits = ResourceVector.of(1, 256 * MB);
        Sizing s = new Sizing(fn().limits(limits).minLimits(ResourceVector.of(0.1, 16 * MB)).build(), EVERY_RUN);
        s.observe(limits, run(500, 100), 1000, false, 5_000, HOST);
        s.observe(limits, run(500, 100), 1000, false, 4_000, HOST); // NTP stepped the wall clock back
        assertThat(s.observe(limits, run(500, 100), 1000, false, 4_500, HOST).memoryBytes())
                .isBetween(Math.round(100 * MB * 1.15), Math.round(100 * MB * 1.08 * 1.15));
    }
}
