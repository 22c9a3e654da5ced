package io.forewarm.predict.lstm;

import ai.djl.engine.Engine;
import io.forewarm.predict.Cron;
import io.forewarm.predict.Signals;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LstmForecasterTest {

    private static final int TWO_DAYS = 2 * 1440;

    /** A small net that trains in about a second. */
    private static LstmForecaster.Config tiny(long seed) {
        return new LstmForecaster.Config(20, 10, 8, 12, 2000, 64, 0.02, seed);
    }

    private static List<Series> everyTenMinutes() {
        return IntStream.range(0, 5).mapToObj(i -> Series.periodic("u" + i, TWO_DAYS, 10, i * 2)).toList();
    }

    @Test
    void learnsAnEveryTenMinutesSeriesAlmostPerfectly() {
        List<Series> units = everyTenMinutes();
        LstmForecaster f = LstmForecaster.train(units, 1440, tiny(1));

        LstmForecaster.Backtest b = f.backtest(units, 1440, TWO_DAYS, 500);
        assertThat(b.windows()).isEqualTo(500);
        assertThat(b.auc()).isGreaterThan(0.99);
        assertThat(b.brier()).isLessThan(0.02).isLessThan(b.baseBrier() / 4);

        // Right after an arrival, the next one is ten minutes away and nowhere earlier.
        Series u = units.get(0);
        double[] p = f.predict(u::active, 2000);
        assertThat(p[9]).isGreaterThan(0.9);
        for (int k = 0; k < 9; k++) {
            assertThat(p[k]).as("minute %d", k + 1).isLessThan(0.1);
        }
    }

    @Test
    void plainJavaInferenceMatchesThePyTorchNetwork() {
        LstmForecaster.Config config = tiny(3);
        // Every input in play: an event every 7 minutes for some units (in the lookback and ahead), and a
        // varying activity series.
        Signals signals = new Signals();
        signals.put(Signals.Signal.scheduled("etl", List.of("u0", "u2"), 0, Cron.parse("*/7 * * * *")));
        double[] levels = IntStream.range(0, 200).mapToDouble(i -> i % 13).toArray();
        signals.put(Signals.Signal.activity("users", List.of("u0", "u1"), new Signals.Activity(0, 600_000, levels)));
        Samples samples = Samples.draw(everyTenMinutes(), signals, 0, 1440, config.lookback(), config.horizon(),
                300, 3);
        assertThat(samples.ahead()).contains(1f);
        assertThat(samples.x()).contains(1f);
        try (DjlLstm djl = new DjlLstm(config)) {
            djl.fit(samples);
            float[] engine = djl.predict(samples.x(), samples.ahead(), samples.count());
            LstmNet net = djl.export();
            double[] out = new double[config.horizon()];
            int stride = config.lookback() * Features.PER_MINUTE;
            for (int w = 0; w < samples.count(); w++) {
                net.forward(samples.x(), w * stride, config.lookback(), samples.ahead(), w * out.length, out);
                for (int k = 0; k < out.length; k++) {
                    assertThat(out[k]).isCloseTo(engine[w * out.length + k], within(1e-5));
                }
            }
        }
    }

    @Test
    void theSameSeedTrainsTheSameWeights() {
        // One PyTorch thread on the CPU makes training bit-for-bit reproducible here.
        List<Series> units = everyTenMinutes();
        LstmForecaster.Config config = new LstmForecaster.Config(20, 10, 8, 2, 500, 64, 0.02, 5);
        LstmNet a = train(units, config);
        LstmNet b = train(units, config);
        LstmNet c = train(units, new LstmForecaster.Config(20, 10, 8, 2, 500, 64, 0.02, 6));
        assertThat(a.wIh()).containsExactly(b.wIh());
        assertThat(a.wHh()).containsExactly(b.wHh());
        assertThat(a.wOut()).containsExactly(b.wOut());
        assertThat(c.wIh()).isNotEqualTo(a.wIh());
    }

    private static LstmNet train(List<Series> units, LstmForecaster.Config config) {
        Samples s = Samples.draw(units, 0, 1440, config.lookback(), config.horizon(), config.samples(), config.seed());
        try (DjlLstm djl = new DjlLstm(config)) {
            djl.fit(s);
            return djl.export();
        }
    }

    @Test
    void loadsPyTorchFromTheClassPathInOfflineMode() {
        Engine engine = DjlLstm.pytorch();
        // In offline mode DJL fails rather than download, so loading at all proves the jars suffice.
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(engine.getEngineName()).isEqualTo("PyTorch");
        assertThat(engine.getVersion()).isEqualTo("2.7.1");
        assertThat(System.getProperty("ai.djl.pytorch.num_threads")).isEqualTo("1");
    }

    @Test
    void refusesToTrainWithoutWindows() {
        assertThatThrownBy(() -> LstmForecaster.train(everyTenMinutes(), 5, tiny(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before minute 5");
    }

    @Test
    void configNamesTheBadSetting() {
        assertThatThrownBy(() -> new LstmForecaster.Config(0, 10, 8, 1, 10, 8, 0.1, 1))
                .hasMessageContaining("lookback=0");
        assertThatThrownBy(() -> new LstmForecaster.Config(10, 10, 8, 1, 10, 8, 1.5, 1))
                .hasMessageContaining("learningRate=1.5");
        assertThatThrownBy(() -> new LstmForecaster.Config(10, 10, 300, 1, 10, 8, 0.1, 1))
                .hasMessageContaining("hidden=300");
    }

    @Test
    void predictChecksTheBufferLength() {
        LstmForecaster f = new LstmForecaster(tiny(1), zeroNet(tiny(1)), null);
        assertThatThrownBy(() -> f.predict(m -> false, 100, new double[3]))
                .hasMessageContaining("3 slots for horizon 10");
        assertThat(f.predict(m -> false, 100)).containsOnly(0.5);
    }

    private static LstmNet zeroNet(LstmForecaster.Config c) {
        int g = 4 * c.hidden();
        return new LstmNet(Features.PER_MINUTE, c.hidden(), c.horizon(), new float[g * Features.PER_MINUTE],
                new float[g * c.hidden()], new float[g], new float[c.horizon() * c.hidden()], new float[c.horizon()],
                new float[2 * c.horizon() - 1]);
    }

    @Test
    void aucCountsTiesHalfAndNeedsBothClasses() {
        assertThat(LstmForecaster.auc(new double[] {0.1, 0.4, 0.35, 0.8}, new float[] {0, 0, 1, 1}))
                .isEqualTo(0.75);
        assertThat(LstmForecaster.auc(new double[] {0.5, 0.5}, new float[] {0, 1})).isEqualTo(0.5);
        assertThat(LstmForecaster.auc(new double[] {0.2, 0.9}, new float[] {1, 1})).isNaN();
    }
}
