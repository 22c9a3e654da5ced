package io.forewarm.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowTest {

    @Test
    void keepAliveOnlyIsWarmUpToAndIncludingK() {
        Window w = Window.keepAliveMinutes(10);
        assertThat(w.isWarmAfter(0)).isTrue();
        assertThat(w.isWarmAfter(600_000)).isTrue();
        assertThat(w.isWarmAfter(600_001)).isFalse();
    }

    @Test
    void prewarmIsWarmOnlyInsideItsWindow() {
        Window w = Window.ofMinutes(5, 2);
        assertThat(w.isWarmAfter(4 * 60_000)).isFalse();
        assertThat(w.isWarmAfter(5 * 60_000)).isTrue();
        assertThat(w.isWarmAfter(7 * 60_000)).isTrue();
        assertThat(w.isWarmAfter(7 * 60_000 + 1)).isFalse();
    }

    @Test
    void foreverNeverOverflows() {
        assertThat(Window.FOREVER.isWarmAfter(Long.MAX_VALUE / 8)).isTrue();
        assertThat(new Window(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 + 10).loadUntilMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void negativeDurationsAreRejected() {
        assertThatThrownBy(() -> new Window(-1, 0)).hasMessageContaining("prewarm=-1");
    }
}
