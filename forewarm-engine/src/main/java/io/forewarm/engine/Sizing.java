package io.forewarm.engine;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.predict.resources.Dimension;
import io.forewarm.predict.resources.ResourceRecommender;

/**
 * One function's right-sizing: every finished run's measured usage (cpu, memory, scratch disk, io and network)
 * feeds its {@link ResourceRecommender}, an OOM kill bumps memory and a scratch that filled up bumps disk, and
 * once the recommender has enough to go on the next sandbox gets its recommendation within the spec's
 * {@link FunctionSpec#minLimits() bounds} and the host capacity. A dimension the spec leaves
 * unlimited stays unlimited. VPA-style vertical sizing (Rzadca et al., "Autopilot", EuroSys 2020).
 *
 * <p>Thread-safe: fed from the usage monitor's thread, read by the status.
 */
final class Sizing {

    /** Runs shorter than this say too little about their average cpu (the counters tick in milliseconds). */
    private static final long MIN_RATE_MILLIS = 10;
    /** tmpfs allocates whole pages: a scratch with less than one page left of its limit is full. */
    static final long PAGE_BYTES = 4096;

    private final FunctionSpec spec;
    private final ResourceRecommender recommender;
    private long lastMillis = Long.MIN_VALUE;

    Sizing(FunctionSpec spec, ResourceRecommender.Config config) {
        this.spec = spec;
        this.recommender = new ResourceRecommender(config);
    }

    /**
     * Records a finished run under {@code limits} that used {@code peaks} over {@code runMillis} (OOM-killed
     * when {@code oom}; its scratch full when it came within a page of the disk limit) as of {@code nowMillis};
     * returns the limits the next sandbox should get, or null when the spec's own (or the limit rule's) still
     * apply.
     */
    synchronized ResourceVector observe(ResourceVector limits, UsageMonitor.Peaks peaks, long runMillis, boolean oom,
                                        long nowMillis, ResourceVector capacity) {
        if (!spec.sizable()) {
            return null;
        }
        long t = Math.max(nowMillis, lastMillis); // the wall clock may step back; samples must not
        lastMillis = t;
        if (runMillis >= MIN_RATE_MILLIS && peaks.cpuMillis() >= 0) {
            recommender.record(Dimension.CPU, (double) peaks.cpuMillis() / runMillis, t);
        }
        recommender.record(Dimension.MEMORY, peaks.peakMemoryBytes(), t);
        if (runMillis >= MIN_RATE_MILLIS && peaks.ioReadBytes() >= 0 && peaks.ioWriteBytes() >= 0) {
            recommender.record(Dimension.IO, (peaks.ioReadBytes() + peaks.ioWriteBytes()) * 1000.0 / runMillis, t);
        }
        recommender.record(Dimension.DISK, peaks.scratchBytes(), t);
        if (runMillis >= MIN_RATE_MILLIS && peaks.netBytes() >= 0) {
            recommender.record(Dimension.NET, peaks.netBytes() * 1000.0 / runMillis, t);
        }
        if (scratchFull(limits, peaks)) {
            // It ran out of space (ENOSPC, whatever the function made of it): it wanted more than the limit.
            recommender.recordLimitHit(Dimension.DISK, limits.diskBytes(), t);
        }
        if (oom && limits.memoryBytes() > 0) {
            // Killed at the limit: what it wanted was more than that, whatever the last sample said.
            recommender.recordOom(Math.max(limits.memoryBytes(), peaks.peakMemoryBytes()), t);
        }
        return recommender.active() ? recommended(capacity) : null;
    }

    /** Whether the run's scratch came within a page of its size limit: the next write of a page would fail. */
    static boolean scratchFull(ResourceVector limits, UsageMonitor.Peaks peaks) {
        return limits.diskBytes() > 0 && peaks.scratchBytes() >= 0
                && peaks.scratchBytes() + PAGE_BYTES > limits.diskBytes();
    }

    /** What the engine knows now. */
    synchronized EngineStatus.SizingStatus status(ResourceVector capacity) {
        boolean active = spec.sizable() && recommender.active();
        return new EngineStatus.SizingStatus(spec.sizable(), active, recommender.samples(),
                active ? recommended(capacity) : spec.limits(), spec.minLimits(), spec.maxLimits());
    }

    private ResourceVector recommended(ResourceVector capacity) {
        ResourceVector l = spec.limits();
        ResourceVector r = recommender.recommend(spec.minLimits(), spec.maxLimits(), l);
        // Unlimited stays unlimited (its bounds are 0, which recommend() reads as "no bound"); cpu and memory
        // never exceed the host, or the function could not be admitted at all.
        return new ResourceVector(
                l.cpuCores() == 0 ? 0 : Math.min(r.cpuCores(), capacity.cpuCores()),
                l.memoryBytes() == 0 ? 0 : Math.min(r.memoryBytes(), capacity.memoryBytes()),
                l.diskBytes() == 0 ? 0 : r.diskBytes(),
                l.ioBytesPerSecond() == 0 ? 0 : r.ioBytesPerSecond(),
                l.netBytesPerSecond() == 0 ? 0 : r.netBytesPerSecond());
    }
}
