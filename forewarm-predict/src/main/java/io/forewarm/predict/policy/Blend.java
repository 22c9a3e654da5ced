package io.forewarm.predict.policy;

import io.forewarm.core.Window;

import java.util.Arrays;

/**
 * Blending a unit's models instead of picking one: each states the distribution of the minutes to the unit's
 * next event ({@link NextCall}); the mixture weights each by the exponential of its log-score on the unit's own
 * past events, and one window is priced on the mixture as {@link Tradeoff} prices a sample ({@link
 * IdleWindows#cheapest}). With the logarithmic loss and learning rate 1 this is the exponentially weighted
 * average forecaster, which is Bayesian model averaging (Cesa-Bianchi and Lugosi, "Prediction, Learning, and
 * Games", 2006, chapters 2 and 9); here the rate is lower (a tempered posterior) and old events are discounted.
 * The log-score is a proper scoring rule: a model gains weight by stating the true distribution, not by hedging
 * or by sounding sure.
 */
final class Blend {

    /** Minutes ahead the distributions are stated for; a later event counts in one slot past them. */
    static final int HORIZON = 1440;

    /**
     * The share of a fixed base distribution ({@code 1 / (d (d + 1))} for minute d) mixed into every model's
     * forecast when it is scored: a model that put nothing on the minute that came loses much, not all, of its
     * weight, and a model without an opinion forecasts the base.
     */
    private static final double FLOOR = 0.02;

    /**
     * The learning rate: weights are {@code exp(ETA x log-score)}. At 1 (Bayes) a few events decide: the
     * log-scores of a sharp and a broad forecast part by several units per event, and the mixture becomes a
     * pick of the best log-scorer, which is not the one with the cheapest windows. 0.5 keeps it a blend for
     * longer (on the bundled excerpt 1 measured 62 % of hybrid's waste at its cold starts, 0.5 50 %; on the
     * generated trace about 59 % either way; docs/benchmarks.md, "Prediction").
     */
    private static final double ETA = 0.5;

    private Blend() {
    }

    /**
     * Adds to {@code scores}, discounted by {@code decay} per event, each model's log-score for an event {@code
     * minutes} after the last one, as forecast by its state since that one: to be called before the models
     * learn it. The discount forgets old events, so the weights follow a unit that changes and the mixture never
     * hardens into a pick (without it the generated trace measured 64 to 76 % of hybrid's waste, not 59 %).
     */
    static void score(NextCall[] models, double[] scores, long minutes, double decay) {
        int d = (int) Math.min(minutes, HORIZON + 1);
        double base = d <= HORIZON ? 1.0 / ((double) d * (d + 1)) : 1.0 / (HORIZON + 1);
        // Only minute d is asked for: the models state the minutes up to it, and the rest in the slot after it.
        double[] mass = new double[Math.min(d, HORIZON) + 2];
        for (int c = 0; c < models.length; c++) {
            Arrays.fill(mass, 0);
            double p = models[c].nextCall(mass, 1) ? mass[d] : base;
            scores[c] = decay * scores[c] + Math.log((1 - FLOOR) * p + FLOOR * base);
        }
    }

    /** Each model's share of the mixture for {@code scores}, summing to 1 (models without an opinion aside). */
    static double[] weights(double[] scores) {
        double top = Arrays.stream(scores).max().orElse(0);
        double[] w = new double[scores.length];
        double total = 0;
        for (int c = 0; c < scores.length; c++) {
            w[c] = Math.exp(ETA * (scores[c] - top));
            total += w[c];
        }
        for (int c = 0; c < w.length; c++) {
            w[c] /= total;
        }
        return w;
    }

    /**
     * The per-minute window that costs least at {@code price} over the models' distributions mixed by {@link
     * #weights}, or null when no model has an opinion. A later event than the horizon counts as one at {@code
     * HORIZON + 1} minutes.
     */
    static Window window(NextCall[] models, double[] scores, double price) {
        double[] mass = new double[HORIZON + 2];
        double[] w = weights(scores);
        boolean any = false;
        for (int c = 0; c < models.length; c++) {
            any |= models[c].nextCall(mass, w[c]);
        }
        if (!any) {
            return null;
        }
        double[] values = new double[mass.length];
        double[] weights = new double[mass.length];
        int u = 0;
        for (int d = 1; d < mass.length; d++) {
            if (mass[d] > 0) {
                values[u] = d;
                weights[u++] = mass[d];
            }
        }
        // The costs scale with the total weight, so the mixture needs no normalising to be priced.
        return IdleWindows.cheapest(values, weights, u, price);
    }
}
