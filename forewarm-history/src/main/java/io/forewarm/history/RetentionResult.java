package io.forewarm.history;

/**
 * What one retention pass removed.
 *
 * @param rawByAge     raw records deleted because they were older than the raw age limit (downsampled)
 * @param rawBySize    raw records deleted, oldest first, to honour the row or byte limit
 * @param rollupsByAge rollup minutes deleted because they were older than the rollup age limit
 */
public record RetentionResult(long rawByAge, long rawBySize, long rollupsByAge) {

    /** Total raw records deleted. */
    public long rawDeleted() {
        return rawByAge + rawBySize;
    }
}
