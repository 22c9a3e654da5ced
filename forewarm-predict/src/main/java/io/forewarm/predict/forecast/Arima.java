package io.forewarm.predict.forecast;

import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

import java.util.Arrays;

/**
 * A small ARIMA(p, d, q) estimator and one-step forecaster (Box and Jenkins, "Time Series Analysis:
 * Forecasting and Control", 1970), written for the out-of-bounds branch of the hybrid keep-alive policy of
 * Shahrad et al., "Serverless in the Wild" (USENIX ATC 2020, Section 4.2), which predicts an application's next
 * idle time with ARIMA when its idle times mostly exceed the histogram's range.
 *
 * <p>The model for the {@code d}-times differenced series {@code w} with mean {@code mu} is
 * {@code w[t] - mu = sum_i ar[i] (w[t-1-i] - mu) + e[t] + sum_j ma[j] e[t-1-j]}.
 *
 * <ul>
 *   <li><b>Estimation</b>: conditional sum of squares (CSS; Box and Jenkins, Section 7.1): the first
 *       {@code ncond} residuals are taken as zero and the sum of the squared rest is minimised with
 *       Nelder–Mead (commons-math3 {@link SimplexOptimizer}). {@code mu} is the sample mean of {@code w} (a
 *       consistent estimate that removes one dimension from the search; for {@code d = 1} it is the drift).
 *       The coefficients are searched through the partial-autocorrelation map of Monahan (1984,
 *       "A note on enforcing stationarity in autoregressive-moving average models", Biometrika 71): each
 *       unconstrained value goes through {@code tanh} to a partial autocorrelation in (-1, 1) and the
 *       Durbin–Levinson recursion turns those into coefficients, so every AR fit is stationary and every MA
 *       fit invertible without penalties.</li>
 *   <li><b>Order selection</b> ({@link #autoFit}), in the manner of Hyndman and Khandakar's {@code auto.arima}
 *       (J. Stat. Software 27(3), 2008) and pmdarima's {@code auto_arima}: {@code d} is the smallest
 *       difference order whose series passes the KPSS level-stationarity test at 5% (Kwiatkowski et al.,
 *       J. Econometrics 54, 1992, lag {@code trunc(4 (n/100)^(1/4))}, critical value 0.463); then every
 *       {@code (p, q)} up to the given maxima is fitted on the same conditioning sample and the lowest Gaussian
 *       AIC wins, the simpler model on ties. auto.arima searches up to order 5; the hybrid policy asks for
 *       {@code p, q, d <= 1} because its idle-time series are short (at most 64 values) and the simulator fits
 *       many of them: with order 2 on 64 values of white noise, CSS found near-cancelling AR and MA roots on
 *       the unit circle (ARMA(2,2) with {@code ar = [-1.02, -1.0]}, {@code ma = [1.06, 1.0]}) that AIC
 *       preferred to the true white noise, while order 1 picks the mean, and fits three times faster.</li>
 * </ul>
 */
public final class Arima {

    /** KPSS 5% critical value for level stationarity (Kwiatkowski et al. 1992, Table 1). */
    static final double KPSS_CRITICAL_5_PERCENT = 0.463;

    private static final int MAX_EVALUATIONS = 4_000;

    private Arima() {
    }

    /** The orders of an ARIMA model. */
    public record Order(int p, int d, int q) {

        /** Validates the orders: p and q in [0, 4], d in [0, 2], ample for the short series this class serves. */
        public Order {
            if (p < 0 || d < 0 || q < 0 || p > 4 || d > 2 || q > 4) {
                throw new IllegalArgumentException("ARIMA order must have 0 <= p <= 4, 0 <= d <= 2, 0 <= q <= 4: ("
                        + p + ", " + d + ", " + q + ")");
            }
        }

        /** The number of values a series needs for a fit of this order (two residuals at least). */
        public int minimumLength() {
            return d + p + 2;
        }

        @Override
        public String toString() {
            return "ARIMA(" + p + "," + d + "," + q + ")";
        }
    }

    /** A fitted model: its order, coefficients, innovation variance and AIC. */
    public static final class Fit {
        private final Order order;
        private final double mean;
        private final double[] ar;
        private final double[] ma;
        private final double[] unconstrained;
        private final double sigma2;
        private final int residuals;

