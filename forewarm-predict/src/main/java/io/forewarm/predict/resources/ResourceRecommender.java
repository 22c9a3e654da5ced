package io.forewarm.predict.resources;

import io.forewarm.core.ResourceVector;

import java.util.Arrays;

/**
 * Recommends one function's sandbox size from its recorded usage, the way the Kubernetes Vertical Pod
 * Autoscaler's recommender does (Rzadca et al., "Autopilot: workload autoscaling at Google", EuroSys 2020,
 * describes the same scheme): per {@link Dimension} a decaying histogram of usage samples (half-life a day by
 * default), a percentile target (90th for the rates cpu, io and network; 95th of peaks for memory and disk,
 * which fail hard when short), a safety margin on top, a bump after an out-of-memory kill or a full scratch disk
 * (the dimension at the limit it hit times {@code oomBump}, at least {@code oomMinBumpBytes} more), and the
 * caller's bounds.
 *
 * <p>As the VPA does for memory, samples are aggregated per interval (a minute by default): each interval
 * contributes its peak per dimension, replacing a smaller value recorded earlier in it, so a hot function
 * adds one sample a minute however often it runs. All five histograms share one bucket layout and one
 * {@code float} array ({@link DecayingHistograms}): about 3 KB per function ({@link #heapBytes()}).
 *
 * <p>Pure: time comes in with each sample; not thread-safe (one instance per function, fed by one writer).
 */
public final class ResourceRecommender {

    /**
     * The recommender's parameters.
     *
     * @param ratePercentile  percentile (0..1] of cpu, io and network samples to cover
     * @param peakPercentile  percentile (0..1] of memory and disk peaks to cover
     * @param margin          fraction added on top of the percentile
     * @param halfLifeMillis  the age at which a sample weighs half as much as a new one
     * @param oomBump         factor on the memory in use at an OOM kill (and on the scratch disk when it filled)
     * @param oomMinBumpBytes the least extra memory after an OOM kill (and extra disk after a full scratch)
     * @param intervalMillis  samples within one interval count as one, their peak (0: every sample counts)
     * @param minSamples      intervals a dimension needs before it is sized from its histogram
     */
    public record Config(double ratePercentile, double peakPercentile, double margin, long halfLifeMillis,
                         double oomBump, long oomMinBumpBytes, long intervalMillis, int minSamples) {

        /**
         * The VPA recommender's defaults (90th percentile, 95th for peaks, 15% margin, 24 h half-life, OOM x1.2,
         * one-minute samples) but an OOM bump of at least 16 MB, not the VPA's 100 MB, which is sized for pods
         * of gigabytes (on the bundled Azure excerpt, where a sandbox averages about 100 MB, 100 MB made the
         * average limit 240 MB against 161 MB, for no fewer limit hits); sized once a dimension has 10 samples.
         */
        public static final Config DEFAULT = new Config(0.90, 0.95, 0.15, 24 * 3_600_000L, 1.2, 16L << 20,
                60_000, 10);

        /** Validates every parameter, naming the first bad one. */
        public Config {
            check(ratePercentile > 0 && ratePercentile <= 1, "ratePercentile", ratePercentile, "in (0, 1]");
            check(peakPercentile > 0 && peakPercentile <= 1, "peakPercentile", peakPercentile, "in (0, 1]");
            check(margin >= 0 && margin <= 10, "margin", margin, "in [0, 10]");
            check(halfLifeMillis > 0, "halfLifeMillis", halfLifeMillis, "> 0");
            check(oomBump >= 1 && oomBump <= 10, "oomBump", oomBump, "in [1, 10]");
            check(oomMinBumpBytes >= 0, "oomMinBumpBytes", oomMinBumpBytes, ">= 0");
            check(intervalMillis >= 0, "intervalMillis", intervalMillis, ">= 0");
            check(minSamples >= 1, "minSamples", minSamples, ">= 1");
        }

        /** This config with another aggregation interval and sample threshold. */
        public Config withSampling(long interval, int samples) {
            return new Config(ratePercentile, peakPercentile, margin, halfLifeMillis, oomBump, oomMinBumpBytes,
                    interval, samples);
        }

        private static void check(boolean ok, String key, double value, String rule) {
            if (!ok) {
                throw new IllegalArgumentException("resource recommender: " + key + "=" + value + " must be " + rule);
            }
        }
    }

