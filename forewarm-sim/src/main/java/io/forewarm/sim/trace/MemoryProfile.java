package io.forewarm.sim.trace;

/**
 * A function's memory distribution in MB, as the Azure 2019 trace gives it per application
 * ({@code memory.csv}): the average allocated memory and its 1st, 5th, 25th, 50th, 75th, 95th, 99th and 100th
 * percentiles over the trace's samples (Shahrad et al., USENIX ATC 2020, Section 3.4).
 */
public record MemoryProfile(double averageMb, double p1, double p5, double p25, double p50, double p75,
                            double p95, double p99, double p100) {

    private static final double[] QS = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1};

    /** Checks that the percentiles are non-negative and ascend. */
    public MemoryProfile {
        double[] v = {p1, p5, p25, p50, p75, p95, p99, p100};
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0) || (i > 0 && v[i] < v[i - 1])) {
                throw new IllegalArgumentException("memory percentiles must be >= 0 and ascending but were "
                        + java.util.Arrays.toString(v));
            }
        }
    }

    /** A profile where every execution uses {@code mb}. */
    public static MemoryProfile constant(double mb) {
        return new MemoryProfile(mb, mb, mb, mb, mb, mb, mb, mb, mb);
    }

    /**
     * The profile of observed memory figures {@code mb} (not empty), e.g. the peaks of a history export: their
     * mean and percentiles, each interpolated linearly between the closest ranks (Hyndman and Fan's type 7,
     * as {@link DurationProfile#ofSamples}).
     */
    public static MemoryProfile ofSamples(double[] mb) {
        if (mb.length == 0) {
            throw new IllegalArgumentException("no memory figures");
        }
        double[] x = mb.clone();
        java.util.Arrays.sort(x);
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double[] p = new double[QS.length];
        for (int i = 0; i < QS.length; i++) {
            double h = (x.length - 1) * QS[i];
            int lo = (int) Math.floor(h);
            int hi = Math.min(lo + 1, x.length - 1);
            p[i] = x[lo] + (h - lo) * (x[hi] - x[lo]);
        }
        return new MemoryProfile(sum / x.length, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    }

    /**
     * The memory at quantile {@code q} in [0, 1], interpolated linearly between the known percentiles; below
     * the 1st percentile it is the 1st (the trace gives no minimum). The fleet model draws each execution's
     * memory as {@code quantile(u)} for a seeded uniform {@code u}.
     */
    public double quantile(double q) {
        double[] vs = {p1, p5, p25, p50, p75, p95, p99, p100};
        if (q <= QS[0]) {
            return p1;
        }
        for (int i = 1; i < QS.length; i++) {
            if (q <= QS[i]) {
                double f = (q - QS[i - 1]) / (QS[i] - QS[i - 1]);
                return vs[i - 1] + f * (vs[i] - vs[i - 1]);
            }
        }
        return p100;
    }

    /** Every figure times {@code f} (an application's memory split over its functions). */
    public MemoryProfile scaled(double f) {
        return new MemoryProfile(averageMb * f, p1 * f, p5 * f, p25 * f, p50 * f, p75 * f, p95 * f, p99 * f,
                p100 * f);
    }

    /**
     * Figure by figure, this plus {@code o}: the memory of one sandbox holding both functions when their
     * usage rises and falls together (exact for the even split of an application's memory).
     */
    public MemoryProfile plus(MemoryProfile o) {
        return new MemoryProfile(averageMb + o.averageMb, p1 + o.p1, p5 + o.p5, p25 + o.p25, p50 + o.p50,
                p75 + o.p75, p95 + o.p95, p99 + o.p99, p100 + o.p100);
    }
}
