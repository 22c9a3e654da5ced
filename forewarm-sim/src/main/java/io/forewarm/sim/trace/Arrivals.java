package io.forewarm.sim.trace;

import java.util.SplittableRandom;

/**
 * Draws per-minute invocation counts for a {@link Pattern}: pure given the random generator's state.
 * Costs stay proportional to the calls drawn (plus one draw per minute for Poisson load), which keeps a
 * 50,000-function, 14-day trace quick to generate.
 */
final class Arrivals {

    private static final double[] COS = new double[Pattern.DAY];

    static {
        for (int i = 0; i < COS.length; i++) {
            COS[i] = Math.cos(2 * Math.PI * i / Pattern.DAY);
        }
    }

    private Arrivals() {
    }

    /**
     * Adds the calls of {@code p} in minutes {@code [from, to)} to {@code counts}; {@code leader} holds the
     * counts of the application's first function, which a {@link Pattern.Chain} follows.
     */
    static void fill(Pattern p, int[] counts, int from, int to, int[] leader, SplittableRandom rnd) {
        switch (p) {
            case Pattern.Timer t -> timer(t, counts, from, to, rnd);
            case Pattern.Diurnal d -> diurnal(d, counts, from, to, rnd);
            case Pattern.Bursty b -> bursty(b, counts, from, to, rnd);
            case Pattern.Rare r -> rare(r, counts, from, to, rnd);
            case Pattern.Chain c -> {
                for (int m = Math.max(from, c.delay()); m < to; m++) {
                    counts[m] += leader[m - c.delay()];
                }
            }
            case Pattern.Drift d -> {
                int change = Math.clamp((long) d.day() * Pattern.DAY, from, to);
                fill(d.before(), counts, from, change, leader, rnd);
                fill(d.after(), counts, change, to, leader, rnd);
            }
        }
    }

    private static void timer(Pattern.Timer t, int[] counts, int from, int to, SplittableRandom rnd) {
        int first = t.phase() + Math.ceilDiv(from - t.phase(), t.period()) * t.period();
        for (int m = first; m < to; m += t.period()) {
            if (rnd.nextDouble() >= t.missProbability()) {
                counts[m] += t.perTick();
            }
        }
    }

    private static void diurnal(Pattern.Diurnal d, int[] counts, int from, int to, SplittableRandom rnd) {
        // Per minute of day: rate and exp(-rate) for weekdays [0, DAY) and weekends [DAY, 2 DAY).
        double[] rate = new double[2 * Pattern.DAY];
        double[] zero = new double[2 * Pattern.DAY];
        for (int i = 0; i < Pattern.DAY; i++) {
            double r = d.mean() * (1 + d.amplitude() * COS[Math.floorMod(i - d.peak(), Pattern.DAY)]);
            rate[i] = r;
            rate[i + Pattern.DAY] = r * d.weekendFactor();
            zero[i] = Math.exp(-r);
            zero[i + Pattern.DAY] = Math.exp(-rate[i + Pattern.DAY]);
        }
        for (int m = from; m < to; m++) {
            int i = m % Pattern.DAY + (Pattern.weekend(m) ? Pattern.DAY : 0);
            counts[m] += poisson(rate[i], zero[i], rnd);
        }
    }

    private static void bursty(Pattern.Bursty b, int[] counts, int from, int to, SplittableRandom rnd) {
        double zero = Math.exp(-b.rate());
        // Start at a random point of an off period so the first session is not always at minute 0.
        int m = from + (int) (rnd.nextDouble() * exponential(b.meanOff(), rnd));
        while (m < to) {
            int end = Math.min(to, m + 1 + (int) exponential(b.meanOn(), rnd));
            for (; m < end; m++) {
                counts[m] += poisson(b.rate(), zero, rnd);
            }
            m += 1 + (int) exponential(b.meanOff(), rnd);
        }
    }

    private static void rare(Pattern.Rare r, int[] counts, int from, int to, SplittableRandom rnd) {
        double zero = Math.exp(-r.perDay());
        for (int day = from / Pattern.DAY; day * Pattern.DAY < to; day++) {
            for (int k = poisson(r.perDay(), zero, rnd); k > 0; k--) {
                int m = day * Pattern.DAY + rnd.nextInt(Pattern.DAY);
                if (m >= from && m < to) {
                    counts[m]++;
                }
            }
        }
    }

    /** A Poisson draw with mean {@code rate}, given {@code zero = exp(-rate)}: Knuth's product method. */
    static int poisson(double rate, double zero, SplittableRandom rnd) {
        if (rate > 30) {
            // Normal approximation: the product method would cost a draw per call.
            return (int) Math.max(0, Math.round(rate + Math.sqrt(rate) * rnd.nextGaussian()));
        }
        int k = 0;
        double p = rnd.nextDouble();
        while (p > zero) {
            k++;
            p *= rnd.nextDouble();
        }
        return k;
    }

    private static double exponential(double mean, SplittableRandom rnd) {
        return -mean * Math.log(1 - rnd.nextDouble());
    }
}
