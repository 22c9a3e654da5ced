package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;

import java.time.Instant;

/**
 * Where the engine writes one record per execution and predictors read them back. Appends are buffered and
 * written in batches off the request path; per-minute rollups follow within about a second, and are complete
 * once {@link #flush} returns; retention trims raw rows by age and size while their minutes live on in the
 * rollups.
 */
public interface HistoryStore extends HistoryView, AutoCloseable {

    /**
     * Queues {@code record} for the next batch. Cheap while the buffer has room; when it is full the caller
     * waits for the writer (back-pressure) rather than losing the record.
     *
     * @throws IllegalArgumentException when a field is out of range (naming field and value)
     * @throws IllegalStateException    when the store is closed or its writer has failed
     */
    void append(ExecutionRecord record);

    /** Writes everything appended before this call and waits until it is committed. */
    void flush();

    /** Applies the store's retention policy as of {@code now} and says what it removed. */
    RetentionResult applyRetention(Instant now);

    /** Flushes what is buffered, checkpoints the database and releases it; later calls fail. */
    @Override
    void close();
}
