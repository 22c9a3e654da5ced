package io.forewarm.sim.trace;

/**
 * One function's invocations over a trace, stored sparsely: the minutes (in the trace's own numbering)
 * with at least one invocation, ascending, and the count in each.
 *
 * @param key           the function
 * @param activeMinutes ascending minute numbers with at least one invocation
 * @param counts        invocations in each active minute ({@code counts.length == activeMinutes.length})
 * @param arrivalMillis exact arrival times in ms, ascending, when the format has them; otherwise null
 *                      (the fleet model then spreads each minute's arrivals over its seconds)
 * @param durations     execution time distribution, or null when the trace has none
 * @param memoryMb      the function's memory in MB, or NaN when the trace has none
 * @param memory        the function's memory distribution, or null when the trace gives only an average or
 *                      nothing
 */
public record FunctionSeries(FunctionKey key, int[] activeMinutes, int[] counts, long[] arrivalMillis,
                             DurationProfile durations, double memoryMb, MemoryProfile memory) {

    /** A series without a memory distribution. */
    public FunctionSeries(FunctionKey key, int[] activeMinutes, int[] counts, long[] arrivalMillis,
                          DurationProfile durations, double memoryMb) {
        this(key, activeMinutes, counts, arrivalMillis, durations, memoryMb, null);
    }

    /** Checks the shape: equal lengths, strictly ascending minutes, positive counts. */
    public FunctionSeries {
        if (activeMinutes.length != counts.length) {
            throw new IllegalArgumentException(key + ": " + activeMinutes.length + " minutes but "
                    + counts.length + " counts");
        }
        for (int i = 0; i < activeMinutes.length; i++) {
            if (counts[i] <= 0 || (i > 0 && activeMinutes[i] <= activeMinutes[i - 1])) {
                throw new IllegalArgumentException(key + ": minutes must ascend with positive counts (at index "
                        + i + ")");
            }
        }
    }

    /** Total invocations. */
    public long invocations() {
        long sum = 0;
        for (int c : counts) {
            sum += c;
        }
        return sum;
    }
}
