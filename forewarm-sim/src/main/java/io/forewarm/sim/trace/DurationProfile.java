package io.forewarm.sim.trace;

/**
 * A function's execution time distribution in milliseconds, as the Azure 2019 trace gives it: average and
 * the 0th, 1st, 25th, 50th, 75th, 99th and 100th percentiles.
 */
public record DurationProfile(double averageMs, double p0, double p1, double p25, double p50, double p75,
                              double p99, double p100) {

    /** A profile where every execution takes {@code ms}. */
    public static DurationProfile constant(double ms) {
        return new DurationProfile(ms, ms, ms, ms, ms, ms, ms, ms);
    }

    /**
     * The profile of observed durations {@code ms} (not empty): their mean and their percentiles, each
     * interpolated linearly between the closest ranks (Hyndman and Fan's type 7, as NumPy's default).
     */
    public static DurationProfile ofSamples(double[] ms) {
        if (ms.length == 0) {
            throw new IllegalArgumentException("no durations");
        }
        double[] x = ms.clone();
        java.util.Arrays.sort(x);
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return new DurationProfile(sum / x.length, x[0], rank(x, 0.01), rank(x, 0.25), rank(x, 0.5),
                rank(x, 0.75), rank(x, 0.99), x[x.length - 1]);
    }

    private static double rank(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * The duration at quantile {@code q} in [0, 1], interpolated linearly between the known percentiles;
     * used to draw execution times for the fleet model.
     */
    public double quantile(double q) {
        double[] qs = {0, 0.01, 0.25, 0.5, 0.75, 0.99, 1};
        double[] vs = {p0, p1, p25, p50, p75, p99, p100};
        if (q <= 0) {
            return p0;
        }
        for (int i = 1; i < qs.length; i++) {
            if (q <= qs[i]) {
                double f = (q - qs[i - 1]) / (qs[i] - qs[i - 1]);
                return vs[i - 1] + f * (vs[i] - vs[i - 1]);
            }
        }
        return p100;
    }
}
