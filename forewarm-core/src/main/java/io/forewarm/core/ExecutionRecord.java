package io.forewarm.core;

import java.time.Instant;

/**
 * One execution, as the history store keeps it: when it arrived, how long it queued, whether it found a
 * warm sandbox, how long initialization and the run took, what it used, and how it ended.
 *
 * @param function      the function's name
 * @param arrival       when the request arrived
 * @param queueMillis   time spent waiting for capacity
 * @param cold          whether a sandbox had to be started (or warmed) for it
 * @param initMillis    initialization time paid by this execution (0 when warm)
 * @param runMillis     execution time inside the sandbox
 * @param cpuMillis     cpu time used (user + system), or -1 when unknown
 * @param peakMemoryBytes peak memory of the sandbox during the run, or -1 when unknown
 * @param ioReadBytes   bytes read from block devices, or -1 when unknown
 * @param ioWriteBytes  bytes written to block devices, or -1 when unknown
 * @param netBytes      network bytes sent and received, or -1 when unknown
 * @param exit          how it ended
 * @param limits        the sandbox's limits during the run
 * @param limitRaised   whether the limits were raised for this sandbox after earlier runs hit them
 */
public record ExecutionRecord(String function, Instant arrival, long queueMillis, boolean cold, long initMillis,
                              long runMillis, long cpuMillis, long peakMemoryBytes, long ioReadBytes,
                              long ioWriteBytes, long netBytes, ExitKind exit, ResourceVector limits,
                              boolean limitRaised) {

    /** Validates the required fields. */
    public ExecutionRecord {
        if (function == null || arrival == null || exit == null || limits == null) {
            throw new IllegalArgumentException("function, arrival, exit and limits are required");
        }
        if (queueMillis < 0 || initMillis < 0 || runMillis < 0) {
            throw new IllegalArgumentException("queue, init and run times must be >= 0 for " + function);
        }
    }
}