        private Fit(Order order, double mean, double[] unconstrained, double sigma2, int residuals) {
            this.order = order;
            this.mean = mean;
            this.unconstrained = unconstrained;
            this.ar = arCoefficients(unconstrained, order.p());
            this.ma = maCoefficients(unconstrained, order.p(), order.q());
            this.sigma2 = sigma2;
            this.residuals = residuals;
        }

        /** The model's orders. */
        public Order order() {
            return order;
        }

        /** The mean of the differenced series (the drift when {@code d = 1}). */
        public double mean() {
            return mean;
        }

        /** The autoregressive coefficients {@code ar[0..p-1]}. */
        public double[] ar() {
            return ar.clone();
        }

        /** The moving-average coefficients {@code ma[0..q-1]}. */
        public double[] ma() {
            return ma.clone();
        }

        /** The innovation variance: the mean squared conditional residual. */
        public double sigma2() {
            return sigma2;
        }

        /** Gaussian AIC: {@code n (ln(2 pi sigma2) + 1) + 2 (p + q + 2)} (the 2 counts the mean and variance). */
        public double aic() {
            return residuals * (Math.log(2 * Math.PI * sigma2) + 1) + 2.0 * (order.p() + order.q() + 2);
        }

        /**
         * The one-step-ahead forecast after {@code series}, which may be the fitted series or that series
         * extended by newer values: residuals are recomputed over it with the fitted coefficients.
         */
        public double forecast(double[] series) {
            requireUsable(series, order);
            double[] w = difference(series, order.d());
            double[] e = new double[w.length];
            residualSquares(w, mean, ar, ma, order.p(), e);
            int m = w.length;
            double next = mean;
            for (int i = 0; i < ar.length; i++) {
                next += ar[i] * (w[m - 1 - i] - mean);
            }
            for (int j = 0; j < ma.length; j++) {
                next += ma[j] * e[m - 1 - j];
            }
            return undifference(series, order.d(), next);
        }

        /** Approximate heap bytes this fit holds (for per-unit state budgets). */
        public long heapBytes() {
            return 48 + arrayBytes(ar.length) + arrayBytes(ma.length) + arrayBytes(unconstrained.length) + 24;
        }

        private static long arrayBytes(int doubles) {
            return 16 + 8L * doubles;
        }

        @Override
        public String toString() {
            return order + " mean=" + mean + " ar=" + Arrays.toString(ar) + " ma=" + Arrays.toString(ma)
                    + " sigma2=" + sigma2;
        }
    }

    /** Fits {@code order} to {@code series} by conditional sum of squares, conditioning on the first p values. */
    public static Fit fit(double[] series, Order order) {
        return fit(series, order, order.p(), null);
    }

    /**
     * Fits {@code order} to {@code series}, starting the search from {@code start}'s coefficients when it has
     * the same order (a cheap refit after a few new values).
     */
    public static Fit refit(double[] series, Fit start) {
        return fit(series, start.order(), start.order().p(), start);
    }

    /**
     * Chooses {@code d <= maxD} by KPSS and {@code p <= maxP}, {@code q <= maxQ} by AIC, and returns the best
     * fit. Orders the series is too short for are skipped; the series needs at least {@code maxD + 2} values.
     */
    public static Fit autoFit(double[] series, int maxP, int maxD, int maxQ) {
        new Order(maxP, maxD, maxQ); // validates the maxima
        requireUsable(series, new Order(0, maxD, 0));
        int d = differencingOrder(series, maxD);
        int m = series.length - d;
        // Every candidate is conditioned on the same first values, so their AICs compare like with like.
        int ncond = Math.min(maxP, m - 2);
        Fit best = null;
        for (int size = 0; size <= maxP + maxQ; size++) {
            for (int p = Math.min(size, ncond); p >= 0; p--) {
                int q = size - p;
                if (q > maxQ || m - ncond < p + q + 2) {
                    continue;
                }
                Fit candidate = fit(series, new Order(p, d, q), ncond, null);
                if (best == null || candidate.aic() < best.aic() - 1e-9) {
                    best = candidate;
                }
            }
        }
        return best;
    }

