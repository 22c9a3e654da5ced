package io.forewarm.sim.fleet;

import io.forewarm.predict.Policies;
import io.forewarm.sim.PolicyResult;
import io.forewarm.sim.Simulation;
import io.forewarm.sim.report.Reports;
import io.forewarm.sim.trace.DurationProfile;
import io.forewarm.sim.trace.FunctionKey;
import io.forewarm.sim.trace.FunctionSeries;
import io.forewarm.sim.trace.MemoryProfile;
import io.forewarm.sim.trace.Unit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The fleet model's shadow right-sizing: what the recommender's memory limits would have done. */
class ShadowSizingTest {

    private static final Simulation.Options OPTS = Simulation.Options.fleet(Unit.FUNCTION, 0).withColdStartMs(500)
            .withDefaultDurationMs(1_000);
    /** Average 100 MB, spread 80 .. 150 MB. */
    private static final MemoryProfile SPREAD = new MemoryProfile(100, 80, 85, 92, 100, 108, 120, 130, 150);

    /** One function with {@code perMinute} invocations in each of {@code minutes} minutes. */
    private static FunctionSeries busy(String name, int minutes, int perMinute, MemoryProfile memory) {
        return new FunctionSeries(new FunctionKey("o", "app-" + name, name, "http"),
                IntStream.range(0, minutes).toArray(), IntStream.range(0, minutes).map(i -> perMinute).toArray(),
                null, DurationProfile.constant(200), memory == null ? 100 : memory.averageMb(), memory);
    }

    private static PolicyResult run(String policy, long seed, FunctionSeries... series) {
        return FleetModel.run(List.of(series), 0, 240, Policies.create(policy), OPTS.withSeed(seed));
    }

    @Test
    void aConstantFunctionIsSizedToItsUseOnceTheRecommenderHasTenMinutes() {
        // Every execution uses exactly 100 MB, the static size: it never exceeds it (used == limit fits). With
        // `none` every execution gets a new sandbox, sized at the recommendation of its arrival: the static
        // size until 10 one-minute samples, then the edge of 100 MB's bucket, 1.08^60 = 101.26 MB, plus 15%:
        // 116.45 MB, slack 16.45 MB. So the average slack is 16.45 MB over about 230 of the 240 minutes.
        PolicyResult r = run("none", 1, busy("f", 240, 30, MemoryProfile.constant(100)));
        PolicyResult.SizingFigures z = r.sizing();
        assertThat(z.executions()).isEqualTo(240 * 30);
        assertThat(z.limitHitPct()).isZero();
        assertThat(z.staticLimitHitPct()).isZero();
        assertThat(z.staticSlackMbAvg()).isZero();
        assertThat(z.maxSlackMbAvg()).isZero();
        double sized = Math.pow(1.08, 60) * 1.15 - 100;
        assertThat(z.slackMbAvg()).isBetween(sized * 229 / 240, sized * 231 / 240);
        assertThat(z.limitMbAvg()).isCloseTo(100 + z.slackMbAvg(), within(1e-9));
        // With fixed:10 one sandbox, started at minute 0 at the static size, serves nearly everything: a warm
        // sandbox keeps the limits it was created with, so the policy decides how soon a recommendation bites.
        PolicyResult kept = run("fixed:10", 1, busy("f", 240, 30, MemoryProfile.constant(100)));
        assertThat(kept.sizing().slackMbAvg()).isLessThan(z.slackMbAvg() / 2);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aSpreadFunctionRarelyHitsTheRecommendationButOftenTheAverage(long seed) {
        // Draws from 80 .. 150 MB: half of them exceed the 100 MB average. The recommender covers the 95th
        // percentile of per-minute peaks plus 15%, so only its first minutes (at the static size, then one OOM
        // bump) can fall short.
        PolicyResult r = run("fixed:10", seed, busy("f", 240, 50, SPREAD));
        PolicyResult.SizingFigures z = r.sizing();
        assertThat(z.staticLimitHitPct()).isBetween(40.0, 60.0);
        assertThat(z.limitHitPct()).isLessThan(1.0);
        assertThat(z.limitMbAvg()).isGreaterThan(150).isLessThan(150 * 1.08 * 1.15 * 1.2);
        assertThat(z.maxLimitMbAvg()).isEqualTo(150);
        assertThat(z.maxSlackMbAvg()).isPositive().isLessThan(z.slackMbAvg());
    }

    @Test
    void sizingIsAShadowTheOtherFiguresAndTheDurationsDoNotMove() {
        // The same trace with and without memory distributions: every policy figure is identical.
        for (String policy : List.of("none", "fixed:10", "hybrid")) {
            PolicyResult with = run(policy, 5, busy("f", 240, 7, SPREAD), busy("g", 120, 2, SPREAD));
            PolicyResult without = run(policy, 5, busy("f", 240, 7, null), busy("g", 120, 2, null));
            assertThat(without.sizing()).isNull();
            assertThat(with.sizing()).isNotNull();
            assertThat(new Object[] {with.events(), with.coldStarts(), with.wastedGbMinutes(),
                    with.wastedInstanceMinutes(), with.fleet()}).isEqualTo(new Object[] {without.events(),
                    without.coldStarts(), without.wastedGbMinutes(), without.wastedInstanceMinutes(),
                    without.fleet()});
        }
    }

    @Test
    void theSameSeedDrawsTheSameMemory() {
        assertThat(run("fixed:10", 9, busy("f", 60, 20, SPREAD)).sizing())
                .isEqualTo(run("fixed:10", 9, busy("f", 60, 20, SPREAD)).sizing())
                .isNotEqualTo(run("fixed:10", 10, busy("f", 60, 20, SPREAD)).sizing());
    }

    @Test
    void reportsCarryTheSizingFieldsOnlyWhenThereAreAny() {
        PolicyResult with = run("fixed:10", 1, busy("f", 30, 5, SPREAD));
        PolicyResult without = run("fixed:10", 1, busy("f", 30, 5, null));
        assertThat(Reports.fields(with)).containsKeys("sized_executions", "sizing_slack_mb_avg",
                "sizing_limit_hit_pct", "static_slack_mb_avg", "static_limit_hit_pct", "max_slack_mb_avg");
        assertThat(Reports.fields(without)).doesNotContainKey("sized_executions");
        assertThat(Reports.json(with)).contains("\"sizing_limit_hit_pct\":");
        assertThat(Reports.table(List.of(with)).lines().findFirst().orElseThrow()).contains("sized hit %");
        assertThat(Reports.table(List.of(without))).doesNotContain("sized");
        assertThat(Reports.csv(List.of(with)).lines().findFirst().orElseThrow()).endsWith("max_slack_mb_avg");
    }
}
