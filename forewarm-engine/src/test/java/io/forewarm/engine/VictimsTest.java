package io.forewarm.engine;

import io.forewarm.core.ResourceVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class VictimsTest {

    private static final long MB = 1 << 20;

    private static Victims.Candidate c(long id, long mb, double value, long idleSince) {
        return new Victims.Candidate(id, ResourceVector.of(0.25, mb * MB), value, idleSince);
    }

    @Test
    void evictsTheLeastValuePerMegabyteFirst() {
        // value per MB: 1 -> 0.1, 2 -> 0.05, 3 -> 1.0
        var idle = List.of(c(1, 100, 10, 0), c(2, 200, 10, 0), c(3, 100, 100, 0));
        var chosen = Victims.choose(idle, ResourceVector.of(2, 0), ResourceVector.of(0.25, 150 * MB));
        assertThat(chosen).hasValueSatisfying(v -> assertThat(v).extracting(Victims.Candidate::slotId)
                .containsExactly(2L));
    }

    @Test
    void equalValuesEvictTheLongestIdleFirst() {
        var idle = List.of(c(1, 100, 0, 500), c(2, 100, 0, 100), c(3, 100, 0, 300));
        var chosen = Victims.choose(idle, ResourceVector.of(2, 0), ResourceVector.of(0.25, 150 * MB));
        assertThat(chosen).hasValueSatisfying(v -> assertThat(v).extracting(Victims.Candidate::slotId)
                .containsExactly(2L, 3L));
    }

    @Test
    void nothingIsEvictedWhenEvenAllWouldNotMakeRoom() {
        var idle = List.of(c(1, 100, 0, 0), c(2, 100, 0, 0));
        assertThat(Victims.choose(idle, ResourceVector.of(2, 0), ResourceVector.of(0.25, 300 * MB))).isEmpty();
    }

    @Test
    void cpuShortageAlsoEvicts() {
        var idle = List.of(c(1, 10, 0, 0));
        var chosen = Victims.choose(idle, ResourceVector.of(0, 500 * MB), ResourceVector.of(0.25, 10 * MB));
        assertThat(chosen).hasValueSatisfying(v -> assertThat(v).hasSize(1));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void choiceIsTheCheapestPrefixThatFits(long seed) {
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            List<Victims.Candidate> idle = new ArrayList<>();
            for (int i = rnd.nextInt(6); i > 0; i--) {
                idle.add(c(i, 1 + rnd.nextInt(300), rnd.nextInt(5), rnd.nextInt(1000)));
            }
            ResourceVector free = ResourceVector.of(2, rnd.nextInt(200) * MB);
            ResourceVector need = ResourceVector.of(0.5, rnd.nextInt(600) * MB);
            var chosen = Victims.choose(idle, free, need);
            long all = idle.stream().mapToLong(x -> x.size().memoryBytes()).sum();
            if (chosen.isEmpty()) {
                assertThat(free.memoryBytes() + all).isLessThan(need.memoryBytes());
                continue;
            }
            List<Victims.Candidate> v = chosen.get();
            long freed = v.stream().mapToLong(x -> x.size().memoryBytes()).sum();
            assertThat(free.memoryBytes() + freed).isGreaterThanOrEqualTo(need.memoryBytes());
            if (!v.isEmpty()) { // minimal: without the last one it would not fit
                long withoutLast = freed - v.get(v.size() - 1).size().memoryBytes();
                assertThat(free.memoryBytes() + withoutLast).isLessThan(need.memoryBytes());
            }
            double worstChosen = v.stream().mapToDouble(Victims.Candidate::valuePerMb).max().orElse(-1);
            double bestSpared = idle.stream().filter(x -> !v.contains(x))
                    .min(Comparator.comparingDouble(Victims.Candidate::valuePerMb))
                    .map(Victims.Candidate::valuePerMb).orElse(Double.MAX_VALUE);
            assertThat(worstChosen).isLessThanOrEqualTo(bestSpared);
        }
    }
}
