package io.forewarm.predict.policy;

/**
 * The last {@code capacity} idle times of a unit, in minutes, oldest first: the series the hybrid policy's
 * ARIMA forecast is fitted on. A ring of floats keeps it small and bounds the cost of each fit.
 */
final class IdleTimeSeries {

    private final float[] ring;
    private int added;

    IdleTimeSeries(int capacity) {
        this.ring = new float[capacity];
    }

    void add(double minutes) {
        ring[added % ring.length] = (float) minutes;
        added++;
    }

    /** How many idle times it holds (at most its capacity). */
    int size() {
        return Math.min(added, ring.length);
    }

    /** How many idle times were ever added. */
    int added() {
        return added;
    }

    /** The held idle times, oldest first. */
    double[] toArray() {
        int size = size();
        double[] values = new double[size];
        int start = added - size;
        for (int i = 0; i < size; i++) {
            values[i] = ring[(start + i) % ring.length];
        }
        return values;
    }

    long heapBytes() {
        return HeapBytes.object(1, 1, 0, 0) + HeapBytes.array(ring.length, 4);
    }
}
