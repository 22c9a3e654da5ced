package io.forewarm.server;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-function summaries of execution records: counts, cold-start share and latency percentiles. */
final class Stats {

    private Stats() {
    }

    /**
     * One function's summary over a window.
     *
     * @param function           the function
     * @param invocations        executions that ran (capacity rejections excluded)
     * @param cold               how many of them were cold
     * @param coldPercent        cold share of those that ran, in percent (0 when none ran)
     * @param rejected           requests that found no capacity in time
     * @param failures           executions that ended other than OK, by exit kind (rejections excluded)
     * @param latencyMillis      end-to-end (queue + init + run) percentiles p50, p90, p99, max of those that ran
     * @param warmLatencyMillis  the same for warm executions
     * @param coldLatencyMillis  the same for cold executions
     * @param idleMemoryMbSeconds memory that warm idle sandboxes held, integrated over the server's life
     */
    record FunctionStats(String function, long invocations, long cold, double coldPercent, long rejected,
                         Map<String, Long> failures, Percentiles latencyMillis, Percentiles warmLatencyMillis,
                         Percentiles coldLatencyMillis, double idleMemoryMbSeconds) {
    }

    /** Nearest-rank percentiles of a sample, all 0 when it is empty. */
    record Percentiles(long count, long p50, long p90, long p99, long max) {

        static Percentiles of(long[] values) {
            if (values.length == 0) {
                return new Percentiles(0, 0, 0, 0, 0);
            }
            long[] v = values.clone();
            Arrays.sort(v);
            return new Percentiles(v.length, rank(v, 0.50), rank(v, 0.90), rank(v, 0.99), v[v.length - 1]);
        }

        /** Nearest rank: the smallest value with at least {@code q} of the sample at or below it. */
        private static long rank(long[] sorted, double q) {
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }

    /** Summarizes the records of {@code function}; {@code idleByteSeconds} comes from the live pool sampler. */
    static FunctionStats summarize(String function, List<ExecutionRecord> records, double idleByteSeconds) {
        List<ExecutionRecord> ran = records.stream().filter(r -> r.exit() != ExitKind.CAPACITY).toList();
        long rejected = records.size() - ran.size();
        long cold = ran.stream().filter(ExecutionRecord::cold).count();
        Map<String, Long> failures = new TreeMap<>();
        ran.stream().filter(r -> r.exit() != ExitKind.OK)
                .forEach(r -> failures.merge(r.exit().label(), 1L, Long::sum));
        return new FunctionStats(function, ran.size(), cold, ran.isEmpty() ? 0 : 100.0 * cold / ran.size(), rejected,
                failures, latencies(ran, null), latencies(ran, false), latencies(ran, true),
                idleByteSeconds / (1024.0 * 1024.0));
    }

    private static Percentiles latencies(List<ExecutionRecord> ran, Boolean cold) {
        return Percentiles.of(ran.stream().filter(r -> cold == null || r.cold() == cold)
                .mapToLong(r -> r.queueMillis() + r.initMillis() + r.runMillis()).toArray());
    }
}
