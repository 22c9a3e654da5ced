package io.forewarm.engine;

import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class VictimsTest {

    private static final long MB = 1 << 20;

    private static Victims.Candidate c(long id, String fn, long mb, double value, long idleSince) {
        return new Victims.Candidate(id, fn, ResourceVector.of(0.25, mb * MB), value, idleSince);
    }

    private static List<Long> ids(List<Victims.Candidate> v) {
        return v.stream().map(Victims.Candidate::slotId).toList();
    }

    @Test
    void evictsTheLeastValueFirst() {
        var idle = List.of(c(1, "a", 100, 10, 0), c(2, "b", 100, 5, 0), c(3, "c", 100, 100, 0));
        var chosen = Victims.choose(idle, ResourceVector.of(2, 0), ResourceVector.of(0.25, 50 * MB), 1000);
        assertThat(chosen.map(VictimsTest::ids)).contains(List.of(2L));
    }

    @Test
    void equalValuesEvictTheLongestIdleFirst() {
        var idle = List.of(c(1, "a", 100, 0, 500), c(2, "a", 100, 0, 100), c(3, "b", 100, 0, 300));
        var chosen = Victims.choose(idle, ResourceVector.of(2, 0), ResourceVector.of(0.25, 150 * MB), 1000);
        assertThat(chosen.map(VictimsTest::ids)).contains(List.of(2L, 3L));
    }

    @Test
    void nothingIsEvictedWhenEvenAllWouldNotMakeRoom() {
        var idle = List.of(c(1, "a", 100, 0, 0), c(2, "b", 100, 0, 0));
        assertThat(Victims.choose(idle, ResourceVector.of(2, 0), ResourceVector.of(0.25, 300 * MB), 0)).isEmpty();
    }

    @Test
    void cpuShortageTakesMoreInTheSameOrder() {
        var idle = List.of(c(1, "a", 10, 3, 0), c(2, "b", 10, 1, 0), c(3, "c", 10, 2, 0));
        // memory is plentiful; 0.5 cores are missing: the two cheapest go
        var chosen = Victims.choose(idle, ResourceVector.of(0, 500 * MB), ResourceVector.of(0.5, 10 * MB), 0);
        assertThat(chosen.map(VictimsTest::ids)).contains(List.of(2L, 3L));
    }

    @Test
    void nothingToEvictWhenItFitsAlready() {
        var idle = List.of(c(1, "a", 10, 3, 0));
        var chosen = Victims.choose(idle, ResourceVector.of(1, 500 * MB), ResourceVector.of(0.5, 10 * MB), 0);
        assertThat(chosen).contains(List.of());
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void choiceIsTheCheapestPrefixThatFits(long seed) {
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            List<Victims.Candidate> idle = new ArrayList<>();
            double[] value = {rnd.nextInt(5), rnd.nextInt(5), rnd.nextInt(5)}; // one value per function
            for (int i = rnd.nextInt(6); i > 0; i--) {
                int f = rnd.nextInt(3);
                idle.add(c(i, "f" + f, 1 + rnd.nextInt(300), value[f], rnd.nextInt(1000)));
            }
            ResourceVector free = ResourceVector.of(2, rnd.nextInt(200) * MB);
            ResourceVector need = ResourceVector.of(0.5, rnd.nextInt(600) * MB);
            var chosen = Victims.choose(idle, free, need, 2000);
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
            double worstChosen = v.stream().mapToDouble(Victims.Candidate::value).max().orElse(-1);
            double bestSpared = idle.stream().filter(x -> !v.contains(x)).mapToDouble(Victims.Candidate::value)
                    .min().orElse(Double.MAX_VALUE);
            assertThat(worstChosen).isLessThanOrEqualTo(bestSpared);
        }
    }
}
