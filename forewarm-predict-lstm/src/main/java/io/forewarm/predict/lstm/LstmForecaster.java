package io.forewarm.predict.lstm;

import io.forewarm.predict.ArrivalHistory;
import io.forewarm.predict.Signals;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A global recurrent arrival forecaster: one LSTM (Hochreiter and Schmidhuber, Neural Computation 1997)
 * shared by all units, in the manner of DeepAR (Salinas et al., "DeepAR: Probabilistic Forecasting with
 * Autoregressive Recurrent Networks", International Journal of Forecasting 2020), which learns one model
 * over many normalised series. Given a unit's last {@code lookback} minutes ({@link Features}) it returns
 * the probability of an arrival in each of the next {@code horizon} minutes; with external {@link Signals}, the
 * input also says where the unit's scheduled events fall, including those ahead within the horizon, so the
 * model can learn that calls follow an event. Trained with DJL on PyTorch;
 * evaluated in plain Java ({@link LstmNet}). Immutable; {@link #predict} is safe from many threads.
 */
public final class LstmForecaster {

    /**
     * Model and training settings.
     *
     * @param lookback     minutes of history per forecast
     * @param horizon      minutes forecast
     * @param hidden       LSTM state size
     * @param epochs       passes over the training windows
     * @param samples      most training windows drawn (bounds the training time)
     * @param batch        windows per gradient step
     * @param learningRate Adam's step size
     * @param seed         seeds the window draw, the shuffles and PyTorch's initialisation
     */
    public record Config(int lookback, int horizon, int hidden, int epochs, int samples, int batch,
                         double learningRate, long seed) {

        /** Validates every setting, naming the bad one. */
        public Config {
            require("lookback", lookback, 1, 1440);
            require("horizon", horizon, 1, 1440);
            require("hidden", hidden, 1, 256);
            require("epochs", epochs, 1, 1000);
            require("samples", samples, 1, 10_000_000);
            require("batch", batch, 1, 65_536);
            if (!(learningRate > 0 && learningRate < 1)) {
                throw new IllegalArgumentException("LSTM learningRate=" + learningRate + " must be in (0, 1)");
            }
        }

        /** 60 minutes back, 60 ahead, 16 cells, 4 epochs over at most 30,000 windows in batches of 256. */
        public static Config defaults() {
            return new Config(60, 60, 16, 4, 30_000, 256, 0.01, 1);
        }

        private static void require(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException("LSTM " + name + "=" + value + " is outside [" + min + ", "
                        + max + "]");
            }
        }
    }

    /**
     * What training did.
     *
     * @param windows   training windows drawn
     * @param baseRate  the share of labelled minutes with an arrival (the constant forecast to beat)
     * @param epochLoss mean binary cross-entropy per epoch
     * @param millis    wall time of the draw and the training
     */
    public record Training(int windows, double baseRate, double[] epochLoss, long millis) {
    }

    /**
     * Forecast quality on held-out windows, each minute of each window one binary event.
     *
     * @param windows   test windows
     * @param auc       area under the ROC curve (0.5 is a coin, 1 is perfect)
     * @param brier     mean squared error of the probabilities
     * @param baseBrier the Brier score of always forecasting the training base rate
     */
    public record Backtest(int windows, double auc, double brier, double baseBrier) {
    }

    private final Config config;
    private final LstmNet net;
    private final Training training;

    LstmForecaster(Config config, LstmNet net, Training training) {
        this.config = config;
        this.net = net;
        this.training = training;
    }

    /**
     * Trains on the arrivals of {@code units} before {@code untilMinute} (labels included: nothing at or after
     * it is read). Fails if there is no window to learn from.
     */
    public static LstmForecaster train(List<? extends ArrivalHistory> units, int untilMinute, Config config) {
        return train(units, Signals.NONE, untilMinute, config);
    }

    /**
     * As {@link #train(List, int, Config)}, with the units' external {@code signals} (by unit id) as input. The
     * signals are read as registered now: a schedule's past events count as if it had been there all along.
     */
    public static LstmForecaster train(List<? extends ArrivalHistory> units, Signals signals, int untilMinute,
                                       Config config) {
        long start = System.nanoTime();
        Samples samples = Samples.draw(units, signals, Integer.MIN_VALUE, untilMinute, config.lookback(),
                config.horizon(), config.samples(), config.seed());
        if (samples.count() == 0) {
            throw new IllegalArgumentException("no arrival of " + units.size() + " units leaves " + config.horizon()
                    + " labelled minutes before minute " + untilMinute + ": nothing to train the LSTM on");
        }
        return train(samples, config, start);
    }

    /** Trains on windows already drawn; {@code startNanos} is when the caller began, for the reported time. */
    static LstmForecaster train(Samples samples, Config config, long startNanos) {
        try (DjlLstm djl = new DjlLstm(config)) {
            double[] losses = djl.fit(samples);
            LstmNet net = djl.export();
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            return new LstmForecaster(config, net, new Training(samples.count(), samples.baseRate(), losses, millis));
        }
    }

    /** The settings it was trained with. */
    public Config config() {
        return config;
    }

    /** What training did. */
    public Training training() {
        return training;
    }

    /** Bytes of the model's weights. */
    public long weightBytes() {
        return net.bytes();
    }

    /**
     * Writes into {@code out} (length {@code horizon}) the probability of an arrival in each minute after
     * {@code minute}, given which minutes up to and including {@code minute} were {@code active}.
     */
    public void predict(IntPredicate active, int minute, double[] out) {
        predict(active, UnitSignals.NONE, minute, out);
    }

    /**
     * As {@link #predict(IntPredicate, int, double[])} for the unit {@code unit}, whose external {@code signals}
     * (scheduled events, also those ahead, and user activity) are part of the input.
     */
    public void predict(IntPredicate active, Signals signals, String unit, int minute, double[] out) {
        predict(active, UnitSignals.of(signals, unit), minute, out);
    }

    void predict(IntPredicate active, UnitSignals signals, int minute, double[] out) {
        if (out.length != config.horizon()) {
            throw new IllegalArgumentException("forecast buffer has " + out.length + " slots for horizon "
                    + config.horizon());
        }
        float[] x = new float[config.lookback() * Features.PER_MINUTE];
        float[] ahead = new float[config.horizon()];
        Features.encode(active, signals, minute, config.lookback(), x, 0);
        Features.ahead(signals, minute, config.horizon(), ahead, 0);
        net.forward(x, 0, config.lookback(), ahead, 0, out);
    }

    /** The probability of an arrival in each of the {@code horizon} minutes after {@code minute}. */
    public double[] predict(IntPredicate active, int minute) {
        double[] out = new double[config.horizon()];
        predict(active, minute, out);
        return out;
    }

    /**
     * Scores the forecasts at up to {@code maxWindows} arrivals in {@code [fromMinute, untilMinute - horizon)}
     * against what happened, beside the base rate learnt in training.
     */
    public Backtest backtest(List<? extends ArrivalHistory> units, int fromMinute, int untilMinute, int maxWindows) {
        return backtest(units, Signals.NONE, fromMinute, untilMinute, maxWindows);
    }

    /** As {@link #backtest(List, int, int, int)}, with the units' external {@code signals} as input. */
    public Backtest backtest(List<? extends ArrivalHistory> units, Signals signals, int fromMinute, int untilMinute,
                             int maxWindows) {
        Samples test = Samples.draw(units, signals, fromMinute, untilMinute, config.lookback(), config.horizon(), maxWindows,
                config.seed() + 1);
        int h = config.horizon();
        double[] scores = new double[test.count() * h];
        double[] out = new double[h];
        for (int w = 0; w < test.count(); w++) {
            net.forward(test.x(), w * config.lookback() * Features.PER_MINUTE, config.lookback(), test.ahead(), w * h,
                    out);
            System.arraycopy(out, 0, scores, w * h, h);
        }
        double brier = 0;
        double baseBrier = 0;
        for (int i = 0; i < scores.length; i++) {
            double y = test.y()[i];
            brier += (scores[i] - y) * (scores[i] - y);
            baseBrier += (training.baseRate() - y) * (training.baseRate() - y);
        }
        int n = Math.max(1, scores.length);
        return new Backtest(test.count(), auc(scores, test.y()), brier / n, baseBrier / n);
    }

    /** The Mann-Whitney estimate of the ROC area, ties counted half; NaN when one class is missing. */
    static double auc(double[] scores, float[] labels) {
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1; // the mean rank of a run of ties
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] > 0.5f) {
                    rankSum += rank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
