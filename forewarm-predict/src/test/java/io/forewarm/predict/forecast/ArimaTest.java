package io.forewarm.predict.forecast;

import io.forewarm.predict.forecast.Arima.Fit;
import io.forewarm.predict.forecast.Arima.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ArimaTest {

    /** x[t] - mu = phi (x[t-1] - mu) + theta e[t-1] + e[t], unit-variance seeded noise, 200 values of burn-in. */
    private static double[] arma(double mu, double phi, double theta, int n, long seed) {
        Random random = new Random(seed);
        double[] x = new double[n];
        double previous = 0;
        double previousNoise = 0;
        for (int t = -200; t < n; t++) {
            double noise = random.nextGaussian();
            double value = phi * previous + theta * previousNoise + noise;
            previous = value;
            previousNoise = noise;
            if (t >= 0) {
                x[t] = mu + value;
            }
        }
        return x;
    }

    @Test
    void ar1EstimateRecoversPhiMeanAndNoiseVariance() {
        double[] x = arma(5, 0.7, 0, 1000, 42);
        Fit fit = Arima.fit(x, new Order(1, 0, 0));
        assertThat(fit.ar()[0]).isCloseTo(0.7, within(0.06));
        assertThat(fit.mean()).isCloseTo(5, within(0.4));
        assertThat(fit.sigma2()).isCloseTo(1, within(0.15));
        assertThat(fit.ma()).isEmpty();
    }

    @Test
    void ma1EstimateRecoversTheta() {
        double[] x = arma(0, 0, 0.5, 1000, 7);
        Fit fit = Arima.fit(x, new Order(0, 0, 1));
        assertThat(fit.ma()[0]).isCloseTo(0.5, within(0.08));
    }

    @Test
    void arma11EstimateRecoversBothCoefficients() {
        double[] x = arma(10, 0.6, 0.3, 2000, 11);
        Fit fit = Arima.fit(x, new Order(1, 0, 1));
        assertThat(fit.ar()[0]).isCloseTo(0.6, within(0.08));
        assertThat(fit.ma()[0]).isCloseTo(0.3, within(0.1));
    }

    @Test
    void ar1ForecastIsMeanPlusPhiTimesLastDeviation() {
        double[] x = arma(5, 0.7, 0, 1000, 42);
        Fit fit = Arima.fit(x, new Order(1, 0, 0));
        double expected = fit.mean() + fit.ar()[0] * (x[x.length - 1] - fit.mean());
        assertThat(fit.forecast(x)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void autoFitKeepsAStationaryAr1UndifferencedAndFindsItsAutoregression() {
        double[] x = arma(50, 0.7, 0, 300, 3);
        Fit fit = Arima.autoFit(x, 2, 1, 2);
        assertThat(fit.order().d()).isZero();
        assertThat(fit.order().p() + fit.order().q()).isPositive();
        // The one-step forecast of the true model is mu + 0.7 (x_n - mu); the fitted one lands near it.
        double truth = 50 + 0.7 * (x[x.length - 1] - 50);
        assertThat(fit.forecast(x)).isCloseTo(truth, within(0.5));
    }

    @Test
    void constantSeriesFitsTheMeanOnlyAndForecastsTheConstant() {
        double[] x = new double[20];
        java.util.Arrays.fill(x, 360);
        Fit fit = Arima.autoFit(x, 2, 1, 2);
        assertThat(fit.order()).isEqualTo(new Order(0, 0, 0));
        assertThat(fit.forecast(x)).isEqualTo(360.0);
    }

    @Test
    void linearTrendIsDifferencedOnceAndForecastsTheNextStepExactly() {
        double[] x = new double[20];
        for (int t = 0; t < x.length; t++) {
            x[t] = 100 + 7 * t;
        }
        Fit fit = Arima.autoFit(x, 2, 1, 2);
        assertThat(fit.order()).isEqualTo(new Order(0, 1, 0));
        assertThat(fit.mean()).isCloseTo(7, within(1e-12));
        assertThat(fit.forecast(x)).isCloseTo(100 + 7 * 20, within(1e-9));
    }

    @Test
    void kpssAcceptsWhiteNoiseAndRejectsARandomWalk() {
        Random random = new Random(5);
        double[] noise = new double[300];
        double[] walk = new double[300];
        for (int t = 0; t < noise.length; t++) {
            noise[t] = random.nextGaussian();
            walk[t] = (t == 0 ? 0 : walk[t - 1]) + random.nextGaussian();
        }
        assertThat(Arima.kpss(noise)).isLessThan(Arima.KPSS_CRITICAL_5_PERCENT);
        assertThat(Arima.kpss(walk)).isGreaterThan(Arima.KPSS_CRITICAL_5_PERCENT);
        assertThat(Arima.differencingOrder(walk, 1)).isEqualTo(1);
        assertThat(Arima.differencingOrder(noise, 1)).isZero();
    }

    @Test
    void kpssOfAConstantSeriesIsZero() {
        assertThat(Arima.kpss(new double[] {4, 4, 4, 4, 4})).isZero();
    }

    @Test
    void differencingAndForecastUndoEachOtherForSecondOrder() {
        double[] x = new double[12];
        for (int t = 0; t < x.length; t++) {
            x[t] = 3 + 2 * t + 0.5 * t * t; // second difference is the constant 1
        }
        assertThat(Arima.difference(x, 2)).containsOnly(1.0);
        Fit fit = Arima.fit(x, new Order(0, 2, 0));
        assertThat(fit.forecast(x)).isCloseTo(3 + 2 * 12 + 0.5 * 144, within(1e-9));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void fittedModelsAreAlwaysStationaryAndInvertible(long seed) {
        Random random = new Random(seed);
        double[] x = new double[40];
        for (int t = 0; t < x.length; t++) {
            x[t] = 240 + 600 * random.nextDouble() + (t % 3 == 0 ? 300 : 0);
        }
        Fit fit = Arima.fit(x, new Order(2, 0, 2));
        // For order 2 the stationarity triangle is |phi2| < 1, phi1 + phi2 < 1, phi2 - phi1 < 1.
        assertInsideTriangle(fit.ar());
        assertInsideTriangle(new double[] {-fit.ma()[0], -fit.ma()[1]});
        assertThat(fit.forecast(x)).isFinite();
    }

    private static void assertInsideTriangle(double[] phi) {
        assertThat(Math.abs(phi[1])).isLessThan(1);
        assertThat(phi[0] + phi[1]).isLessThan(1);
        assertThat(phi[1] - phi[0]).isLessThan(1);
    }

    @Test
    void refitFromAPreviousFitReachesTheSameEstimate() {
        double[] x = arma(5, 0.7, 0, 500, 9);
        Fit first = Arima.fit(java.util.Arrays.copyOf(x, 450), new Order(1, 0, 1));
        Fit warm = Arima.refit(x, first);
        Fit cold = Arima.fit(x, new Order(1, 0, 1));
        assertThat(warm.ar()[0]).isCloseTo(cold.ar()[0], within(0.01));
        assertThat(warm.ma()[0]).isCloseTo(cold.ma()[0], within(0.01));
    }

    @Test
    void aicPrefersTheTrueOrderOverAnUnderfittedOne() {
        double[] x = arma(0, 0.8, 0, 400, 21);
        assertThat(Arima.fit(x, new Order(1, 0, 0)).aic()).isLessThan(Arima.fit(x, new Order(0, 0, 0)).aic());
    }

    @Test
    void rejectsTooShortSeriesNamingTheOrder() {
        assertThatThrownBy(() -> Arima.fit(new double[] {1, 2}, new Order(1, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ARIMA(1,0,0) needs at least 3 values, got 2");
    }

    @Test
    void rejectsNonFiniteValuesNamingTheIndex() {
        assertThatThrownBy(() -> Arima.fit(new double[] {1, 2, Double.NaN, 4}, new Order(0, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value 2 is NaN");
    }

    @Test
    void rejectsOrdersOutsideTheSupportedRange() {
        assertThatThrownBy(() -> new Order(5, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(5, 0, 0)");
        assertThatThrownBy(() -> new Order(0, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
