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
        return new UsageMonitor.Peaks(cpuMillis, peakMb * MB, 0, 0, 0, -1, -1);
    }

    /** A run of 1 s that used 0.1 cores and 20 MB of memory, {@code scratch} bytes of scratch, moved {@code net}. */
    private static UsageMonitor.Peaks io(long scratch, long net) {
        return new UsageMonitor.Peaks(100, 20 * MB, 0, 0, 0, scratch, net);
    }

    @Test
    void scratchDiskAndNetworkAreSizedFromTheRunsWithinTheirBoundsAndUnlimitedStaysUnlimited() {
        // 64 MB scratch, unlimited io, 100 MB/s network; cpu and memory pinned by their bounds.
        ResourceVector limits = new ResourceVector(1, 256 * MB, 64 * MB, 0, 100 * MB);
        Sizing s = new Sizing(fn().limits(limits).minLimits(new ResourceVector(1, 256 * MB, MB, 0, 20 * MB))
                .build(), EVERY_RUN);
        ResourceVector next = null;
        for (int i = 0; i < 3; i++) {
            next = s.observe(limits, io(20 * MB, 10 * MB), 1000, false, i, HOST);
        }
        // 20 MB of scratch: its bucket's edge (at most 8% above) plus the 15% margin.
        assertThat(next.diskBytes()).isBetween(Math.round(20 * MB * 1.15), Math.round(20 * MB * 1.08 * 1.15));
        // 10 MB in 1 s is 11.5 MB/s with the margin: the spec's minimum of 20 MB/s holds it.
        assertThat(next.netBytesPerSecond()).isEqualTo(20 * MB);
        assertThat(next.ioBytesPerSecond()).isZero();
        assertThat(next.cpuCores()).isEqualTo(1);
        assertThat(next.memoryBytes()).isEqualTo(256 * MB);
    }

    @Test
    void unknownScratchAndNetworkLeaveTheSpecsSize() {
        ResourceVector limits = new ResourceVector(1, 256 * MB, 64 * MB, 0, 100 * MB);
        Sizing s = new Sizing(fn().limits(limits).minLimits(ResourceVector.of(0.1, 16 * MB)).build(), EVERY_RUN);
        ResourceVector next = null;
        for (int i = 0; i < 3; i++) {
            next = s.observe(limits, io(-1, -1), 1000, false, i, HOST);
        }
        assertThat(next.diskBytes()).isEqualTo(64 * MB);
        assertThat(next.netBytesPerSecond()).isEqualTo(100 * MB);
    }

    @Test
    void aScratchThatFilledUpGetsMoreDiskAtOnceWithinTheMaximum() {
        ResourceVector limits = new ResourceVector(1, 256 * MB, 8 * MB, 0, 0);
        Sizing s = new Sizing(fn().limits(limits).maxLimits(new ResourceVector(1, 256 * MB, 24 * MB, 0, 0)).build(),
                EVERY_RUN);
        // A page short of the limit is not full; one sample is too few to size anything.
        assertThat(s.observe(limits, io(8 * MB - Sizing.PAGE_BYTES, -1), 1000, false, 0, HOST)).isNull();
        ResourceVector next = s.observe(limits, io(8 * MB, -1), 1000, false, 1, HOST);
        // max(8 MB * 1.2, 8 MB + 16 MB) plus 15% is 27.6 MB: the spec's maximum of 24 MB holds it; memory untouched.
        assertThat(next.diskBytes()).isEqualTo(24 * MB);
        assertThat(next.memoryBytes()).isEqualTo(256 * MB);
    }

    @Test
    void aScratchIsFullWithinAPageOfAnUnalignedLimitAndNeverWhenUnlimited() {
        // tmpfs rounds size=10,000,000 up to 2,442 pages: full is 10,002,432 bytes in use.
        ResourceVector limits = new ResourceVector(1, 0, 10_000_000, 0, 0);
        assertThat(Sizing.scratchFull(limits, io(10_002_432, -1))).isTrue();
        assertThat(Sizing.scratchFull(limits, io(10_002_432 - 2 * Sizing.PAGE_BYTES, -1))).isFalse();
        assertThat(Sizing.scratchFull(ResourceVector.of(1, 0), io(10_002_432, -1))).isFalse();
        assertThat(Sizing.scratchFull(limits, io(-1, -1))).isFalse();
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
