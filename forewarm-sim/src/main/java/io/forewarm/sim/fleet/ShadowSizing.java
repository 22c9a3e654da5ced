package io.forewarm.sim.fleet;

import io.forewarm.core.ResourceVector;
import io.forewarm.predict.resources.Dimension;
import io.forewarm.predict.resources.ResourceRecommender;
import io.forewarm.sim.PolicyResult;
import io.forewarm.sim.trace.MemoryProfile;

import java.util.SplittableRandom;

/**
 * The fleet model's right-sizing, replayed in the shadow of the replay: each instance gets a memory limit
 * from its unit's {@link ResourceRecommender} when it starts (cold or pre-warmed), and each execution's
 * memory, drawn from the unit's {@link MemoryProfile}, is scored against that limit and against two static
 * sizes: the unit's average (what the model allocates) and its 100th percentile (the smallest static size
 * that never falls short over the trace). The execution's memory then feeds the recommender when it completes;
 * one above the limit counts as a limit hit, is recorded as an OOM kill (the VPA's bump), and the instance's
 * limit becomes the new recommendation, as if its replacement had started at once. Shadow: the host budget,
 * cold starts and wasted memory still use the average, so the policy figures do not change.
 */
final class ShadowSizing {

    private static final double MB = 1024.0 * 1024.0;

    /** The executions scored against one way of choosing the limit. */
    private static final class Arm {
        long hits;
        long fits;
        double slackMb;
        double limitMb;

        void score(double limit, double used) {
            limitMb += limit / MB;
            if (used > limit) {
                hits++;
            } else {
                fits++;
                slackMb += (limit - used) / MB;
            }
        }

        double limitAvg() {
            return hits + fits == 0 ? 0 : limitMb / (hits + fits);
        }

        double slackAvg() {
            return fits == 0 ? 0 : slackMb / fits;
        }

        double hitPct() {
            return hits + fits == 0 ? 0 : 100.0 * hits / (hits + fits);
        }
    }

    private final Arm recommended = new Arm();
    private final Arm average = new Arm();
    private final Arm peak = new Arm();
    private boolean any;

    /** One unit's recommender and memory distribution. */
    static final class Unit {
        private final MemoryProfile memory;
        private final ResourceRecommender recommender = new ResourceRecommender(ResourceRecommender.Config.DEFAULT);
        private final ResourceVector fallback;

        /** A unit whose executions use {@code memory} and whose static size is {@code staticBytes}. */
        Unit(MemoryProfile memory, long staticBytes) {
            this.memory = memory;
            this.fallback = ResourceVector.of(0, staticBytes);
        }

        /** The limit a sandbox started now gets: the recommendation, the static size until it has samples. */
        long limitBytes() {
            return recommender.recommend(ResourceVector.ZERO, ResourceVector.ZERO, fallback).memoryBytes();
        }

        /** One execution's memory in bytes: the profile at a uniform quantile drawn from {@code random}. */
        long draw(SplittableRandom random) {
            return Math.round(memory.quantile(random.nextDouble()) * MB);
        }

        /** An execution that used {@code usedBytes} under {@code limitBytes} completed at {@code t}; the new limit. */
        long complete(long usedBytes, long limitBytes, long t) {
            if (usedBytes > limitBytes) {
                recommender.recordOom(limitBytes, t);
                return limitBytes();
            }
            recommender.record(Dimension.MEMORY, usedBytes, t);
            return limitBytes;
        }
    }

    /** Scores one execution of {@code unit} that uses {@code usedBytes} in an instance limited to {@code limitBytes}. */
    void score(Unit unit, long limitBytes, long usedBytes) {
        any = true;
        recommended.score(limitBytes, usedBytes);
        average.score(unit.fallback.memoryBytes(), usedBytes);
        peak.score(unit.memory.p100() * MB, usedBytes);
    }

    /** The figures, or null when no execution was scored (the trace has no memory distributions). */
    PolicyResult.SizingFigures figures() {
        if (!any) {
            return null;
        }
        return new PolicyResult.SizingFigures(recommended.hits + recommended.fits, recommended.limitAvg(),
                recommended.slackAvg(), recommended.hitPct(), average.limitAvg(), average.slackAvg(),
                average.hitPct(), peak.limitAvg(), peak.slackAvg());
    }
}