    /** The smallest {@code d <= maxD} whose differenced series passes the KPSS level-stationarity test at 5%. */
    public static int differencingOrder(double[] series, int maxD) {
        double[] y = series;
        int d = 0;
        while (d < maxD && y.length > 3 && kpss(y) > KPSS_CRITICAL_5_PERCENT) {
            y = difference(y, 1);
            d++;
        }
        return d;
    }

    /**
     * The KPSS statistic for level stationarity, with the Bartlett-weighted long-run variance over
     * {@code trunc(4 (n/100)^(1/4))} lags. A series with no variance is perfectly stationary: 0.
     */
    static double kpss(double[] x) {
        int n = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= n;
        double[] e = new double[n];
        double gamma0 = 0;
        double partial = 0;
        double sumPartialSquares = 0;
        for (int t = 0; t < n; t++) {
            e[t] = x[t] - mean;
            gamma0 += e[t] * e[t];
            partial += e[t];
            sumPartialSquares += partial * partial;
        }
        double longRun = gamma0 / n;
        int lags = (int) (4 * Math.pow(n / 100.0, 0.25));
        for (int s = 1; s <= lags && s < n; s++) {
            double gamma = 0;
            for (int t = s; t < n; t++) {
                gamma += e[t] * e[t - s];
            }
            longRun += 2 * (1 - s / (lags + 1.0)) * gamma / n;
        }
        if (!(longRun > 1e-12 * (1 + mean * mean))) {
            return 0;
        }
        return sumPartialSquares / ((double) n * n * longRun);
    }

    /** {@code series} differenced {@code d} times (length {@code n - d}). */
    static double[] difference(double[] series, int d) {
        double[] y = series.clone();
        int length = y.length;
        for (int k = 0; k < d; k++) {
            for (int t = 0; t < length - 1; t++) {
                y[t] = y[t + 1] - y[t];
            }
            length--;
        }
        return Arrays.copyOf(y, length);
    }

    /** Turns a forecast of the {@code d}-th difference into a forecast of the series itself. */
    private static double undifference(double[] series, int d, double nextDifference) {
        // x[n] = w[n] - sum_{k=1..d} (-1)^k C(d,k) x[n-k]
        int n = series.length;
        double next = nextDifference;
        long binomial = 1;
        for (int k = 1; k <= d; k++) {
            binomial = binomial * (d - k + 1) / k;
            next += ((k % 2 == 1) ? 1 : -1) * binomial * series[n - k];
        }
        return next;
    }

    private static Fit fit(double[] series, Order order, int ncond, Fit start) {
        requireUsable(series, order);
        double[] w = difference(series, order.d());
        int m = w.length;
        if (ncond < order.p() || m - ncond < 2) {
            throw new IllegalArgumentException("cannot condition " + order + " on " + ncond + " of " + m
                    + " differenced values");
        }
        double mean = 0;
        double meanSquare = 0;
        for (double v : w) {
            mean += v;
            meanSquare += v * v;
        }
        mean /= m;
        meanSquare /= m;
        int p = order.p();
        int q = order.q();
        int dims = p + q;
        int residuals = m - ncond;
        double[] e = new double[m];
        double[] best;
        double bestSse;
        if (dims == 0) {
            best = new double[0];
            bestSse = sumOfSquares(w, mean, best, p, q, ncond, e);
        } else {
            double[] guess = start != null && start.order().equals(order) ? start.unconstrained.clone()
                    : new double[dims];
            Search search = new Search(w, mean, p, q, ncond, e);
            double startSse = search.value(guess);
            double[] step = new double[dims];
            Arrays.fill(step, 0.4);
            SimplexOptimizer optimizer = new SimplexOptimizer(
                    new SimpleValueChecker(1e-8, 1e-14 * (1 + startSse)));
            try {
                optimizer.optimize(new MaxEval(MAX_EVALUATIONS), new MaxIter(MAX_EVALUATIONS),
                        new ObjectiveFunction(search), GoalType.MINIMIZE, new InitialGuess(guess),
                        new NelderMeadSimplex(step));
            } catch (TooManyEvaluationsException stalled) {
                // The search already visited good points; keep the best one rather than fail the fit.
            }
            best = search.bestPoint;
            bestSse = search.bestValue;
        }
        // A perfect fit (a constant or linear series) has zero residuals; a floor keeps ln(sigma2) finite so the
        // AIC still ranks models, by their parameter count alone.
        double floor = 1e-12 * Math.max(1, meanSquare);
        double sigma2 = Math.max(bestSse / residuals, floor);
        return new Fit(order, mean, best, sigma2, residuals);
    }

