package io.forewarm.predict.lstm;

import java.util.function.IntPredicate;

/** Where the {@code lstm} policy gets its probabilities: the trained forecaster, or a hand-made one in tests. */
interface ArrivalForecast {

    /** Minutes forecast. */
    int horizon();

    /** Minutes of history a forecast reads. */
    int lookback();

    /**
     * Writes the probability of an arrival in each of the {@link #horizon()} minutes after {@code minute},
     * given the unit's arrivals and external {@code signals}.
     */
    void predict(IntPredicate active, UnitSignals signals, int minute, double[] out);

    /** The trained forecaster as a source of probabilities. */
    static ArrivalForecast of(LstmForecaster f) {
        return new ArrivalForecast() {
            @Override
            public int horizon() {
                return f.config().horizon();
            }

            @Override
            public int lookback() {
                return f.config().lookback();
            }

            @Override
            public void predict(IntPredicate active, UnitSignals signals, int minute, double[] out) {
                f.predict(active, signals, minute, out);
            }
        };
    }
}
