/**
 * Execution history: {@link io.forewarm.history.HistoryStore} appends one record per execution in batches off
 * the request path and keeps per-minute rollups (within about a second, at once on flush);
 * {@link io.forewarm.history.HistoryView} is the read-only face predictors use (raw ranges, per-minute arrival
 * buckets, rollups, latest records).
 * Retention follows the round-robin-archive idea of RRDtool and Graphite's whisper: fine-grained data for a
 * short time, consolidated (here: per-minute) data much longer, and old data dropped first when space runs
 * out. {@link io.forewarm.history.DuckDbHistoryStore} keeps it all in an embedded DuckDB database,
 * {@link io.forewarm.history.PostgresHistoryStore} in a shared PostgreSQL server.
 */
package io.forewarm.history;
