package io.forewarm.predict.resources;

import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Timelines of usage samples and the sizes they lead to. */
class ResourceRecommenderTest {

    private static final long MB = 1 << 20;
    private static final long HOUR = 3_600_000;
    private static final double EDGE = DecayingHistograms.RATIO;
    private static final ResourceVector NO_MIN = ResourceVector.ZERO;
    private static final ResourceVector NO_MAX = ResourceVector.ZERO;
    private static final ResourceVector SPEC = new ResourceVector(1, 512 * MB, 100 * MB, 0, 0);
    private static final ResourceRecommender.Config DEFAULT = ResourceRecommender.Config.DEFAULT;

    private static ResourceVector usage(double cpu, long memMb) {
        return new ResourceVector(cpu, memMb * MB, 10 * MB, 2_000_000, 1_000_000);
    }

    @Test
    void steadyUsageGivesItsLevelPlusTheMargin() {
        // 100 samples of 0.5 cores and 200 MB over a day. The 90th/95th percentile falls in the bucket holding
        // the value, whose upper edge is at most 8% above it; then +15%.
        ResourceRecommender r = new ResourceRecommender(DEFAULT);
        for (int i = 0; i < 100; i++) {
            r.record(usage(0.5, 200), i * HOUR / 4);
        }
        ResourceVector rec = r.recommend(NO_MIN, NO_MAX, SPEC);
        assertThat(rec.cpuCores()).isBetween(0.5 * 1.15, 0.5 * EDGE * 1.15);
        assertThat(rec.memoryBytes()).isBetween(Math.round(200 * MB * 1.15), Math.round(200 * MB * EDGE * 1.15));
        assertThat(rec.diskBytes()).isBetween(Math.round(10 * MB * 1.15), Math.round(10 * MB * EDGE * 1.15));
        assertThat(rec.ioBytesPerSecond()).isBetween(2_300_000L, Math.round(2_300_000 * EDGE));
        assertThat(rec.netBytesPerSecond()).isBetween(1_150_000L, Math.round(1_150_000 * EDGE));
    }