    private static void requireUsable(double[] series, Order order) {
        if (series.length < order.minimumLength()) {
            throw new IllegalArgumentException(order + " needs at least " + order.minimumLength()
                    + " values, got " + series.length);
        }
        for (int i = 0; i < series.length; i++) {
            if (!Double.isFinite(series[i])) {
                throw new IllegalArgumentException("ARIMA series value " + i + " is " + series[i]);
            }
        }
    }

    /** The CSS objective over unconstrained parameters, remembering the best point it has seen. */
    private static final class Search implements MultivariateFunction {
        private final double[] w;
        private final double mean;
        private final int p;
        private final int q;
        private final int ncond;
        private final double[] e;
        double[] bestPoint;
        double bestValue = Double.POSITIVE_INFINITY;

        Search(double[] w, double mean, int p, int q, int ncond, double[] e) {
            this.w = w;
            this.mean = mean;
            this.p = p;
            this.q = q;
            this.ncond = ncond;
            this.e = e;
        }

        @Override
        public double value(double[] u) {
            double sse = sumOfSquares(w, mean, u, p, q, ncond, e);
            if (!Double.isFinite(sse)) {
                return Double.MAX_VALUE;
            }
            if (sse < bestValue) {
                bestValue = sse;
                bestPoint = u.clone();
            }
            return sse;
        }
    }

    private static double sumOfSquares(double[] w, double mean, double[] u, int p, int q, int ncond, double[] e) {
        return residualSquares(w, mean, arCoefficients(u, p), maCoefficients(u, p, q), ncond, e);
    }

    /** Conditional residuals into {@code e} (zero before {@code ncond}); returns their sum of squares. */
    private static double residualSquares(double[] w, double mean, double[] ar, double[] ma, int ncond,
                                          double[] e) {
        double sse = 0;
        Arrays.fill(e, 0, Math.min(ncond, e.length), 0);
        for (int t = ncond; t < w.length; t++) {
            double predicted = 0;
            for (int i = 0; i < ar.length; i++) {
                predicted += ar[i] * (w[t - 1 - i] - mean);
            }
            for (int j = 0; j < ma.length && t - 1 - j >= 0; j++) {
                predicted += ma[j] * e[t - 1 - j];
            }
            e[t] = w[t] - mean - predicted;
            sse += e[t] * e[t];
        }
        return sse;
    }

    /** AR coefficients from the first {@code p} unconstrained values: always stationary. */
    static double[] arCoefficients(double[] u, int p) {
        return fromPartialAutocorrelations(u, 0, p);
    }

    /** MA coefficients from the {@code q} values after the first {@code p}: always invertible. */
    static double[] maCoefficients(double[] u, int p, int q) {
        // theta(z) = 1 + sum theta_j z^j is invertible exactly when 1 - sum(-theta_j) z^j is stationary.
        double[] phi = fromPartialAutocorrelations(u, p, q);
        for (int j = 0; j < q; j++) {
            phi[j] = -phi[j];
        }
        return phi;
    }

    /** Monahan's map: tanh to partial autocorrelations, then Durbin–Levinson to coefficients. */
    private static double[] fromPartialAutocorrelations(double[] u, int from, int k) {
        double[] phi = new double[k];
        double[] previous = new double[k];
        for (int j = 0; j < k; j++) {
            double r = Math.tanh(u[from + j]);
            System.arraycopy(phi, 0, previous, 0, j);
            for (int i = 0; i < j; i++) {
                phi[i] = previous[i] - r * previous[j - 1 - i];
            }
            phi[j] = r;
        }
        return phi;
    }
}
