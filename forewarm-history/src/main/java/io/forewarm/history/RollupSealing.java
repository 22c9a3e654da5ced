package io.forewarm.history;

import java.time.Duration;
import java.time.Instant;

/**
 * When rollups move from the hot, keyed table (upserted by the writer) to the sealed, function-ordered one.
 * Only whole UTC days are sealed, one per pass, so each sealed chunk is large enough that one function's minutes fill a
 * few row groups of their own; a day is sealed once it ended more than {@link #GRACE} ago, when records
 * for it have stopped arriving (a late one still lands in the hot table and is added up by the queries).
 */
final class RollupSealing {

    /** How long after a day ends it stays hot, for executions that finish and are recorded late. */
    static final Duration GRACE = Duration.ofHours(1);

    private static final long MINUTES_PER_DAY = 1440;

    private RollupSealing() {
    }

    /**
     * The epoch minute before which rollups are sealed as of {@code now}, given the oldest minute still hot:
     * whole days that ended at least {@link #GRACE} ago, but only the oldest such day per pass, so that one
     * pass (which holds up ingest while it runs) seals at most a day's rows however long sealing was left undone.
     */
    static long sealBeforeMinute(Instant now, long oldestHotMinute) {
        long minute = Records.minuteOf(Records.boundMicros(now.minus(GRACE)));
        long lastClosedDayEnd = Math.floorDiv(minute, MINUTES_PER_DAY) * MINUTES_PER_DAY;
        long oldestDayEnd = Math.floorDiv(oldestHotMinute, MINUTES_PER_DAY) * MINUTES_PER_DAY + MINUTES_PER_DAY;
        return Math.min(lastClosedDayEnd, oldestDayEnd);
    }
}
