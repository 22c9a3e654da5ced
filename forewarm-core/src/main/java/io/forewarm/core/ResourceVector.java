package io.forewarm.core;

/**
 * A sandbox size or a usage sample: cpu in cores (fractional), memory and scratch disk in bytes, io and
 * network bandwidth in bytes per second (0 = unlimited or unknown).
 */
public record ResourceVector(double cpuCores, long memoryBytes, long diskBytes, long ioBytesPerSecond,
                             long netBytesPerSecond) {

    /** Nothing at all. */
    public static final ResourceVector ZERO = new ResourceVector(0, 0, 0, 0, 0);

    /** Validates that no dimension is negative. */
    public ResourceVector {
        if (cpuCores < 0 || memoryBytes < 0 || diskBytes < 0 || ioBytesPerSecond < 0 || netBytesPerSecond < 0) {
            throw new IllegalArgumentException("resource dimensions must be >= 0: " + describe(cpuCores,
                    memoryBytes, diskBytes, ioBytesPerSecond, netBytesPerSecond));
        }
    }

    /** Only cpu and memory, the two dimensions a host budget is kept in. */
    public static ResourceVector of(double cpuCores, long memoryBytes) {
        return new ResourceVector(cpuCores, memoryBytes, 0, 0, 0);
    }

    /** Memory in mebibytes. */
    public double memoryMb() {
        return memoryBytes / (1024.0 * 1024.0);
    }

    /** Component-wise sum. */
    public ResourceVector plus(ResourceVector o) {
        return new ResourceVector(cpuCores + o.cpuCores, memoryBytes + o.memoryBytes, diskBytes + o.diskBytes,
                ioBytesPerSecond + o.ioBytesPerSecond, netBytesPerSecond + o.netBytesPerSecond);
    }

    /** Component-wise difference, floored at zero. */
    public ResourceVector minus(ResourceVector o) {
        return new ResourceVector(Math.max(0, cpuCores - o.cpuCores), Math.max(0, memoryBytes - o.memoryBytes),
                Math.max(0, diskBytes - o.diskBytes), Math.max(0, ioBytesPerSecond - o.ioBytesPerSecond),
                Math.max(0, netBytesPerSecond - o.netBytesPerSecond));
    }

    /** Whether {@code o} fits inside this budget in cpu and memory (the dimensions a host allocates). */
    public boolean fits(ResourceVector o) {
        return o.cpuCores <= cpuCores + 1e-9 && o.memoryBytes <= memoryBytes;
    }

    @Override
    public String toString() {
        return describe(cpuCores, memoryBytes, diskBytes, ioBytesPerSecond, netBytesPerSecond);
    }

    private static String describe(double cpu, long mem, long disk, long io, long net) {
        return "cpu=" + cpu + " mem=" + mem + "B disk=" + disk + "B io=" + io + "B/s net=" + net + "B/s";
    }
}
