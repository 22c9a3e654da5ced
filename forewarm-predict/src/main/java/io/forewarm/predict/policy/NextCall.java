package io.forewarm.predict.policy;

/**
 * A unit model that can say, after its unit's last event, when the next one comes: the probability of each
 * whole clock minute from the last event's minute to the next event's, over a horizon. What {@link Blend}
 * mixes across {@link Auto}'s candidates instead of picking one of their windows.
 */
interface NextCall {

    /**
     * Adds {@code weight} x P(the next event comes d clock minutes after the last one's minute) to {@code
     * mass[d]} for d = 1 .. {@code mass.length - 2}, and {@code weight} x P(later, or never) to the last slot;
     * returns false, adding nothing, while the model has no opinion (no event yet, or too few to learn from).
     */
    boolean nextCall(double[] mass, double weight);

    /** Adds {@code weight} at {@code minutes} (at least 1) in {@code mass}, or to its last slot if beyond it. */
    static void add(double[] mass, double minutes, double weight) {
        mass[(int) Math.min(Math.max(1, minutes), mass.length - 1)] += weight;
    }
}
