package io.forewarm.predict.policy;

/**
 * The range-limited idle-time histogram of Shahrad et al., "Serverless in the Wild" (USENIX ATC 2020,
 * Section 4.2): one count per bin over the range, and one count of the out-of-bounds (OOB) idle times beyond
 * it. It keeps the sum of squared bin counts and the lowest and highest used bins as it goes, so the
 * coefficient of variation is O(1) and a percentile walks only the few bins between an edge and the answer.
 * The bin array is allocated at the first in-range idle time: units that are never idle for less than the
 * range never pay for it.
 */
final class IdleTimeHistogram {

    private final int binCount;
    private int[] bins;
    private int inRange;
    private int outOfBounds;
    private long sumOfSquares;
    private int lowest = Integer.MAX_VALUE;
    private int highest = -1;

    IdleTimeHistogram(int binCount) {
        this.binCount = binCount;
    }

    /** Counts an idle time that fell in {@code bin}, or out of bounds when {@code bin >= binCount}. */
    void add(long bin) {
        if (bin >= binCount) {
            outOfBounds++;
            return;
        }
        if (bins == null) {
            bins = new int[binCount];
        }
        int b = (int) bin;
        sumOfSquares += 2L * bins[b] + 1; // (c + 1)^2 - c^2
        bins[b]++;
        inRange++;
        lowest = Math.min(lowest, b);
        highest = Math.max(highest, b);
    }

    int inRange() {
        return inRange;
    }

    int outOfBounds() {
        return outOfBounds;
    }

    /** Every idle time counted, in range or not. */
    int total() {
        return inRange + outOfBounds;
    }

    /** The coefficient of variation of the bin counts over the whole range (population deviation), 0 if empty. */
    double cv() {
        if (inRange == 0) {
            return 0;
        }
        double mean = (double) inRange / binCount;
        double variance = (double) sumOfSquares / binCount - mean * mean;
        return Math.sqrt(Math.max(0, variance)) / mean;
    }

    /**
     * Whether the bin counts' CV reaches {@code threshold}: without a square root or division, since
     * {@code CV >= t} is {@code B * sum(c^2) >= (1 + t^2) n^2} for B bins holding n idle times.
     */
    boolean cvAtLeast(double threshold) {
        if (inRange == 0) {
            return false;
        }
        double n = inRange;
        return (double) binCount * sumOfSquares >= (1 + threshold * threshold) * n * n;
    }

    /**
     * The bin holding the {@code percentile}-th in-range idle time: the lowest bin whose cumulative count
     * reaches {@code ceil(percentile / 100 * n)} (at least 1). Low percentiles walk up from the lowest used bin,
     * high ones down from the highest, so the usual 5th and 99th touch few bins.
     */
    int percentileBin(double percentile) {
        if (inRange == 0) {
            throw new IllegalStateException("no in-range idle time to take a percentile of");
        }
        long need = Math.max(1, (long) Math.ceil(percentile * inRange / 100.0 - 1e-9));
        if (need <= inRange / 2) {
            long cumulative = 0;
            for (int b = lowest; ; b++) {
                cumulative += bins[b];
                if (cumulative >= need) {
                    return b;
                }
            }
        }
        // The answer is the highest bin b whose count from b upward exceeds n - need.
        long above = inRange - need;
        long suffix = 0;
        for (int b = highest; ; b--) {
            suffix += bins[b];
            if (suffix > above) {
                return b;
            }
        }
    }

    /** Checks the running totals against the bins; the message names the broken invariant. */
    void verify(String unit) {
        long sum = 0;
        long squares = 0;
        int low = Integer.MAX_VALUE;
        int high = -1;
        if (bins != null) {
            for (int b = 0; b < binCount; b++) {
                int c = bins[b];
                if (c < 0) {
                    throw broken(unit, "bin " + b + " has a negative count " + c);
                }
                sum += c;
                squares += (long) c * c;
                if (c > 0) {
                    low = Math.min(low, b);
                    high = Math.max(high, b);
                }
            }
        }
        if (sum != inRange) {
            throw broken(unit, "histogram total " + sum + " != in-range idle times recorded " + inRange);
        }
        if (squares != sumOfSquares) {
            throw broken(unit, "running sum of squared bin counts " + sumOfSquares + " != " + squares);
        }
        if (low != lowest || high != highest) {
            throw broken(unit, "used bins [" + lowest + ", " + highest + "] != [" + low + ", " + high + "]");
        }
        if (outOfBounds < 0) {
            throw broken(unit, "out-of-bounds count " + outOfBounds + " < 0");
        }
    }

    private static IllegalStateException broken(String unit, String what) {
        return new IllegalStateException("hybrid policy, unit " + unit + ": " + what);
    }

    /** Approximate heap bytes: this object and its bins once allocated. */
    long heapBytes() {
        return HeapBytes.object(1, 5, 1, 0) + (bins == null ? 0 : HeapBytes.array(binCount, 4));
    }
}
