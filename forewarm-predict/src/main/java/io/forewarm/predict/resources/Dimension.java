package io.forewarm.predict.resources;

/**
 * A resource the recommender sizes, with the value its shared bucket layout starts at: bucket 0 holds
 * everything up to one {@link #unit()}, and each further bucket's edge is 1.08 times the previous one, so the
 * 140 buckets span {@code unit .. unit * 1.08^139} (about 44,000 units).
 */
public enum Dimension {
    /** Cpu in cores (the average over a run): 0.01 .. about 440 cores. */
    CPU(0.01),
    /** Peak memory in bytes: 1 MB .. about 43 GB. */
    MEMORY(1 << 20),
    /** Peak scratch disk in bytes: 1 MB .. about 43 GB. */
    DISK(1 << 20),
    /** Block io in bytes per second: 64 KB/s .. about 2.8 GB/s. */
    IO(64 << 10),
    /** Network in bytes per second: 64 KB/s .. about 2.8 GB/s. */
    NET(64 << 10);

    private final double unit;

    Dimension(double unit) {
        this.unit = unit;
    }

    /** The upper edge of the first bucket, in the dimension's own unit (cores, bytes, bytes/s). */
    public double unit() {
        return unit;
    }
}
