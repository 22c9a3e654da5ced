package io.forewarm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeepAliveBoundsTest {

    @Test
    void noBoundsKeepThePolicysWindow() {
        for (Window w : new Window[] {Window.NONE, Window.FOREVER, Window.ofMinutes(0, 10), Window.ofMinutes(5, 3)}) {
            assertThat(KeepAliveBounds.NONE.apply(w)).isEqualTo(w);
        }
        assertThat(KeepAliveBounds.NONE.isNone()).isTrue();
    }

    @Test
    void aMinimumLengthensKeepAliveAndClosesAPrewarmGap() {
        var min5 = new KeepAliveBounds(300_000, KeepAliveBounds.UNBOUNDED);
        assertThat(min5.apply(Window.NONE)).isEqualTo(Window.ofMinutes(0, 5));
        assertThat(min5.apply(Window.ofMinutes(0, 10))).isEqualTo(Window.ofMinutes(0, 10));
        // loaded from minute 20 to 23: no gap allowed, so loaded from the arrival to minute 23
        assertThat(min5.apply(Window.ofMinutes(20, 3))).isEqualTo(Window.ofMinutes(0, 23));
    }

    @Test
    void aMaximumCutsTheLoadedPeriod() {
        var max10 = new KeepAliveBounds(0, 600_000);
        assertThat(max10.apply(Window.FOREVER)).isEqualTo(Window.ofMinutes(0, 10));
        assertThat(max10.apply(Window.ofMinutes(8, 5))).isEqualTo(Window.ofMinutes(8, 2));
        assertThat(max10.apply(Window.ofMinutes(10, 5))).isEqualTo(Window.NONE);
        assertThat(max10.apply(Window.ofMinutes(0, 3))).isEqualTo(Window.ofMinutes(0, 3));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void theWindowInForceAlwaysRespectsTheBounds(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            long min = r.nextInt(4) == 0 ? 0 : r.nextInt(30) * 60_000L;
            long max = r.nextInt(4) == 0 ? KeepAliveBounds.UNBOUNDED : min + r.nextInt(60) * 60_000L;
            var b = new KeepAliveBounds(min, max);
            Window w = Window.ofMinutes(r.nextInt(3) == 0 ? r.nextInt(90) : 0, r.nextInt(120));
            Window in = b.apply(w);
            assertThat(in.loadUntilMillis()).as("%s on %s", b, w).isLessThanOrEqualTo(max);
            if (min > 0) {
                assertThat(in.prewarmMillis()).isZero();
                assertThat(in.keepAliveMillis()).isGreaterThanOrEqualTo(min);
            }
            for (long idle = 0; idle <= Math.min(in.loadUntilMillis(), 200 * 60_000L); idle += 60_000) {
                // inside the bounds, the policy's choice stands: warm where it was warm
                if (idle >= min && idle <= max && w.isWarmAfter(idle)) {
                    assertThat(in.isWarmAfter(idle)).as("%s on %s at %d", b, w, idle).isTrue();
                }
            }
        }
    }

    @Test
    void refusesInvertedOrNegativeBounds() {
        assertThatThrownBy(() -> new KeepAliveBounds(-1, 5)).hasMessageContaining("min=-1");
        assertThatThrownBy(() -> new KeepAliveBounds(10, 5)).hasMessageContaining("0 <= min <= max");
    }
}
