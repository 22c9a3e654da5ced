package io.forewarm.predict.lstm;

import io.forewarm.core.Window;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowRuleTest {

    private final WindowRule.Minute minute = new WindowRule.Minute(0.3);
    private final WindowRule.Next next = new WindowRule.Next(0.05, 0.99);

    @Test
    void minuteRulePrewarmsAtTheFirstLikelyMinuteAndReleasesWhenItFalls() {
        assertThat(minute.window(new double[] {0.1, 0.1, 0.5, 0.6, 0.2, 0.9}))
                .isEqualTo(Window.ofMinutes(3, 1));
        assertThat(minute.window(new double[] {0.3, 0.4, 0.1})).isEqualTo(Window.keepAliveMinutes(2));
        assertThat(minute.window(new double[] {0.1, 0.1, 0.8})).isEqualTo(Window.ofMinutes(3, 0));
        assertThat(minute.window(new double[] {0.29, 0.1})).isEqualTo(Window.NONE);
    }

    @Test
    void nextRuleCoversTheNextArrivalFromHeadToTail() {
        // F = 1 - 0.5^k reaches 0.99 at minute 7.
        double[] half = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
        assertThat(next.window(half)).isEqualTo(Window.keepAliveMinutes(7));
        // Nothing for four minutes, then certain at minute 5.
        assertThat(next.window(new double[] {0, 0, 0.01, 0, 1, 0})).isEqualTo(Window.ofMinutes(5, 0));
        // F = 0.3 never reaches the tail: keep to the horizon's end.
        assertThat(next.window(new double[] {0, 0.3, 0, 0})).isEqualTo(Window.ofMinutes(2, 2));
        // Under the head over the whole horizon: unload.
        assertThat(next.window(new double[] {0.01, 0.01, 0.01})).isEqualTo(Window.NONE);
    }

    @Test
    void rulesNameTheirBadParameters() {
        assertThatThrownBy(() -> new WindowRule.Minute(1)).hasMessageContaining("threshold=1.0");
        assertThatThrownBy(() -> new WindowRule.Next(0.5, 0.4)).hasMessageContaining("head=0.5, tail=0.4");
        assertThatThrownBy(() -> new WindowRule.Next(0, 0.4)).hasMessageContaining("head=0.0");
    }
}
