package io.forewarm.predict.resources;

import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Timelines of usage samples and the sizes they lead to. */
class ResourceRecommenderTest {

    private static final long MB = 1 << 20;
    private static final long HOUR = 3_600_000;
    private static final ResourceVector NO_MIN = ResourceVector.ZERO;
    private static final ResourceVector NO_MAX = ResourceVector.ZERO;
    private static final ResourceVector SPEC = new ResourceVector(1, 512 * MB, 100 * MB, 0, 0);

    private static ResourceVector usage(double cpu, long memMb) {
        return new ResourceVector(cpu, memMb * MB, 10 * MB, 2_000_000, 1_000_000);
    }

    @Test
    void steadyUsageGivesItsLevelPlusTheMargin() {
        // 100 samples of 0.5 cores and 200 MB over a day. The 90th/95th percentile falls in the bucket holding
        // the value, whose upper edge is at most 5% above it; then +15%.
        ResourceRecommender r = new ResourceRecommender(ResourceRecommender.Config.DEFAULT);
        for (int i = 0; i < 100; i++) {
            r.record(usage(0.5, 200), i * HOUR / 4);
        }
        ResourceVector rec = r.recommend(NO_MIN, NO_MAX, SPEC);
        assertThat(rec.cpuCores()).isBetween(0.5 * 1.15, 0.5 * 1.05 * 1.15);
        assertThat(rec.memoryBytes()).isBetween(Math.round(200 * MB * 1.15), Math.round(200 * MB * 1.05 * 1.15));
        assertThat(rec.diskBytes()).isBetween(Math.round(10 * MB * 1.15), Math.round(10 * MB * 1.05 * 1.15));
        assertThat(rec.ioBytesPerSecond()).isBetween(2_300_000L, 2_415_000L);
        assertThat(rec.netBytesPerSecond()).isBetween(1_150_000L, 1_207_500L);
    }

    @Test
    void oldUsageFadesWithTheHalfLife() {
        // One day at 2 cores, then three days at 0.2 cores, one sample an hour. With a 24 h half-life the old
        // day's samples weigh 2^0..2^1 against 2^1..2^4 for the new ones: about 7% of the weight, below the
        // 10% the 90th percentile leaves above it. So the recommendation follows the new level.
        ResourceRecommender r = new ResourceRecommender(ResourceRecommender.Config.DEFAULT);
        long t = 0;
        for (; t < 24 * HOUR; t += HOUR) {
            r.record(usage(2, 300), t);
        }
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC).cpuCores()).isGreaterThan(2 * 1.15);
        for (; t < 4 * 24 * HOUR; t += HOUR) {
            r.record(usage(0.2, 300), t);
        }
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC).cpuCores()).isLessThan(0.2 * 1.05 * 1.15 + 1e-9);
    }

    @Test
    void anOomKillBumpsMemory() {
        // Usage around 200 MB, then a kill at the 256 MB limit: at least max(256 * 1.2, 256 + 100) = 356 MB,
        // plus the 15% margin.
        ResourceRecommender r = new ResourceRecommender(ResourceRecommender.Config.DEFAULT);
        for (int i = 0; i < 50; i++) {
            r.record(usage(0.3, 200), i * HOUR);
        }
        r.recordOom(256 * MB, 50 * HOUR);
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC).memoryBytes()).isGreaterThanOrEqualTo(Math.round(356 * MB * 1.15));
        r.clearOomFloor();
        // Once the floor is cleared, one bumped sample among 51 is above the 95th percentile: back near 200 MB.
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC).memoryBytes()).isLessThan(Math.round(356 * MB));
    }

    @Test
    void theSpecBoundsTheRecommendationAndFillsDimensionsWithoutSamples() {
        ResourceRecommender r = new ResourceRecommender(ResourceRecommender.Config.DEFAULT);
        assertThat(r.recommend(NO_MIN, NO_MAX, SPEC)).isEqualTo(SPEC);
        for (int i = 0; i < 10; i++) {
            r.record(usage(4, 3000), i * HOUR);
        }
        ResourceVector min = new ResourceVector(0.1, 64 * MB, 0, 0, 0);
        ResourceVector max = new ResourceVector(2, 1024 * MB, 0, 0, 0);
        ResourceVector rec = r.recommend(min, max, SPEC);
        assertThat(rec.cpuCores()).isEqualTo(2);
        assertThat(rec.memoryBytes()).isEqualTo(1024 * MB);
        assertThat(rec.diskBytes()).as("no max: unbounded").isGreaterThan(10 * MB);
        ResourceRecommender idle = new ResourceRecommender(ResourceRecommender.Config.DEFAULT);
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
        DecayingHistogram h = new DecayingHistogram(0.01, 1.05, 1024, HOUR);
        double[] values = new double[500];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(rnd.nextGaussian());
            h.add(values[i], 1, 0);
        }
        double p90 = h.percentile(0.9);
        long covered = Arrays.stream(values).filter(v -> v <= p90 * (1 + 1e-9)).count();
        long coveredBelow = Arrays.stream(values).filter(v -> v <= p90 / 1.05 * (1 + 1e-9)).count();
        assertThat(covered).isGreaterThanOrEqualTo(450);
        assertThat(coveredBelow).isLessThan(450);
    }

    @Test
    void weightsRenormaliseWithoutChangingTheShape() {
        // Samples 200 half-lives apart would overflow 2^exponent; the shift keeps only the newest meaningful.
        DecayingHistogram h = new DecayingHistogram(0.01, 1.05, 1024, 1000);
        h.add(1, 1, 0);
        h.add(100, 1, 200_000);
        h.add(100, 1, 200_500);
        assertThat(h.percentile(0.5)).isCloseTo(100 * 1.05, within(6.0));
    }

    @Test
    void badInputFailsNamingIt() {
        assertThatThrownBy(() -> new ResourceRecommender.Config(0, 0.95, 0.15, HOUR, 1.2, 0))
                .hasMessageContaining("ratePercentile=0");
        assertThatThrownBy(() -> new ResourceRecommender.Config(0.9, 0.95, -1, HOUR, 1.2, 0))
                .hasMessageContaining("margin=-1");
        assertThatThrownBy(() -> new ResourceRecommender.Config(0.9, 0.95, 0.1, HOUR, 0.5, 0))
                .hasMessageContaining("oomBump=0.5");
        ResourceRecommender r = new ResourceRecommender(ResourceRecommender.Config.DEFAULT);
        r.record(usage(1, 1), 10);
        assertThatThrownBy(() -> r.record(usage(1, 1), 5)).hasMessageContaining("before the previous one");
        assertThat(r.heapBytes()).isLessThan(16 * 1024);
    }
}
