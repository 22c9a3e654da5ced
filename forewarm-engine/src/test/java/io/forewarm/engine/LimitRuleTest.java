package io.forewarm.engine;

import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitRuleTest {

    private static final long MB = 1 << 20;
    private static final ResourceVector LIMITS = ResourceVector.of(0.5, 100 * MB);
    private static final ResourceVector PLENTY = ResourceVector.of(8, 8192 * MB);
    private final LimitRule rule = LimitRule.DEFAULT;

    private static LimitRule.Run mem(long mb) {
        return new LimitRule.Run(mb * MB, 10, 100, false);
    }

    @Test
    void threeNearLimitRunsOfTheLastFiveRaiseMemoryByHalf() {
        var runs = List.of(mem(95), mem(20), mem(91), mem(30), mem(90));
        assertThat(rule.next(LIMITS, runs, PLENTY)).isEqualTo(ResourceVector.of(0.5, 150 * MB));
    }

    @Test
    void twoNearLimitRunsAreNotEnough() {
        var runs = List.of(mem(95), mem(20), mem(91), mem(30), mem(89));
        assertThat(rule.next(LIMITS, runs, PLENTY)).isEqualTo(LIMITS);
    }

    @Test
    void onlyTheLastWindowOfRunsCounts() {
        var runs = List.of(mem(99), mem(99), mem(99), mem(10), mem(10), mem(10), mem(10), mem(10));
        assertThat(rule.next(LIMITS, runs, PLENTY)).isEqualTo(LIMITS);
    }

    @Test
    void oneOomRaisesMemoryAtOnce() {
        var runs = List.of(new LimitRule.Run(-1, -1, 5, true));
        assertThat(rule.next(LIMITS, runs, PLENTY).memoryBytes()).isEqualTo(150 * MB);
    }

    @Test
    void theRaiseStaysWithinTheCapacityLeft() {
        var runs = List.of(new LimitRule.Run(-1, -1, 5, true));
        assertThat(rule.next(LIMITS, runs, ResourceVector.of(0, 10 * MB)).memoryBytes()).isEqualTo(110 * MB);
    }

    @Test
    void cpuBoundRunsRaiseTheCpuQuota() {
        // 0.5 cores for 100 ms is 50 ms of cpu: 46 ms is 92 % of the quota
        var runs = List.of(new LimitRule.Run(MB, 46, 100, false), new LimitRule.Run(MB, 50, 100, false),
                new LimitRule.Run(MB, 48, 100, false));
        ResourceVector next = rule.next(LIMITS, runs, PLENTY);
        assertThat(next.cpuCores()).isEqualTo(0.75);
        assertThat(next.memoryBytes()).isEqualTo(100 * MB);
    }

    @Test
    void unlimitedDimensionsAndUnknownUsageNeverRaise() {
        var runs = List.of(new LimitRule.Run(-1, -1, 0, true), mem(99), mem(99), mem(99));
        assertThat(rule.next(ResourceVector.ZERO, runs, PLENTY)).isEqualTo(ResourceVector.ZERO);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void neverLowersAndNeverExceedsLimitPlusHeadroom(long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < 200; i++) {
            List<LimitRule.Run> runs = new ArrayList<>();
            for (int k = rnd.nextInt(8); k > 0; k--) {
                runs.add(new LimitRule.Run(rnd.nextInt(120) * MB, rnd.nextInt(80), 1 + rnd.nextInt(100),
                        rnd.nextInt(20) == 0));
            }
            ResourceVector headroom = ResourceVector.of(rnd.nextDouble() * 2, rnd.nextInt(200) * MB);
            ResourceVector next = rule.next(LIMITS, runs, headroom);
            assertThat(next.memoryBytes()).isBetween(LIMITS.memoryBytes(),
                    LIMITS.memoryBytes() + headroom.memoryBytes());
            assertThat(next.cpuCores()).isBetween(LIMITS.cpuCores(), LIMITS.cpuCores() + headroom.cpuCores());
        }
    }

    @Test
    void badParametersAreNamed() {
        assertThatThrownBy(() -> new LimitRule(1.5, 5, 3, 1.5)).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new LimitRule(0.9, 2, 3, 1.5)).hasMessageContaining("hits=3");
        assertThatThrownBy(() -> new LimitRule(0.9, 5, 3, 1.0)).hasMessageContaining("factor");
    }
}
