package io.forewarm.history;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How a history store is opened.
 *
 * @param file           the DuckDB database file, or {@code null} for a private in-memory database (and always
 *                       {@code null} for the PostgreSQL store, whose database a {@link PostgresTarget} names)
 * @param batchSize      most records written in one batch; a full batch is written at once
 * @param batchInterval  longest a record waits in the buffer before its batch is written
 * @param bufferCapacity records the buffer holds before {@code append} waits for the writer
 * @param retention      what {@code applyRetention} removes
 * @param retentionEvery how often the writer applies retention by itself ({@link Duration#ZERO}: never)
 * @param clock          the time retention is applied at when the writer applies it by itself
 */
public record HistoryOptions(Path file, int batchSize, Duration batchInterval, int bufferCapacity,
                             RetentionPolicy retention, Duration retentionEvery, InstantSource clock) {

    /** Default batch size: large enough to amortise a transaction, small enough to write in a few ms. */
    public static final int DEFAULT_BATCH_SIZE = 10_000;
    /** Default batch interval: on kill -9 at most this much acknowledged history is lost. */
    public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofMillis(200);
    /** Default period of the writer's own retention pass, which also seals past days of rollups. */
    public static final Duration DEFAULT_RETENTION_EVERY = Duration.ofMinutes(5);
    /** Default buffer: about a second of ingest at full speed before appenders feel back-pressure. */
    public static final int DEFAULT_BUFFER_CAPACITY = 200_000;

    /** Validates every option, naming the one that is wrong. */
    public HistoryOptions {
        Objects.requireNonNull(batchInterval, "history batchInterval");
        Objects.requireNonNull(retention, "history retention");
        Objects.requireNonNull(retentionEvery, "history retentionEvery");
        Objects.requireNonNull(clock, "history clock");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("history batchSize must be > 0, got " + batchSize);
        }
        if (batchInterval.isNegative() || batchInterval.isZero()) {
            throw new IllegalArgumentException("history batchInterval must be > 0, got " + batchInterval);
        }
        if (bufferCapacity < batchSize) {
            throw new IllegalArgumentException("history bufferCapacity (" + bufferCapacity
                    + ") must be >= batchSize (" + batchSize + ")");
        }
        if (retentionEvery.isNegative()) {
            throw new IllegalArgumentException("history retentionEvery must be >= 0, got " + retentionEvery);
        }
    }

    /** Defaults for a database file at {@code file}. */
    public static HistoryOptions file(Path file) {
        return new HistoryOptions(Objects.requireNonNull(file, "history file"), DEFAULT_BATCH_SIZE,
                DEFAULT_BATCH_INTERVAL, DEFAULT_BUFFER_CAPACITY, RetentionPolicy.KEEP_ALL, DEFAULT_RETENTION_EVERY,
                InstantSource.system());
    }

    /** Defaults for a private in-memory database (tests, simulations), and for a PostgreSQL store. */
    public static HistoryOptions inMemory() {
        return new HistoryOptions(null, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_INTERVAL, DEFAULT_BUFFER_CAPACITY,
                RetentionPolicy.KEEP_ALL, DEFAULT_RETENTION_EVERY, InstantSource.system());
    }

    /** These options with batches of {@code size} records. */
    public HistoryOptions withBatchSize(int size) {
        return new HistoryOptions(file, size, batchInterval, bufferCapacity, retention,
                retentionEvery, clock);
    }

    /** These options with batches written at least every {@code interval}. */
    public HistoryOptions withBatchInterval(Duration interval) {
        return new HistoryOptions(file, batchSize, interval, bufferCapacity, retention, retentionEvery, clock);
    }

    /** These options with a buffer of {@code capacity} records. */
    public HistoryOptions withBufferCapacity(int capacity) {
        return new HistoryOptions(file, batchSize, batchInterval, capacity, retention, retentionEvery, clock);
    }

    /** These options with {@code policy}, applied by the writer every {@code every} by {@code clock}. */
    public HistoryOptions withRetention(RetentionPolicy policy, Duration every, InstantSource clock) {
        return new HistoryOptions(file, batchSize, batchInterval, bufferCapacity, policy, every, clock);
    }

    /** The JDBC URL of the database. */
    String jdbcUrl() {
        return file == null ? "jdbc:duckdb:" : "jdbc:duckdb:" + file.toAbsolutePath();
    }

    /** A name for messages. */
    String describe() {
        return file == null ? "in-memory history" : "history " + file.toAbsolutePath();
    }
}
