package io.forewarm.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long history is kept. Raw records older than {@code rawMaxAge} are deleted but their minutes stay in
 * the rollups (downsampling); rollups older than {@code rollupMaxAge} are deleted; and when the raw table
 * holds more than {@code maxRawRows} rows, or the database uses more than {@code maxBytes}, the oldest raw
 * records go first. The decisions are pure functions of the policy, {@code now} and the store's size.
 * A DuckDB file frees space in 256 KiB blocks when a checkpoint vacuums deleted rows, so the byte limit is
 * met to within a block or two, not to the byte; a PostgreSQL store counts its live rows' bytes instead.
 *
 * @param rawMaxAge    age after which raw records are dropped ({@link #FOREVER}: never)
 * @param rollupMaxAge age after which rollup minutes are dropped; at least {@code rawMaxAge}
 * @param maxRawRows   most raw records kept ({@link Long#MAX_VALUE}: no limit)
 * @param maxBytes     most bytes the database may use ({@link Long#MAX_VALUE}: no limit)
 */
public record RetentionPolicy(Duration rawMaxAge, Duration rollupMaxAge, long maxRawRows, long maxBytes) {

    /** An age that never passes. */
    public static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    /** Keep everything. */
    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(FOREVER, FOREVER, Long.MAX_VALUE,
            Long.MAX_VALUE);

    /** Validates every limit, naming the one that is wrong. */
    public RetentionPolicy {
        Objects.requireNonNull(rawMaxAge, "retention rawMaxAge");
        Objects.requireNonNull(rollupMaxAge, "retention rollupMaxAge");
        if (rawMaxAge.isNegative() || rawMaxAge.isZero()) {
            throw new IllegalArgumentException("retention rawMaxAge must be > 0, got " + rawMaxAge);
        }
        if (rollupMaxAge.compareTo(rawMaxAge) < 0) {
            // Rollups are the downsampled form of raw rows: dropping them first would leave raw minutes
            // that the bucket queries no longer count.
            throw new IllegalArgumentException("retention rollupMaxAge (" + rollupMaxAge
                    + ") must be >= rawMaxAge (" + rawMaxAge + ")");
        }
        if (maxRawRows <= 0) {
            throw new IllegalArgumentException("retention maxRawRows must be > 0, got " + maxRawRows);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("retention maxBytes must be > 0, got " + maxBytes);
        }
    }

    /** This policy with raw records kept for {@code age}. */
    public RetentionPolicy withRawMaxAge(Duration age) {
        return new RetentionPolicy(age, rollupMaxAge, maxRawRows, maxBytes);
    }

    /** This policy with rollups kept for {@code age}. */
    public RetentionPolicy withRollupMaxAge(Duration age) {
        return new RetentionPolicy(rawMaxAge, age, maxRawRows, maxBytes);
    }

    /** This policy with at most {@code rows} raw records. */
    public RetentionPolicy withMaxRawRows(long rows) {
        return new RetentionPolicy(rawMaxAge, rollupMaxAge, rows, maxBytes);
    }

    /** This policy with the database kept under {@code bytes}. */
    public RetentionPolicy withMaxBytes(long bytes) {
        return new RetentionPolicy(rawMaxAge, rollupMaxAge, maxRawRows, bytes);
    }

    /** Raw records that arrived before this instant are dropped as of {@code now}. */
    public Instant rawCutoff(Instant now) {
        return cutoff(now, rawMaxAge);
    }

    /** Rollup minutes that start before this instant are dropped as of {@code now}. */
    public Instant rollupCutoff(Instant now) {
        return cutoff(now, rollupMaxAge);
    }

    /**
     * How many of the oldest raw records to drop so that {@code rawRows} fits the row limit and
     * {@code usedBytes} the byte limit. Bytes are attributed to raw rows in proportion, which overestimates
     * a raw row's share (rollups use some of the space); that errs on the side of staying under the limit,
     * and repeated passes converge as the database reuses freed blocks.
     */
    public long rawRowsToDrop(long rawRows, long usedBytes) {
        if (rawRows < 0 || usedBytes < 0) {
            throw new IllegalArgumentException("sizes must be >= 0: rawRows=" + rawRows + " usedBytes=" + usedBytes);
        }
        long byRows = Math.max(0, rawRows - maxRawRows);
        long byBytes = 0;
        if (usedBytes > maxBytes && rawRows > 0) {
            double excess = (double) (usedBytes - maxBytes) / usedBytes;
            byBytes = (long) Math.ceil(rawRows * excess);
        }
        return Math.min(rawRows, Math.max(byRows, byBytes));
    }

    private static Instant cutoff(Instant now, Duration age) {
        Objects.requireNonNull(now, "now");
        // FOREVER (and any age reaching before the epoch of Instant.MIN) means nothing is old enough.
        if (age.getSeconds() > now.getEpochSecond() - Instant.MIN.getEpochSecond()) {
            return Instant.MIN;
        }
        return now.minus(age);
    }
}
