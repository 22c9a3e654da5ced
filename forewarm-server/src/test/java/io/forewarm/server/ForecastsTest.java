package io.forewarm.server;

import io.forewarm.core.Window;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan a window leads to, read as a timeline after an arrival at t = 1,000,000 ms. */
class ForecastsTest {

    private static final long ARRIVAL = 1_000_000;

    @Test
    void noArrivalMeansNoPlan() {
        assertThat(Forecasts.plan(null, Long.MIN_VALUE, ARRIVAL).state()).isEqualTo("no-arrival-yet");
        assertThat(Forecasts.plan(Window.keepAliveMinutes(1), Long.MIN_VALUE, ARRIVAL).state())
                .isEqualTo("no-arrival-yet");
    }

    @Test
    void aKeepAliveWindowKeepsWarmUntilItEndsThenReleases() {
        Window w = Window.keepAliveMinutes(10);
        Forecasts.Plan during = Forecasts.plan(w, ARRIVAL, ARRIVAL + 60_000);
        assertThat(during.state()).isEqualTo("keep-warm");
        assertThat(during.warmUntil()).isEqualTo("1970-01-01T00:26:40Z");
        assertThat(during.prewarmAt()).isNull();
        assertThat(Forecasts.plan(w, ARRIVAL, ARRIVAL + 600_000).state()).isEqualTo("released");
    }

    @Test
    void aPrewarmWindowUnloadsThenLoadsAgain() {
        Window w = Window.ofMinutes(5, 2);
        Forecasts.Plan before = Forecasts.plan(w, ARRIVAL, ARRIVAL + 1);
        assertThat(before.state()).isEqualTo("unloaded");
        assertThat(before.prewarmAt()).isEqualTo("1970-01-01T00:21:40Z");
        assertThat(before.warmUntil()).isEqualTo("1970-01-01T00:23:40Z");
        assertThat(Forecasts.plan(w, ARRIVAL, ARRIVAL + 300_000).state()).isEqualTo("keep-warm");
        assertThat(Forecasts.plan(w, ARRIVAL, ARRIVAL + 420_000).state()).isEqualTo("released");
    }

    @Test
    void aForeverWindowNeverEnds() {
        Forecasts.Plan p = Forecasts.plan(Window.FOREVER, ARRIVAL, Long.MAX_VALUE / 8);
        assertThat(p.state()).isEqualTo("keep-warm");
        assertThat(p.warmUntil()).isEqualTo("forever");
    }
}
