package io.forewarm.predict.policy;

import java.util.Arrays;

/**
 * The chance that a minute has an arrival, as a smooth daily shape times a level per day of the week: the
 * seasonality of Prophet (Taylor and Letham, "Forecasting at scale", The American Statistician 2018), a short
 * Fourier series over the day, scaled by the day, as Shahrad et al. ("Serverless in the Wild", USENIX ATC 2020)
 * see load follow the day with the week on top. An hour-of-week table learns each of its 168 slots from one hour
 * a week, too little for a function called a few times an hour; here every day teaches the shape and every hour
 * its day's level, and the series keeps only the {@code harmonics} slowest waves of the hourly shares, so one
 * quiet or busy hour does not make a hole or a peak of its own. Days are counted from time 0 modulo 7, so which
 * day is a weekend is learned, not assumed.
 */
final class DailyShape {

    static final int HOURS = 24;
    private static final double[][] COS = new double[HOURS][HOURS];
    private static final double[][] SIN = new double[HOURS][HOURS];

    static {
        for (int k = 0; k < HOURS; k++) {
            for (int h = 0; h < HOURS; h++) {
                COS[k][h] = Math.cos(2 * Math.PI * k * (h + 0.5) / HOURS);
                SIN[k][h] = Math.sin(2 * Math.PI * k * (h + 0.5) / HOURS);
            }
        }
    }

    private final int harmonics;
    /** Per hour of the day, the weight of the newest day in its share of active minutes. */
    private final float dayAlpha;
    /** Per hour, the weight of the newest hour in the level of its day of the week. */
    private final float hourAlpha;
    private final float[] hourly = new float[HOURS];
    private final float[] smooth = new float[HOURS];
    /** The share of active minutes on each day of the week, and the hours each has folded. */
    private final float[] level = new float[7];
    private final int[] levelHours = new int[7];
    /** Each day's level against the mean of the days seen (1 for a day not seen yet), kept up by {@link #close}. */
    private final double[] dayFactor = new double[7];
    private int hoursSeen;

    /**
     * @param harmonics the waves of the daily shape kept (1: one peak a day)
     * @param days      about how many days the shape remembers
     * @param weeks     about how many weeks each day's level remembers
     */
    DailyShape(int harmonics, double days, double weeks) {
        this.harmonics = Math.min(harmonics, HOURS / 2 - 1);
        this.dayAlpha = (float) (1 / days);
        this.hourAlpha = (float) (1 / (weeks * HOURS));
    }

    /** Folds a finished hour (absolute hour {@code h}) with {@code active} of its 60 minutes active. */
    void close(long h, int active) {
        float x = active / 60f;
        int hour = (int) Math.floorMod(h, (long) HOURS);
        int day = day(h);
        hourly[hour] += dayAlpha * (x - hourly[hour]);
        level[day] += hourAlpha * (x - level[day]);
        levelHours[day]++;
        hoursSeen++;
        scaleDays();
        if (hour == HOURS - 1 || hoursSeen <= HOURS) {
            refit();
        }
    }

    /** The shape is an average over the days seen: each day's factor is its level against theirs. */
    private void scaleDays() {
        double sum = 0;
        int days = 0;
        double[] corrected = new double[level.length];
        for (int d = 0; d < level.length; d++) {
            if (levelHours[d] > 0) {
                // Corrected for starting at zero, as Adam does for its moments.
                corrected[d] = level[d] / (1 - Math.pow(1 - hourAlpha, levelHours[d]));
                sum += corrected[d];
                days++;
            }
        }
        for (int d = 0; d < level.length; d++) {
            dayFactor[d] = levelHours[d] == 0 || sum == 0 ? 1 : corrected[d] * days / sum;
        }
    }

    /** The hours folded so far. */
    int hoursSeen() {
        return hoursSeen;
    }

    /** The chance of an arrival in a minute of absolute hour {@code h}. */
    double minuteProbability(long h) {
        double q = smooth[(int) Math.floorMod(h, (long) HOURS)] * dayFactor[day(h)];
        return Math.min(1, Math.max(0, q));
    }

    /**
     * Keeps the mean and the slowest waves of the hourly shares (each corrected for starting at zero); before a
     * whole day is seen, the hours not seen yet would read as idle, so the shape is flat at the mean of those seen.
     */
    private void refit() {
        double days = Math.max(1, hoursSeen / (double) HOURS);
        double unbias = 1 / (1 - Math.pow(1 - dayAlpha, days));
        if (hoursSeen < HOURS) {
            double sum = 0;
            for (float x : hourly) {
                sum += x;
            }
            Arrays.fill(smooth, (float) (sum / hoursSeen * unbias));
            return;
        }
        double[] a = new double[harmonics + 1];
        double[] b = new double[harmonics + 1];
        for (int k = 0; k <= harmonics; k++) {
            for (int h = 0; h < HOURS; h++) {
                a[k] += hourly[h] * COS[k][h];
                b[k] += hourly[h] * SIN[k][h];
            }
        }
        for (int h = 0; h < HOURS; h++) {
            double v = a[0] / HOURS;
            for (int k = 1; k <= harmonics; k++) {
                v += 2.0 / HOURS * (a[k] * COS[k][h] + b[k] * SIN[k][h]);
            }
            smooth[h] = (float) Math.max(0, v * unbias);
        }
    }

    /** The day of the week of absolute hour {@code h}, counted from time 0. */
    private static int day(long h) {
        return (int) Math.floorMod(Math.floorDiv(h, HOURS), 7L);
    }

    long heapBytes() {
        return HeapBytes.object(5, 4, 0, 0) + 2 * HeapBytes.array(HOURS, 4) + HeapBytes.array(7, 4) * 2
                + HeapBytes.array(7, 8);
    }
}
