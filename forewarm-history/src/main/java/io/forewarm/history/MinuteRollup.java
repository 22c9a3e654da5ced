package io.forewarm.history;

import java.time.Instant;

/**
 * What one function did in one minute, kept long after its raw records are gone.
 *
 * @param function      the function's name
 * @param minute        start of the minute (UTC, minute-aligned)
 * @param invocations   executions that arrived in the minute
 * @param coldStarts    how many of them were cold
 * @param runMillisSum  sum of run times
 * @param runMillisMax  longest run time
 * @param peakMemoryMax largest known peak memory in bytes, or -1 when none was known
 * @param cpuMillisSum  sum of known cpu times, or -1 when none was known
 * @param errors        executions whose exit was not {@code OK}
 */
public record MinuteRollup(String function, Instant minute, long invocations, long coldStarts, long runMillisSum,
                           long runMillisMax, long peakMemoryMax, long cpuMillisSum, long errors) {
}
