package io.forewarm.predict.resources;

import io.forewarm.core.ResourceVector;

/**
 * Recommends one function's sandbox size from its recorded usage, the way the Kubernetes Vertical Pod
 * Autoscaler's recommender does (Rzadca et al., "Autopilot: workload autoscaling at Google", EuroSys 2020,
 * describes the same scheme): per dimension a {@link DecayingHistogram} of usage samples (half-life a day by
 * default), a percentile target (90th for the rates cpu, io and network; 95th of peaks for memory and disk,
 * which fail hard when short), a safety margin on top, a bump after an out-of-memory kill (memory at the kill
 * times {@code oomBump}, at least {@code oomMinBumpBytes} more), and the spec's bounds. Pure: time comes in
 * with each sample; not thread-safe (one instance per function, fed by one writer).
 */
public final class ResourceRecommender {

    /**
     * The recommender's parameters.
     *
     * @param ratePercentile  percentile (0..1] of cpu, io and network samples to cover
     * @param peakPercentile  percentile (0..1] of memory and disk peaks to cover
     * @param margin          fraction added on top of the percentile
     * @param halfLifeMillis  the age at which a sample weighs half as much as a new one
     * @param oomBump         factor on the memory in use at an OOM kill
     * @param oomMinBumpBytes the least extra memory after an OOM kill
     */
    public record Config(double ratePercentile, double peakPercentile, double margin, long halfLifeMillis,
                         double oomBump, long oomMinBumpBytes) {

        /** The VPA recommender's defaults: 90th percentile, 15% margin, 24 h half-life, OOM x1.2 or +100 MB. */
        public static final Config DEFAULT = new Config(0.90, 0.95, 0.15, 24 * 3_600_000L, 1.2, 100L << 20);

        /** Validates every parameter, naming the first bad one. */
        public Config {
            check(ratePercentile > 0 && ratePercentile <= 1, "ratePercentile", ratePercentile, "in (0, 1]");
            check(peakPercentile > 0 && peakPercentile <= 1, "peakPercentile", peakPercentile, "in (0, 1]");
            check(margin >= 0 && margin <= 10, "margin", margin, "in [0, 10]");
            check(halfLifeMillis > 0, "halfLifeMillis", halfLifeMillis, "> 0");
            check(oomBump >= 1 && oomBump <= 10, "oomBump", oomBump, "in [1, 10]");
            check(oomMinBumpBytes >= 0, "oomMinBumpBytes", oomMinBumpBytes, ">= 0");
        }

        private static void check(boolean ok, String key, double value, String rule) {
            if (!ok) {
                throw new IllegalArgumentException("resource recommender: " + key + "=" + value + " must be " + rule);
            }
        }
    }

    private static final double RATIO = 1.05;
    private static final double MB = 1024.0 * 1024.0;

    private final Config config;
    // Bucket scales: cpu from 0.01 cores, bytes from 1 MB, rates from 1 KB/s; 5% apart, as the VPA.
    private final DecayingHistogram cpu;
    private final DecayingHistogram memory;
    private final DecayingHistogram disk;
    private final DecayingHistogram io;
    private final DecayingHistogram net;
    private long oomFloorBytes;
    private long lastMillis = Long.MIN_VALUE;

    /** A recommender with no samples yet. */
    public ResourceRecommender(Config config) {
        this.config = config;
        long h = config.halfLifeMillis();
        this.cpu = new DecayingHistogram(0.01, RATIO, 1024, h);
        this.memory = new DecayingHistogram(MB, RATIO, 1024 * 1024 * MB, h);
        this.disk = new DecayingHistogram(MB, RATIO, 1024 * 1024 * MB, h);
        this.io = new DecayingHistogram(1024, RATIO, 1024 * 1024 * MB, h);
        this.net = new DecayingHistogram(1024, RATIO, 1024 * 1024 * MB, h);
    }

    /** Records one usage sample (peak memory and disk, average rates) taken at {@code atMillis}. */
    public void record(ResourceVector usage, long atMillis) {
        advance(atMillis);
        cpu.add(usage.cpuCores(), 1, atMillis);
        memory.add(usage.memoryBytes(), 1, atMillis);
        disk.add(usage.diskBytes(), 1, atMillis);
        io.add(usage.ioBytesPerSecond(), 1, atMillis);
        net.add(usage.netBytesPerSecond(), 1, atMillis);
    }

    /**
     * Records an out-of-memory kill at {@code atMillis} with {@code memoryBytes} in use (the limit it hit):
     * the next recommendation gives at least {@code max(memory * oomBump, memory + oomMinBump)} before the
     * margin, and the bumped value joins the histogram so it fades like any sample.
     */
    public void recordOom(long memoryBytes, long atMillis) {
        advance(atMillis);
        long bumped = Math.max(Math.round(memoryBytes * config.oomBump()), memoryBytes + config.oomMinBumpBytes());
        memory.add(bumped, 1, atMillis);
        oomFloorBytes = Math.max(oomFloorBytes, bumped);
    }

    private void advance(long atMillis) {
        if (atMillis < lastMillis) {
            throw new IllegalArgumentException("usage sample at " + atMillis + " ms comes before the previous one at "
                    + lastMillis + " ms");
        }
        lastMillis = atMillis;
    }

    /**
     * The recommended size: per dimension the percentile target plus the margin, at least {@code min} and at
     * most {@code max} (a 0 in {@code max} leaves that dimension unbounded); dimensions without samples get
     * {@code fallback}'s value.
     */
    public ResourceVector recommend(ResourceVector min, ResourceVector max, ResourceVector fallback) {
        double m = 1 + config.margin();
        double cpuTarget = target(cpu, config.ratePercentile(), m, fallback.cpuCores());
        double memTarget = target(memory, config.peakPercentile(), m, fallback.memoryBytes());
        if (oomFloorBytes > 0) {
            memTarget = Math.max(memTarget, oomFloorBytes * m);
        }
        return new ResourceVector(
                bound(cpuTarget, min.cpuCores(), max.cpuCores()),
                Math.round(bound(memTarget, min.memoryBytes(), max.memoryBytes())),
                Math.round(bound(target(disk, config.peakPercentile(), m, fallback.diskBytes()), min.diskBytes(),
                        max.diskBytes())),
                Math.round(bound(target(io, config.ratePercentile(), m, fallback.ioBytesPerSecond()),
                        min.ioBytesPerSecond(), max.ioBytesPerSecond())),
                Math.round(bound(target(net, config.ratePercentile(), m, fallback.netBytesPerSecond()),
                        min.netBytesPerSecond(), max.netBytesPerSecond())));
    }

    /** Forgets the OOM floor (e.g. after the function's code changed); the faded samples stay. */
    public void clearOomFloor() {
        oomFloorBytes = 0;
    }

    /** Samples recorded so far (OOM kills included). */
    public long samples() {
        return memory.samples();
    }

    /** Approximate heap bytes of this function's state. */
    public long heapBytes() {
        return 48 + cpu.heapBytes() + memory.heapBytes() + disk.heapBytes() + io.heapBytes() + net.heapBytes();
    }

    private static double target(DecayingHistogram h, double p, double margin, double fallback) {
        double v = h.percentile(p);
        return Double.isNaN(v) ? fallback : v * margin;
    }

    private static double bound(double value, double min, double max) {
        double v = Math.max(value, min);
        return max > 0 ? Math.min(v, max) : v;
    }
}
