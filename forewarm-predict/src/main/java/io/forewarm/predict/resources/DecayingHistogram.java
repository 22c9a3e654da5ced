package io.forewarm.predict.resources;

/**
 * A histogram over exponentially growing buckets whose samples lose half their weight every half-life, as
 * in the Kubernetes Vertical Pod Autoscaler's recommender ({@code pkg/recommender/util/
 * decaying_histogram.go}): instead of decaying every bucket as time passes, a sample at time t gets weight
 * {@code 2^((t - reference) / halfLife)}, newer samples weighing exponentially more; when the weights grow
 * too large the reference moves forward and all buckets are scaled down once.
 */
final class DecayingHistogram {

    private static final double MAX_EXPONENT = 100;

    private final double first;
    private final double ratio;
    private final double[] weights;
    private final long halfLifeMillis;
    private double total;
    private long reference = Long.MIN_VALUE;
    private long samples;

    /**
     * @param first          the upper edge of the first bucket (values up to it fall there)
     * @param ratio          each bucket's edge over the previous one (> 1)
     * @param max            the largest value to tell apart; larger values fall in the last bucket
     * @param halfLifeMillis the time after which a sample weighs half as much as a new one
     */
    DecayingHistogram(double first, double ratio, double max, long halfLifeMillis) {
        if (!(first > 0) || !(ratio > 1) || !(max > first) || halfLifeMillis <= 0) {
            throw new IllegalArgumentException("histogram needs first > 0, ratio > 1, max > first, half-life > 0: "
                    + first + ", " + ratio + ", " + max + ", " + halfLifeMillis);
        }
        this.first = first;
        this.ratio = ratio;
        this.weights = new double[1 + (int) Math.ceil(Math.log(max / first) / Math.log(ratio))];
        this.halfLifeMillis = halfLifeMillis;
    }

    /** Adds {@code value} seen at {@code atMillis} with {@code weight} (before decay). */
    void add(double value, double weight, long atMillis) {
        if (reference == Long.MIN_VALUE) {
            reference = atMillis;
        }
        double exponent = (double) (atMillis - reference) / halfLifeMillis;
        if (exponent > MAX_EXPONENT) {
            // Move the reference to now: every stored weight shrinks by the same factor, the shape is kept.
            double scale = Math.pow(2, -exponent);
            for (int i = 0; i < weights.length; i++) {
                weights[i] *= scale;
            }
            total *= scale;
            reference = atMillis;
            exponent = 0;
        }
        double w = weight * Math.pow(2, exponent);
        weights[bucket(value)] += w;
        total += w;
        samples++;
    }

    /** The bucket holding {@code value}. */
    int bucket(double value) {
        if (value <= first) {
            return 0;
        }
        int b = (int) Math.ceil(Math.log(value / first) / Math.log(ratio) - 1e-12);
        return Math.min(b, weights.length - 1);
    }

    /** The upper edge of bucket {@code b}: a percentile answers with it, so it never under-sizes. */
    double upperEdge(int b) {
        return first * Math.pow(ratio, b);
    }

    /** The value below which a fraction {@code p} (0..1) of the decayed weight lies; NaN when empty. */
    double percentile(double p) {
        if (total <= 0) {
            return Double.NaN;
        }
        double need = p * total;
        double cumulative = 0;
        for (int b = 0; b < weights.length; b++) {
            cumulative += weights[b];
            if (cumulative >= need * (1 - 1e-12) && weights[b] > 0) {
                return upperEdge(b);
            }
        }
        return upperEdge(weights.length - 1);
    }

    /** How many samples were added. */
    long samples() {
        return samples;
    }

    /** Approximate heap bytes. */
    long heapBytes() {
        return 16 + 8L * 6 + 16 + 8L * weights.length;
    }
}
