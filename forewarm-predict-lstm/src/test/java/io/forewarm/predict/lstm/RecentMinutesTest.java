package io.forewarm.predict.lstm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecentMinutesTest {

    @Test
    void remembersTheLastCapacityMinutesOnly() {
        RecentMinutes r = new RecentMinutes(100); // rounds up to 128
        assertThat(r.capacity()).isEqualTo(128);
        r.record(10);
        r.record(12);
        r.record(12);
        assertThat(r.active(10)).isTrue();
        assertThat(r.active(11)).isFalse();
        assertThat(r.active(13)).as("the future").isFalse();
        r.record(10 + 128);
        assertThat(r.active(10)).as("a ring ago").isFalse();
        assertThat(r.active(12)).isTrue();
        assertThat(r.active(10 + 128)).isTrue();
        r.record(100_000);
        assertThat(r.active(12)).isFalse();
        assertThat(r.last()).isEqualTo(100_000);
    }

    @Test
    void refusesArrivalsOutOfOrder() {
        RecentMinutes r = new RecentMinutes(64);
        r.record(50);
        assertThatThrownBy(() -> r.record(49)).hasMessageContaining("minute 49 after one at minute 50");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void agreesWithASetOfAllArrivals(long seed) {
        Random random = new Random(seed);
        RecentMinutes r = new RecentMinutes(200);
        TreeSet<Integer> all = new TreeSet<>();
        int minute = -500 + random.nextInt(100);
        for (int i = 0; i < 2000; i++) {
            minute += random.nextInt(10) == 0 ? random.nextInt(400) : random.nextInt(3);
            r.record(minute);
            all.add(minute);
            int probe = minute - random.nextInt(260);
            boolean expected = all.contains(probe) && minute - probe < r.capacity();
            assertThat(r.active(probe)).as("minute %d at %d", probe, minute).isEqualTo(expected);
        }
    }
}
