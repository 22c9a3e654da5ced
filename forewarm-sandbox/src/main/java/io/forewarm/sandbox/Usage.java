package io.forewarm.sandbox;

/**
 * A live usage sample of a sandbox; -1 means the backend cannot tell.
 *
 * @param cpuNanos         cpu time used since the sandbox was created (user + system)
 * @param memoryBytes      memory in use now
 * @param memoryPeakBytes  highest memory in use since creation
 * @param ioReadBytes      bytes read from block devices
 * @param ioWriteBytes     bytes written to block devices
 * @param oomKills         processes killed by the sandbox's memory limit
 * @param processes        live processes in the sandbox now
 * @param scratchBytes     bytes in use in the scratch directory now (its tmpfs's used blocks; -1 without a mount)
 * @param netBytes         bytes received plus bytes sent on the sandbox's own network namespace since it was
 *                         created (loopback traffic counts both ways); -1 when it has none of its own
 */
public record Usage(long cpuNanos, long memoryBytes, long memoryPeakBytes, long ioReadBytes, long ioWriteBytes,
                    long oomKills, long processes, long scratchBytes, long netBytes) {
}
