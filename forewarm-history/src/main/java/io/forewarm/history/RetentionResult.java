package io.forewarm.history;

/**
 * What one retention pass removed.
 *
 * @param rawByAge     raw records deleted because they were older than the raw age limit (downsampled)
 * @param rawBySize    raw records deleted, oldest first, to honour the row or byte limit
 * @param rollupsByAge rollup minutes deleted because they were older than the rollup age limit
 * @param rollupsSealed rollup minutes of past days moved to the sealed, function-ordered table
 */
public record RetentionResult(long rawByAge, long rawBySize, long rollupsByAge, long rollupsSealed) {

    /** Total raw records deleted. */
    public long rawDeleted() {
        return rawByAge + rawBySize;
    }
}