    private static final Dimension[] DIMENSIONS = Dimension.values();

    private final Config config;
    private final DecayingHistograms histograms;
    /** Per dimension: the current interval's peak (in the dimension's unit), or -1 when it has none yet. */
    private final float[] peaks = new float[DIMENSIONS.length];
    /** Per dimension: intervals recorded. */
    private final int[] samples = new int[DIMENSIONS.length];
    private long intervalStart = Long.MIN_VALUE;
    private long lastMillis = Long.MIN_VALUE;
    /** Per dimension: the bumped value after the last limit hit (memory, disk), 0 when none. */
    private final long[] floors = new long[DIMENSIONS.length];
    /** Per dimension: when that limit hit happened. */
    private final long[] floorAtMillis = new long[DIMENSIONS.length];

    /** A recommender with no samples yet. */
    public ResourceRecommender(Config config) {
        this.config = config;
        this.histograms = new DecayingHistograms(DIMENSIONS.length, config.halfLifeMillis());
        Arrays.fill(peaks, -1);
    }

    /**
     * Records that {@code d} used {@code value} (cores, peak bytes, bytes per second) at {@code atMillis}; a
     * negative value means unknown and is skipped.
     *
     * @throws IllegalArgumentException if {@code atMillis} is before the previous sample's time
     */
    public void record(Dimension d, double value, long atMillis) {
        advance(atMillis);
        if (value < 0 || Double.isNaN(value)) {
            return;
        }
        int i = d.ordinal();
        float v = (float) value;
        if (peaks[i] < 0) {
            histograms.add(i, v / d.unit(), intervalStart);
            samples[i]++;
            peaks[i] = v;
        } else if (v > peaks[i]) {
            // A higher peak in the same interval replaces the lower one: one sample per interval.
            histograms.subtract(i, peaks[i] / d.unit(), intervalStart);
            histograms.add(i, v / d.unit(), intervalStart);
            peaks[i] = v;
        }
    }

    /** Records every dimension of {@code usage} (peak memory and disk, average rates) at {@code atMillis}. */
    public void record(ResourceVector usage, long atMillis) {
        record(Dimension.CPU, usage.cpuCores(), atMillis);
        record(Dimension.MEMORY, usage.memoryBytes(), atMillis);
        record(Dimension.DISK, usage.diskBytes(), atMillis);
        record(Dimension.IO, usage.ioBytesPerSecond(), atMillis);
        record(Dimension.NET, usage.netBytesPerSecond(), atMillis);
    }

    /** Records an out-of-memory kill at {@code atMillis} with {@code memoryBytes} in use (the limit it hit). */
    public void recordOom(long memoryBytes, long atMillis) {
        recordLimitHit(Dimension.MEMORY, memoryBytes, atMillis);
    }

    /**
     * Records that {@code d} ran out at {@code atMillis} with {@code bytes} in use, the limit it hit: memory (an
     * OOM kill) or disk (the scratch filled up). For one half-life the recommendation gives it at least {@code
     * max(bytes * oomBump, bytes + oomMinBump)} plus the margin, and the bumped value joins the histogram so it
     * fades like any sample.
     *
     * @throws IllegalArgumentException for cpu, io and network, which a limit throttles rather than fails
     */
    public void recordLimitHit(Dimension d, long bytes, long atMillis) {
        if (d != Dimension.MEMORY && d != Dimension.DISK) {
            throw new IllegalArgumentException("a limit hit is recorded for memory or disk, which fail when short; "
                    + d + " is throttled instead");
        }
        long bumped = Math.max(Math.round(bytes * config.oomBump()), bytes + config.oomMinBumpBytes());
        record(d, bumped, atMillis);
        floors[d.ordinal()] = Math.max(floor(d), bumped);
        floorAtMillis[d.ordinal()] = atMillis;
    }

