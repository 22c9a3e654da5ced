package io.forewarm.predict.policy;

/**
 * The Page-Hinkley change-point test (Page, "Continuous inspection schemes", Biometrika 1954; in the form
 * of Gama et al., "A survey on concept drift adaptation", ACM Computing Surveys 2014) for an increase in
 * the mean of a stream: it accumulates {@code x - mean - delta} and signals when the sum rises more than
 * {@code lambda} above its running minimum. Here the stream is a unit's realised cost per arrival, so a
 * signal means the unit's models have started to miss relative to their own baseline.
 */
final class PageHinkley {

    private final double delta;
    private final double lambda;
    private long n;
    private double mean;
    private double sum;
    private double min;

    /**
     * @param delta  the tolerated increase of the mean (in the stream's units)
     * @param lambda the alarm threshold on the cumulative deviation
     */
    PageHinkley(double delta, double lambda) {
        this.delta = delta;
        this.lambda = lambda;
    }

    /** Adds an observation; returns true when a rise of the mean is detected (then starts afresh). */
    boolean add(double x) {
        n++;
        mean += (x - mean) / n;
        sum += x - mean - delta;
        min = Math.min(min, sum);
        if (sum - min > lambda) {
            reset();
            return true;
        }
        return false;
    }

    /** Forgets the baseline. */
    void reset() {
        n = 0;
        mean = 0;
        sum = 0;
        min = 0;
    }

    long heapBytes() {
        return HeapBytes.object(0, 0, 6, 0);
    }
}
