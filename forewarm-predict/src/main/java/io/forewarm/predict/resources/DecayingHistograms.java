package io.forewarm.predict.resources;

/**
 * Several histograms whose samples lose half their weight every half-life, on one shared exponential bucket
 * layout and one time reference, their weights in a single {@code float} array, as in the Kubernetes Vertical
 * Pod Autoscaler's recommender ({@code pkg/recommender/util/decaying_histogram.go} and the exponential
 * {@code histogram_options.go}): instead of decaying every bucket as time passes, a sample at time t gets
 * weight {@code 2^((t - reference) / halfLife)}, newer samples weighing exponentially more; when the weights
 * would grow too large the reference moves forward and all buckets are scaled down once.
 *
 * <p>Values are in layout units: bucket 0 holds everything up to 1, bucket b holds {@code (RATIO^(b-1),
 * RATIO^b]}, the last one everything above. {@code float} weights keep about seven digits, plenty while a
 * half-life holds fewer than a million samples; the recommender feeds one sample per aggregation interval.
 */
final class DecayingHistograms {

    /** Each bucket edge over the previous one: an answer is at most 8% above the true percentile. */
    static final double RATIO = 1.08;
    /** Buckets per histogram: spans a factor of RATIO^139, about 44,000. */
    static final int BUCKETS = 140;
    private static final double LOG_RATIO = Math.log(RATIO);
    /** 2^40 times a few thousand samples stays far inside float range. */
    private static final double MAX_EXPONENT = 40;

    private final float[] weights;
    private final long halfLifeMillis;
    private long reference = Long.MIN_VALUE;

    /** {@code count} empty histograms whose samples halve in weight every {@code halfLifeMillis}. */
    DecayingHistograms(int count, long halfLifeMillis) {
        if (count < 1 || halfLifeMillis <= 0) {
            throw new IllegalArgumentException("histograms need count >= 1 and half-life > 0: " + count + ", "
                    + halfLifeMillis);
        }
        this.weights = new float[count * BUCKETS];
        this.halfLifeMillis = halfLifeMillis;
    }

    /** The bucket holding {@code x} layout units. */
    static int bucket(double x) {
        if (!(x > 1)) {
            return 0;
        }
        int b = (int) Math.ceil(Math.log(x) / LOG_RATIO - 1e-9);
        return Math.min(b, BUCKETS - 1);
    }

    /** The upper edge of bucket {@code b}: a percentile answers with it, so it never under-sizes. */
    static double upperEdge(int b) {
        return Math.pow(RATIO, b);
    }

    /** Adds {@code x} seen at {@code atMillis} to histogram {@code h}. */
    void add(int h, double x, long atMillis) {
        weights[h * BUCKETS + bucket(x)] += weight(atMillis);
    }

    /** Takes back a sample {@link #add added} with the same arguments (a bucket never goes below zero). */
    void subtract(int h, double x, long atMillis) {
        int i = h * BUCKETS + bucket(x);
        weights[i] = Math.max(0, weights[i] - weight(atMillis));
    }

    private float weight(long atMillis) {
        if (reference == Long.MIN_VALUE) {
            reference = atMillis;
        }
        double exponent = (double) (atMillis - reference) / halfLifeMillis;
        if (exponent > MAX_EXPONENT) {
            // Move the reference to now: every stored weight shrinks by the same factor, the shape is kept.
            float scale = (float) Math.pow(2, -exponent);
            for (int i = 0; i < weights.length; i++) {
                weights[i] *= scale;
            }
            reference = atMillis;
            exponent = 0;
        }
        return (float) Math.pow(2, exponent);
    }

    /**
     * The upper edge of the smallest bucket of histogram {@code h} below which a fraction {@code p} (0..1] of
     * its decayed weight lies; NaN when it is empty.
     */
    double percentile(int h, double p) {
        int from = h * BUCKETS;
        double total = 0;
        for (int b = 0; b < BUCKETS; b++) {
            total += weights[from + b];
        }
        if (total <= 0) {
            return Double.NaN;
        }
        double need = p * total * (1 - 1e-9);
        double cumulative = 0;
        for (int b = 0; b < BUCKETS; b++) {
            float w = weights[from + b];
            cumulative += w;
            if (w > 0 && cumulative >= need) {
                return upperEdge(b);
            }
        }
        return upperEdge(BUCKETS - 1);
    }

    /** Heap bytes of the weights array (16-byte header, 4 bytes a bucket) and this object. */
    long heapBytes() {
        return 16 + 4L * weights.length + 32;
    }
}
