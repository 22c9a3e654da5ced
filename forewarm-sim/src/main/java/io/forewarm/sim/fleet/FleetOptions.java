package io.forewarm.sim.fleet;

import io.forewarm.sim.Progress;
import io.forewarm.sim.trace.Unit;

/**
 * How the fleet model runs.
 *
 * @param unit              what one sandbox serves (a function, or a whole application)
 * @param scoreFromMinute   score only invocations (and idle time) at or after this minute, trace numbering
 * @param capacityGb        host memory capacity in GB (GiB); 0 means unlimited
 * @param seed              seed of the arrival spreading and duration draws (same seed, same result)
 * @param coldStartMs       cold-start latency of every sandbox in ms; 0 selects the memory model
 *                          {@link #coldStartMillis(double)}
 * @param defaultMemoryMb   memory of a function the trace gives none for
 * @param defaultDurationMs execution time of a function the trace gives no durations for
 * @param tickMillis        simulated interval between housekeeping ticks (planner calls)
 * @param progress          where to report progress
 */
public record FleetOptions(Unit unit, int scoreFromMinute, double capacityGb, long seed, long coldStartMs,
                           double defaultMemoryMb, double defaultDurationMs, long tickMillis, Progress progress) {

    /**
     * The default housekeeping tick: 10 simulated seconds, as coarse as a live housekeeper would run.
     * Pre-warms are started a tick early (the planner's lookahead) so the tick does not make them late;
     * releases happen up to a tick late, which the wasted memory honestly includes.
     */
    public static final long DEFAULT_TICK_MILLIS = 10_000;

    /** Validates every field, naming the bad one. */
    public FleetOptions {
        if (unit == null || progress == null) {
            throw new IllegalArgumentException("fleet options need a unit and a progress sink");
        }
        require(capacityGb >= 0 && Double.isFinite(capacityGb), "capacityGb", capacityGb);
        require(coldStartMs >= 0, "coldStartMs", coldStartMs);
        require(defaultMemoryMb > 0 && Double.isFinite(defaultMemoryMb), "defaultMemoryMb", defaultMemoryMb);
        require(defaultDurationMs >= 0 && Double.isFinite(defaultDurationMs), "defaultDurationMs",
                defaultDurationMs);
        require(tickMillis > 0, "tickMillis", tickMillis);
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("fleet option " + key + "=" + value + " is out of range");
        }
    }

    /** Unlimited memory, score everything, seed 1, memory cold-start model, 128 MB, 1 s runs, 10 s ticks. */
    public static FleetOptions defaults(Unit unit) {
        return new FleetOptions(unit, Integer.MIN_VALUE, 0, 1, 0, 128, 1_000, DEFAULT_TICK_MILLIS, Progress.NONE);
    }

    /** The same options with a host capacity of {@code gb} (0: unlimited). */
    public FleetOptions withCapacityGb(double gb) {
        return new FleetOptions(unit, scoreFromMinute, gb, seed, coldStartMs, defaultMemoryMb, defaultDurationMs,
                tickMillis, progress);
    }

    /** The same options with a constant cold start of {@code ms} (0: the memory model). */
    public FleetOptions withColdStartMs(long ms) {
        return new FleetOptions(unit, scoreFromMinute, capacityGb, seed, ms, defaultMemoryMb, defaultDurationMs,
                tickMillis, progress);
    }

    /** The same options with seed {@code s}. */
    public FleetOptions withSeed(long s) {
        return new FleetOptions(unit, scoreFromMinute, capacityGb, s, coldStartMs, defaultMemoryMb,
                defaultDurationMs, tickMillis, progress);
    }

    /** The same options scoring only from {@code minute}. */
    public FleetOptions scoringFrom(int minute) {
        return new FleetOptions(unit, minute, capacityGb, seed, coldStartMs, defaultMemoryMb, defaultDurationMs,
                tickMillis, progress);
    }

    /** The same options with a default execution time of {@code ms}. */
    public FleetOptions withDefaultDurationMs(double ms) {
        return new FleetOptions(unit, scoreFromMinute, capacityGb, seed, coldStartMs, defaultMemoryMb, ms,
                tickMillis, progress);
    }

    /** The same options ticking every {@code ms}. */
    public FleetOptions withTickMillis(long ms) {
        return new FleetOptions(unit, scoreFromMinute, capacityGb, seed, coldStartMs, defaultMemoryMb,
                defaultDurationMs, ms, progress);
    }

    /** The same options reporting progress to {@code p}. */
    public FleetOptions withProgress(Progress p) {
        return new FleetOptions(unit, scoreFromMinute, capacityGb, seed, coldStartMs, defaultMemoryMb,
                defaultDurationMs, tickMillis, p);
    }

    /** Host capacity in bytes (0: unlimited). */
    public long capacityBytes() {
        return Math.round(capacityGb * 1024 * 1024 * 1024);
    }

    /**
     * The cold-start latency of a sandbox of {@code memoryMb}: {@code coldStartMs} if set, otherwise
     * 500 ms plus 0.5 ms per MB (128 MB: 564 ms; 1.5 GB: 1268 ms). The constant stands for process or
     * container start and runtime boot, the slope for loading a larger image and heap; the magnitudes are
     * those reported for the big platforms (a few hundred ms to a few seconds; Wang et al., "Peeking Behind
     * the Curtains of Serverless Platforms", USENIX ATC 2018).
     */
    public long coldStartMillis(double memoryMb) {
        return coldStartMs > 0 ? coldStartMs : 500 + Math.round(memoryMb / 2);
    }
}