    private void advance(long atMillis) {
        if (atMillis < lastMillis) {
            throw new IllegalArgumentException("usage sample at " + atMillis + " ms comes before the previous one at "
                    + lastMillis + " ms");
        }
        lastMillis = atMillis;
        long interval = config.intervalMillis();
        long start = interval > 0 ? Math.floorDiv(atMillis, interval) * interval : atMillis;
        if (start != intervalStart || interval == 0) {
            intervalStart = start;
            Arrays.fill(peaks, -1);
        }
    }

    /** {@code d}'s floor after a limit hit as of the last sample: zero once a half-life has passed since. */
    private long floor(Dimension d) {
        int i = d.ordinal();
        return floors[i] > 0 && lastMillis - floorAtMillis[i] < config.halfLifeMillis() ? floors[i] : 0;
    }

    /** Whether {@code d} has enough samples to be sized from its histogram. */
    public boolean sized(Dimension d) {
        return samples[d.ordinal()] >= config.minSamples();
    }

    /** Whether any dimension is sized or a limit hit's floor holds: the recommendation differs from the fallback. */
    public boolean active() {
        for (Dimension d : DIMENSIONS) {
            if (sized(d) || floor(d) > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The recommended size: per dimension the percentile target plus the margin for a {@link #sized} dimension,
     * else {@code fallback}'s value (memory and disk at least a limit hit's floor plus the margin); then at least
     * {@code min} and at most {@code max} (a 0 in {@code max} leaves that dimension unbounded).
     */
    public ResourceVector recommend(ResourceVector min, ResourceVector max, ResourceVector fallback) {
        double memory = peakTarget(Dimension.MEMORY, fallback.memoryBytes());
        double disk = peakTarget(Dimension.DISK, fallback.diskBytes());
        return new ResourceVector(
                bound(target(Dimension.CPU, config.ratePercentile(), fallback.cpuCores()), min.cpuCores(),
                        max.cpuCores()),
                Math.round(bound(memory, min.memoryBytes(), max.memoryBytes())),
                Math.round(bound(disk, min.diskBytes(), max.diskBytes())),
                Math.round(bound(target(Dimension.IO, config.ratePercentile(), fallback.ioBytesPerSecond()),
                        min.ioBytesPerSecond(), max.ioBytesPerSecond())),
                Math.round(bound(target(Dimension.NET, config.ratePercentile(), fallback.netBytesPerSecond()),
                        min.netBytesPerSecond(), max.netBytesPerSecond())));
    }

    /** Samples (intervals) recorded for memory so far, OOM kills included. */
    public long samples() {
        return samples[Dimension.MEMORY.ordinal()];
    }

    /** Samples (intervals) recorded for {@code d} so far. */
    public long samples(Dimension d) {
        return samples[d.ordinal()];
    }

    /**
     * Heap bytes of this function's state on a 64-bit JVM with compressed references: this object (12-byte
     * header, 6 references, 2 longs, padded to 8), the peaks and sample arrays, the floors and their times (16-byte
     * header each) and the histograms.
     */
    public long heapBytes() {
        return 12 + 6 * 4 + 2 * 8 + 4 + (16 + 4L * peaks.length + 4) + (16 + 4L * samples.length + 4)
                + 2 * (16 + 8L * floors.length) + histograms.heapBytes();
    }

    /** A peak dimension's target, at least its limit hit's floor plus the margin while that holds. */
    private double peakTarget(Dimension d, double fallback) {
        double t = target(d, config.peakPercentile(), fallback);
        long floor = floor(d);
        return floor > 0 ? Math.max(t, floor * (1 + config.margin())) : t;
    }

    private double target(Dimension d, double p, double fallback) {
        if (!sized(d)) {
            return fallback;
        }
        return histograms.percentile(d.ordinal(), p) * d.unit() * (1 + config.margin());
    }

    private static double bound(double value, double min, double max) {
        double v = Math.max(value, min);
        return max > 0 ? Math.min(v, max) : v;
    }
}
