package io.forewarm.sim.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A trace built from individual invocations (Azure 2021, generic CSV), held in memory because such files
 * are not sorted: arrivals are grouped per function, sorted, and counted per minute
 * ({@code floorDiv(arrivalMillis, 60000)}, so counts and arrivals always agree).
 */
final class ArrivalTrace implements Trace {

    private final String description;
    private final String credit;
    private final int firstMinute;
    private final int minutes;
    private final List<FunctionSeries> series;

    private ArrivalTrace(String description, String credit, int firstMinute, int minutes,
                         List<FunctionSeries> series) {
        this.description = description;
        this.credit = credit;
        this.firstMinute = firstMinute;
        this.minutes = minutes;
        this.series = series;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String credit() {
        return credit;
    }

    @Override
    public int firstMinute() {
        return firstMinute;
    }

    @Override
    public int minutes() {
        return minutes;
    }

    @Override
    public void forEach(Consumer<FunctionSeries> consumer) {
        series.forEach(consumer);
    }

    /** Collects invocations per function, in order of first appearance. */
    static final class Builder {

        private final Map<FunctionKey, Calls> calls = new LinkedHashMap<>();

        /** Adds one invocation; {@code durationMs} and {@code memoryMb} may be NaN when unknown. */
        void add(FunctionKey key, long arrivalMillis, double durationMs, double memoryMb) {
            calls.computeIfAbsent(key, k -> new Calls()).add(arrivalMillis, durationMs, memoryMb);
        }

        /** True when nothing was added. */
        boolean isEmpty() {
            return calls.isEmpty();
        }

        /** The trace of everything added (not empty). */
        ArrivalTrace build(String description, String credit) {
            int first = Integer.MAX_VALUE;
            int last = Integer.MIN_VALUE;
            List<FunctionSeries> out = new ArrayList<>(calls.size());
            for (Map.Entry<FunctionKey, Calls> e : calls.entrySet()) {
                FunctionSeries s = e.getValue().series(e.getKey());
                first = Math.min(first, s.activeMinutes()[0]);
                last = Math.max(last, s.activeMinutes()[s.activeMinutes().length - 1]);
                out.add(s);
            }
            return new ArrivalTrace(description, credit, first, last - first + 1, List.copyOf(out));
        }
    }

    /** One function's invocations so far. */
    private static final class Calls {
        private long[] arrivals = new long[8];
        private double[] durations = new double[8];
        private int n;
        private int knownDurations;
        private double[] memory = new double[8];
        private int knownMemory;

        void add(long arrival, double durationMs, double memoryMb) {
            if (n == arrivals.length) {
                arrivals = Arrays.copyOf(arrivals, n * 2);
                durations = Arrays.copyOf(durations, n * 2);
            }
            arrivals[n++] = arrival;
            if (!Double.isNaN(durationMs)) {
                durations[knownDurations++] = durationMs;
            }
            if (!Double.isNaN(memoryMb)) {
                if (knownMemory == memory.length) {
                    memory = Arrays.copyOf(memory, knownMemory * 2);
                }
                memory[knownMemory++] = memoryMb;
            }
        }

        FunctionSeries series(FunctionKey key) {
            long[] sorted = Arrays.copyOf(arrivals, n);
            Arrays.sort(sorted);
            int[] minutes = new int[n];
            int[] counts = new int[n];
            int m = 0;
            for (long a : sorted) {
                int minute = Math.toIntExact(Math.floorDiv(a, 60_000L));
                if (m > 0 && minutes[m - 1] == minute) {
                    counts[m - 1]++;
                } else {
                    minutes[m] = minute;
                    counts[m++] = 1;
                }
            }
            DurationProfile profile = knownDurations == 0 ? null
                    : DurationProfile.ofSamples(Arrays.copyOf(durations, knownDurations));
            // The function's memory is the rows' average; their spread is its distribution (one row per execution,
            // as in a history export, where memory_mb is the run's peak).
            MemoryProfile mem = knownMemory == 0 ? null : MemoryProfile.ofSamples(Arrays.copyOf(memory, knownMemory));
            return new FunctionSeries(key, Arrays.copyOf(minutes, m), Arrays.copyOf(counts, m), sorted, profile,
                    mem == null ? Double.NaN : mem.averageMb(), mem);
        }
    }
}
