package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The read-only face of execution history that predictors, the planner's snapshot builder and the exporter
 * need. Every range is half-open, {@code [from, to)}; every answer reflects what has been flushed.
 */
public interface HistoryView {

    /** Raw records of {@code function} that arrived in {@code [from, to)}, oldest first. */
    List<ExecutionRecord> records(String function, Instant from, Instant to);

    /**
     * Arrivals of {@code function} per minute, from the rollups: index {@code i} counts the minute that starts
     * {@code i} minutes after the minute containing {@code from}; minutes without arrivals are 0.
     */
    long[] arrivalsPerMinute(String function, Instant from, int minutes);

    /** Per-minute rollups of {@code function} for minutes starting in {@code [from, to)}, oldest first. */
    List<MinuteRollup> rollups(String function, Instant from, Instant to);

    /** Names of every function that has raw records or rollups, sorted. */
    List<String> functions();

    /** The {@code n} latest raw records of all functions by arrival, newest first. */
    List<ExecutionRecord> latest(int n);

    /** The {@code n} latest raw records of {@code function} by arrival, newest first. */
    List<ExecutionRecord> latest(String function, int n);

    /** Streams the raw records of all functions that arrived in {@code [from, to)}, oldest first. */
    void forEach(Instant from, Instant to, Consumer<? super ExecutionRecord> sink);
}
