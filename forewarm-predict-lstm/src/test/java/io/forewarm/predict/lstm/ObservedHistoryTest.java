package io.forewarm.predict.lstm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObservedHistoryTest {

    @Test
    void isEmptyBeforeTheFirstArrival() {
        ObservedHistory h = new ObservedHistory("f");
        assertThat(h.minutes()).isZero();
        assertThat(h.nextActive(0)).isEqualTo(-1);
        assertThat(h.active(0)).isFalse();
        assertThat(h.id()).isEqualTo("f");
    }

    @Test
    void refusesArrivalsOutOfOrder() {
        ObservedHistory h = new ObservedHistory("f");
        h.record(100);
        assertThatThrownBy(() -> h.record(99)).hasMessageContaining("time order");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void agreesWithASetOfAllArrivals(long seed) {
        Random random = new Random(seed);
        ObservedHistory h = new ObservedHistory("f");
        TreeSet<Integer> all = new TreeSet<>();
        int minute = -300 + random.nextInt(600);
        for (int i = 0; i < 1500; i++) {
            minute += random.nextInt(8) == 0 ? random.nextInt(500) : random.nextInt(3);
            h.record(minute);
            all.add(minute);
        }
        assertThat(h.firstMinute()).isEqualTo(all.first());
        assertThat(h.minutes()).isEqualTo(all.last() - all.first() + 1);
        for (int probe = all.first() - 70; probe <= all.last() + 70; probe++) {
            Integer next = all.ceiling(probe);
            assertThat(h.nextActive(probe)).as("next from %d", probe).isEqualTo(next == null ? -1 : next);
            assertThat(h.active(probe)).as("minute %d", probe).isEqualTo(all.contains(probe));
        }
    }

    @Test
    void asKnownAtAMinuteItReachesToJustBeforeIt() {
        ObservedHistory h = new ObservedHistory("f");
        h.record(10);
        h.record(20);
        h.record(30);
        var at25 = h.until(25);
        assertThat(at25.firstMinute()).isEqualTo(10);
        assertThat(at25.minutes()).isEqualTo(15);
        assertThat(at25.nextActive(11)).isEqualTo(20);
        assertThat(at25.nextActive(21)).isEqualTo(-1);
        assertThat(at25.active(30)).isFalse();
        assertThat(h.until(100).minutes()).as("quiet minutes after the last arrival are observed").isEqualTo(90);
    }
}