    @Test
    void theFallbackHoldsUntilADimensionHasEnoughSamples() {
        ResourceRecommender r = new ResourceRecommender(DEFAULT);
        for (int i = 0; i < 9; i++) {
            r.record(usage(0.5, 200), i * HOUR);
        }
        assertThat(r.active()).isFalse();
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC)).isEqualTo(SPEC);
        r.record(Dimension.MEMORY, 200 * MB, 9 * HOUR);
        assertThat(r.sized(Dimension.MEMORY)).isTrue();
        assertThat(r.sized(Dimension.CPU)).isFalse();
        ResourceVector rec = r.recommend(NO_MIN, NO_MAX, SPEC);
        assertThat(rec.memoryBytes()).isLessThan(300 * MB);
        assertThat(rec.cpuCores()).as("cpu still has 9 samples").isEqualTo(1);
    }

    @Test
    void samplesWithinOneIntervalCountOnceAtTheirPeak() {
        // 600 runs in one minute, 10..100 MB then 20 MB: one sample, the 100 MB peak (an interval's later,
        // lower values do not replace it). Ten such minutes give the 10 samples sizing needs.
        ResourceRecommender r = new ResourceRecommender(DEFAULT);
        for (int minute = 0; minute < 10; minute++) {
            for (int i = 0; i < 600; i++) {
                long mb = i < 500 ? 10 + i % 91 : 20;
                r.record(Dimension.MEMORY, mb * MB, minute * 60_000L + i * 100L);
            }
        }
        assertThat(r.samples()).isEqualTo(10);
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC).memoryBytes())
                .isBetween(Math.round(100 * MB * 1.15), Math.round(100 * MB * EDGE * 1.15));
    }

    @Test
    void oldUsageFadesWithTheHalfLife() {
        // One day at 2 cores, then three days at 0.2 cores, one sample an hour. With a 24 h half-life the old
        // day's samples weigh 2^0..2^1 against 2^1..2^4 for the new ones: about 7% of the weight, below the
        // 10% the 90th percentile leaves above it. So the recommendation follows the new level.
        ResourceRecommender r = new ResourceRecommender(DEFAULT);
        long t = 0;
        for (; t < 24 * HOUR; t += HOUR) {
            r.record(usage(2, 300), t);
        }
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC).cpuCores()).isGreaterThan(2 * 1.15);
        for (; t < 4 * 24 * HOUR; t += HOUR) {
            r.record(usage(0.2, 300), t);
        }
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC).cpuCores()).isLessThan(0.2 * EDGE * 1.15 + 1e-9);
    }

    @Test
    void anOomKillBumpsMemoryForAHalfLife() {
        // Usage around 200 MB, then a kill at the 256 MB limit: at least max(256 * 1.2, 256 + 16) = 307 MB,
        // plus the 15% margin.
        ResourceRecommender r = new ResourceRecommender(DEFAULT);
        for (int i = 0; i < 50; i++) {
            r.record(usage(0.3, 200), i * HOUR);
        }
        r.recordOom(256 * MB, 50 * HOUR);
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC).memoryBytes()).isGreaterThanOrEqualTo(Math.round(256 * MB * 1.2 * 1.15));
        for (int i = 51; i < 75; i++) {
            r.record(usage(0.3, 200), i * HOUR);
        }
        // A half-life after the kill the floor is gone, and one bumped sample among 75 is above the 95th
        // percentile: back near 200 MB.
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC).memoryBytes()).isLessThan(Math.round(300 * MB));
    }

    @Test
    void anOomKillBumpsMemoryEvenBeforeThereAreEnoughSamples() {
        ResourceRecommender r = new ResourceRecommender(DEFAULT);
        r.record(usage(0.3, 60), 0);
        r.recordOom(64 * MB, 1000);
        assertThat(r.active()).isTrue();
        ResourceVector rec = r.recommend(NO_MIN, NO_MAX, ResourceVector.of(0.5, 64 * MB));
        // max(64 MB * 1.2, 64 MB + 16 MB) = 80 MB, plus the margin.
        assertThat(rec.memoryBytes()).isEqualTo(Math.round(80 * MB * 1.15));
        assertThat(rec.cpuCores()).isEqualTo(0.5);
    }

    @Test
    void aFullScratchBumpsDiskAloneAndOnlyMemoryAndDiskCanBeHit() {
        ResourceRecommender r = new ResourceRecommender(DEFAULT);
        ResourceVector spec = new ResourceVector(0.5, 64 * MB, 8 * MB, 0, 0);
        r.recordLimitHit(Dimension.DISK, 8 * MB, 1000);
        assertThat(r.active()).isTrue();
        ResourceVector rec = r.recommend(ResourceVector.ZERO, ResourceVector.ZERO, spec);
        // max(8 MB * 1.2, 8 MB + 16 MB) = 24 MB, plus the margin; memory has no floor: the spec's.
        assertThat(rec.diskBytes()).isEqualTo(Math.round(24 * MB * 1.15));
        assertThat(rec.memoryBytes()).isEqualTo(64 * MB);
        assertThatThrownBy(() -> r.recordLimitHit(Dimension.NET, MB, 2000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NET is throttled");
    }

    @Test
    void theBoundsLimitTheRecommendation() {
        ResourceRecommender r = new ResourceRecommender(DEFAULT);
        for (int i = 0; i < 10; i++) {
            r.record(usage(4, 3000), i * HOUR);
        }
        ResourceVector min = new ResourceVector(0.1, 64 * MB, 0, 0, 0);
        ResourceVector max = new ResourceVector(2, 1024 * MB, 0, 0, 0);
        ResourceVector rec = r.recommend(min, max, SPEC);
        assertThat(rec.cpuCores()).isEqualTo(2);
        assertThat(rec.memoryBytes()).isEqualTo(1024 * MB);
        assertThat(rec.diskBytes()).as("no max: unbounded").isGreaterThan(10 * MB);
        ResourceRecommender idle = new ResourceRecommender(DEFAULT.withSampling(0, 1));
        idle.record(usage(0, 1), 0);
        assertThat(idle.recommend(min, max, SPEC).cpuCores()).isEqualTo(0.1);
        assertThat(idle.recommend(min, max, SPEC).memoryBytes()).isEqualTo(64 * MB);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void thePercentileIsTheSmallestBucketEdgeCoveringThatShareOfTheSamples(long seed) {
        // Same-time samples have equal weight: the answer must cover >= 90% of them and its bucket's lower
        // edge must not (the next smaller answer would not do).
        Random rnd = new Random(seed);
        DecayingHistograms h = new DecayingHistograms(2, HOUR);
        double[] values = new double[500];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(2 + rnd.nextGaussian());
            h.add(1, values[i], 0);
        }
        assertThat(h.percentile(0, 0.9)).as("the other histogram is empty").isNaN();
        double p90 = h.percentile(1, 0.9);
        long covered = Arrays.stream(values).filter(v -> v <= p90 * (1 + 1e-9)).count();
        long coveredBelow = Arrays.stream(values).filter(v -> v <= p90 / EDGE * (1 + 1e-9)).count();
        assertThat(covered).isGreaterThanOrEqualTo(450);
        assertThat(coveredBelow).isLessThan(450);
    }

    @Test
    void weightsRenormaliseWithoutChangingTheShape() {
        // Samples 200 half-lives apart would overflow 2^exponent; the shift keeps only the newest meaningful.
        DecayingHistograms h = new DecayingHistograms(1, 1000);
        h.add(0, 1, 0);
        h.add(0, 100, 200_000);
        h.add(0, 100, 200_500);
        assertThat(h.percentile(0, 0.5)).isCloseTo(100 * EDGE, within(100 * (EDGE - 1)));
    }

    @Test
    void oneFunctionsStateStaysUnderFourKilobytes() {
        // Fill every bucket of every dimension: the state is fixed-size, so this is the worst case.
        ResourceRecommender r = new ResourceRecommender(DEFAULT.withSampling(0, 1));
        long t = 0;
        for (int b = 0; b < DecayingHistograms.BUCKETS; b++) {
            double x = DecayingHistograms.upperEdge(b);
            for (Dimension d : Dimension.values()) {
                r.record(d, x * d.unit(), t++);
            }
        }
        assertThat(r.heapBytes()).isLessThan(4096);
        // And measured: what constructing one allocates on this thread (HotSpot counts exactly).
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ResourceRecommender[] keep = new ResourceRecommender[100];
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < keep.length; i++) {
            keep[i] = new ResourceRecommender(DEFAULT);
        }
        long perFunction = (threads.getCurrentThreadAllocatedBytes() - before) / keep.length;
        assertThat(perFunction).isLessThan(4096).isLessThanOrEqualTo(r.heapBytes() + 64);
    }

    @Test
    void badInputFailsNamingIt() {
        assertThatThrownBy(() -> new ResourceRecommender.Config(0, 0.95, 0.15, HOUR, 1.2, 0, 0, 1))
                .hasMessageContaining("ratePercentile=0");
        assertThatThrownBy(() -> new ResourceRecommender.Config(0.9, 0.95, -1, HOUR, 1.2, 0, 0, 1))
                .hasMessageContaining("margin=-1");
        assertThatThrownBy(() -> new ResourceRecommender.Config(0.9, 0.95, 0.1, HOUR, 0.5, 0, 0, 1))
                .hasMessageContaining("oomBump=0.5");
        assertThatThrownBy(() -> DEFAULT.withSampling(-1, 1)).hasMessageContaining("intervalMillis=-1");
        assertThatThrownBy(() -> DEFAULT.withSampling(0, 0)).hasMessageContaining("minSamples=0");
        ResourceRecommender r = new ResourceRecommender(DEFAULT);
        r.record(usage(1, 1), 10);
        assertThatThrownBy(() -> r.record(usage(1, 1), 5)).hasMessageContaining("before the previous one");
    }
}
