package io.forewarm.engine;

import io.forewarm.core.ResourceVector;

import java.util.List;

/**
 * When a function keeps running into its sandbox limits, the next sandbox gets larger ones. A run counts as a
 * hit in a dimension when its peak reaches {@code threshold} of the limit (memory: peak bytes; cpu: cpu time
 * over wall time against the core quota); {@code hits} hits among the last {@code window} runs, or one OOM,
 * raise that dimension by {@code factor}, within the host capacity left. Pure: all state comes in as
 * arguments. Vertical right-sizing in the spirit of Rzadca et al., "Autopilot" (EuroSys 2020), reduced to
 * a reactive step because one function's history is short.
 *
 * @param threshold fraction of the limit that counts as hitting it, in (0, 1]
 * @param window    how many recent runs are looked at
 * @param hits      how many of them must hit the limit
 * @param factor    how much a hit dimension grows, &gt; 1
 */
public record LimitRule(double threshold, int window, int hits, double factor) {

    /** 90 % in 3 of the last 5 runs (or one OOM) raises the limit by half. */
    public static final LimitRule DEFAULT = new LimitRule(0.9, 5, 3, 1.5);

    /** Validates every parameter, naming the bad one. */
    public LimitRule {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("limit rule threshold must be in (0, 1] but was " + threshold);
        }
        if (window < 1 || hits < 1 || hits > window) {
            throw new IllegalArgumentException("limit rule needs 1 <= hits <= window but hits=" + hits
                    + " window=" + window);
        }
        if (!(factor > 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("limit rule factor must be a finite number > 1 but was " + factor);
        }
    }

    /**
     * What one finished run used. -1 means the backend could not tell.
     *
     * @param peakMemoryBytes highest memory seen during the run
     * @param cpuMillis       cpu time used by the run
     * @param runMillis       wall time of the run
     * @param oom             whether the memory limit killed a process during the run
     */
    public record Run(long peakMemoryBytes, long cpuMillis, long runMillis, boolean oom) {
    }

    /**
     * The limits for the next sandbox given the most recent runs (oldest first) under {@code limits}: raised in
     * every dimension that kept hitting its limit, each capped at {@code limits + headroom}; {@code limits}
     * itself when nothing needs raising. A limit of 0 means unlimited and is never raised.
     */
    public ResourceVector next(ResourceVector limits, List<Run> recent, ResourceVector headroom) {
        List<Run> last = recent.subList(Math.max(0, recent.size() - window), recent.size());
        boolean oom = last.stream().anyMatch(Run::oom);
        long memHits = last.stream().filter(r -> hitsMemory(r, limits)).count();
        long cpuHits = last.stream().filter(r -> hitsCpu(r, limits)).count();
        long memory = limits.memoryBytes();
        if (memory > 0 && (oom || memHits >= hits)) {
            memory = Math.min((long) Math.ceil(memory * factor), memory + headroom.memoryBytes());
        }
        double cpu = limits.cpuCores();
        if (cpu > 0 && cpuHits >= hits) {
            cpu = Math.min(cpu * factor, cpu + headroom.cpuCores());
        }
        return new ResourceVector(cpu, memory, limits.diskBytes(), limits.ioBytesPerSecond(),
                limits.netBytesPerSecond());
    }

    private boolean hitsMemory(Run r, ResourceVector limits) {
        return limits.memoryBytes() > 0 && r.peakMemoryBytes() >= threshold * limits.memoryBytes();
    }

    private boolean hitsCpu(Run r, ResourceVector limits) {
        // Cores used on average over the run; a run too short to measure tells nothing.
        return limits.cpuCores() > 0 && r.cpuMillis() >= 0 && r.runMillis() > 0
                && (double) r.cpuMillis() / r.runMillis() >= threshold * limits.cpuCores();
    }
}
