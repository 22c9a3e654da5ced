package io.forewarm.history;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Tables and statements of a history store, written once and rendered for each SQL dialect. Function names
 * live once in {@code functions}; raw rows and rollups refer to them by a small integer, which keeps both
 * tables compact and their filters cheap. Unknown measurements (-1 in a record) are stored as NULL so
 * aggregates skip them. The dialects differ only in how a timestamp turns into microseconds and back, in
 * the setup around the shared tables (DuckDB settings, PostgreSQL indexes), in what "bytes used" means and
 * in whether a checkpoint exists; everything else is the same text for both.
 */
final class HistorySql {

    /** Embedded DuckDB: zone maps instead of indexes, so sealed rollups are written in function order. */
    static final HistorySql DUCKDB = new HistorySql(
            new String[] {
                // Fewer, larger automatic checkpoints: each one recompresses the open row group, and at the 16 MB
                // default that work recurs every few batches under heavy ingest.
                "SET checkpoint_threshold = '256MB'",
            },
            new String[0],
            column -> "epoch_us(" + column + ")",
            "make_timestamp(?)",
            "SELECT used_blocks * block_size FROM pragma_database_size() WHERE database_name = current_database()",
            "CHECKPOINT",
            null);

    /**
     * PostgreSQL: B-tree indexes serve the range, latest and per-function queries; the byte limit counts the
     * live rows' bytes ({@code pg_column_size}), which shrink as soon as a DELETE commits, whereas the table
     * files keep their size until VACUUM FULL and would make every pass delete again.
     */
    static final HistorySql POSTGRES = new HistorySql(
            new String[0],
            new String[] {
                "CREATE INDEX IF NOT EXISTS executions_seq ON executions (seq)",
                "CREATE INDEX IF NOT EXISTS executions_arrival ON executions (arrival, seq)",
                "CREATE INDEX IF NOT EXISTS executions_fn_arrival ON executions (fn, arrival, seq)",
                "CREATE INDEX IF NOT EXISTS rollups_minute ON rollups (minute)",
                // Covering: the arrival buckets read the index alone.
                "CREATE INDEX IF NOT EXISTS rollups_sealed_fn_minute ON rollups_sealed (fn, minute)"
                        + " INCLUDE (invocations)",
            },
            // extract(epoch ...) is numeric since PostgreSQL 14, so the microseconds are exact.
            column -> "(extract(epoch FROM " + column + ") * 1000000)::bigint",
            // float8 * interval: exact to the microsecond up to 2^53 us (year 2255); beyond, only clamped range
            // bounds, never a stored arrival of this century, lose a few microseconds.
            "(TIMESTAMP 'epoch' + ? * INTERVAL '1 microsecond')",
            """
            SELECT (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM executions t)
                 + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM rollups t)
                 + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM rollups_sealed t)""",
            null,
            // Sealing leaves a day of dead rows in the hot table, which index scans of it would wade through
            // until autovacuum came by, and new sealed pages that index-only scans cannot use until vacuumed.
            "VACUUM (ANALYZE) rollups, rollups_sealed");

    /** Statements that create what is missing, in order; safe to run on every open. */
    final String[] create;
    /** Bytes the byte limit is held to. */
    final String usedBytes;
    /** Writes committed data to the database file and vacuums deleted rows; null where there is no such step. */
    final String checkpoint;
    /** Run after a pass has sealed rollups, outside any transaction; null where nothing is needed. */
    final String afterSeal;

    final String rollUp;
    final String recordsOf;
    final String recordsAll;
    final String latestAll;
    final String latestOf;
    final String deleteRawBefore;

    static final String INSERT_FUNCTION = "INSERT INTO functions VALUES (?, ?)";
    static final String WATERMARK = "SELECT next_seq FROM rollup_watermark";
    static final String SET_WATERMARK = "UPDATE rollup_watermark SET next_seq = ?";
    static final String FUNCTION_ID = "SELECT id FROM functions WHERE name = ?";
    static final String FUNCTION_NAMES = "SELECT name FROM functions ORDER BY name";
    static final String FUNCTION_IDS = "SELECT name, id FROM functions";
    /** Retention may have deleted the newest rows, so the watermark also bounds the next sequence number. */
    static final String NEXT_SEQ = "SELECT greatest(coalesce(max(seq) + 1, 0), (SELECT next_seq FROM rollup_watermark))"
            + " FROM executions";

    private static final String BOTH_ROLLUPS = """
        (SELECT * FROM rollups WHERE fn = ? AND minute >= ? AND minute < ?
         UNION ALL
         SELECT * FROM rollups_sealed WHERE fn = ? AND minute >= ? AND minute < ?) b""";

    /** Parameters: (fn, first minute, end minute) twice, once per rollup table. */
    static final String ARRIVALS = "SELECT minute, invocations FROM " + BOTH_ROLLUPS;
    /** Parameters: as {@link #ARRIVALS}; a minute found in both tables is merged. */
    static final String ROLLUPS = """
        SELECT minute, sum(invocations), sum(cold), sum(run_ms_sum), max(run_ms_max), max(peak_mem_max),
               sum(cpu_ms_sum), sum(errors)
        FROM """ + BOTH_ROLLUPS + " GROUP BY minute ORDER BY minute";

    static final String SEAL_ROLLUPS = "INSERT INTO rollups_sealed SELECT * FROM rollups WHERE minute < ?"
            + " ORDER BY fn, minute";
    /** Half of the largest bigint when nothing is hot, so that adding a day cannot overflow. */
    static final String OLDEST_HOT_MINUTE = "SELECT coalesce(min(minute), 4611686018427387903) FROM rollups";
    static final String DELETE_SEALED_FROM_HOT = "DELETE FROM rollups WHERE minute < ?";
    static final String DELETE_ROLLUPS_BEFORE = "DELETE FROM rollups WHERE minute < ?";
    static final String DELETE_SEALED_BEFORE = "DELETE FROM rollups_sealed WHERE minute < ?";
    static final String DELETE_OLDEST_RAW = """
        DELETE FROM executions WHERE seq IN (SELECT seq FROM executions ORDER BY arrival, seq LIMIT ?)""";
    static final String DELETE_ORPHAN_FUNCTIONS = """
        DELETE FROM functions WHERE id NOT IN (SELECT DISTINCT fn FROM executions)
          AND id NOT IN (SELECT DISTINCT fn FROM rollups) AND id NOT IN (SELECT DISTINCT fn FROM rollups_sealed)""";
    static final String RAW_ROWS = "SELECT count(*) FROM executions";

    /**
     * @param setup     dialect statements run before the shared tables are created
     * @param indexes   dialect statements run after them
     * @param micros    SQL for the epoch microseconds of a timestamp column
     * @param timestamp SQL for the timestamp of a microseconds parameter
     * @param usedBytes a query for the bytes the byte limit is held to
     * @param checkpoint see {@link #checkpoint}
     * @param afterSeal see {@link #afterSeal}
     */
    private HistorySql(String[] setup, String[] indexes, UnaryOperator<String> micros, String timestamp,
                       String usedBytes, String checkpoint, String afterSeal) {
        this.create = Stream.of(setup, tables(), indexes).flatMap(Stream::of).toArray(String[]::new);
        this.usedBytes = usedBytes;
        this.checkpoint = checkpoint;
        this.afterSeal = afterSeal;
        // Each minute's key is its whole epoch minute: date_trunc makes the division exact in both dialects.
        String minute = "CAST(" + micros.apply("date_trunc('minute', arrival)") + " / 60000000 AS BIGINT)";
        this.rollUp = """
            INSERT INTO rollups
            SELECT fn, %s AS minute, count(*),
                   count(*) FILTER (WHERE cold), sum(run_ms), max(run_ms), max(peak_mem_bytes), sum(cpu_ms),
                   count(*) FILTER (WHERE exit <> 'OK')
            FROM executions WHERE seq >= ? AND seq < ? GROUP BY fn, %1$s
            ON CONFLICT (fn, minute) DO UPDATE SET
              invocations = rollups.invocations + excluded.invocations,
              cold = rollups.cold + excluded.cold,
              run_ms_sum = rollups.run_ms_sum + excluded.run_ms_sum,
              run_ms_max = greatest(rollups.run_ms_max, excluded.run_ms_max),
              peak_mem_max = greatest(rollups.peak_mem_max, excluded.peak_mem_max),
              cpu_ms_sum = coalesce(rollups.cpu_ms_sum + excluded.cpu_ms_sum, rollups.cpu_ms_sum, excluded.cpu_ms_sum),
              errors = rollups.errors + excluded.errors""".formatted(minute);
        String records = "SELECT f.name, " + micros.apply("e.arrival") + """
            , e.queue_ms, e.cold, e.init_ms, e.run_ms, e.cpu_ms, e.peak_mem_bytes,
            e.io_read_bytes, e.io_write_bytes, e.net_bytes, e.exit, e.limit_cpu, e.limit_mem_bytes,
            e.limit_disk_bytes, e.limit_io_bps, e.limit_net_bps, e.limit_raised
            FROM executions e JOIN functions f ON f.id = e.fn""";
        String range = "e.arrival >= " + timestamp + " AND e.arrival < " + timestamp;
        this.recordsOf = records + " WHERE f.name = ? AND " + range + " ORDER BY e.arrival, e.seq";
        this.recordsAll = records + " WHERE " + range + " ORDER BY e.arrival, e.seq";
        this.latestAll = records + " ORDER BY e.arrival DESC, e.seq DESC LIMIT ?";
        this.latestOf = records + " WHERE f.name = ? ORDER BY e.arrival DESC, e.seq DESC LIMIT ?";
        this.deleteRawBefore = "DELETE FROM executions WHERE arrival < " + timestamp;
    }

    private static String[] tables() {
        return new String[] {
            "CREATE TABLE IF NOT EXISTS functions (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE)",
            """
            CREATE TABLE IF NOT EXISTS executions (
              seq BIGINT NOT NULL, fn INTEGER NOT NULL, arrival TIMESTAMP NOT NULL, queue_ms BIGINT NOT NULL,
              cold BOOLEAN NOT NULL, init_ms BIGINT NOT NULL, run_ms BIGINT NOT NULL, cpu_ms BIGINT,
              peak_mem_bytes BIGINT, io_read_bytes BIGINT, io_write_bytes BIGINT, net_bytes BIGINT,
              exit VARCHAR NOT NULL, limit_cpu DOUBLE PRECISION NOT NULL, limit_mem_bytes BIGINT NOT NULL,
              limit_disk_bytes BIGINT NOT NULL, limit_io_bps BIGINT NOT NULL, limit_net_bps BIGINT NOT NULL,
              limit_raised BOOLEAN NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS rollups (
              fn INTEGER NOT NULL, minute BIGINT NOT NULL, invocations BIGINT NOT NULL, cold BIGINT NOT NULL,
              run_ms_sum BIGINT NOT NULL, run_ms_max BIGINT NOT NULL, peak_mem_max BIGINT, cpu_ms_sum BIGINT,
              errors BIGINT NOT NULL, PRIMARY KEY (fn, minute))""",
            // Whole past days of rollups, moved out of `rollups` and written sorted by function: DuckDB's zone
            // maps then skip to a function's few row groups (PostgreSQL has an index), so a 14-day bucket query
            // reads a few pages instead of every function's rows. No key: a late arrival for a sealed minute adds
            // a row in `rollups`, and queries add the two tables up.
            "CREATE TABLE IF NOT EXISTS rollups_sealed AS SELECT * FROM rollups LIMIT 0",
            // Raw rows below this sequence number are in the rollups. Raw rows are committed by themselves, so a
            // crash can come between a batch's rows and its rollups; opening the store rolls up the rest.
            "CREATE TABLE IF NOT EXISTS rollup_watermark (next_seq BIGINT NOT NULL)",
            "INSERT INTO rollup_watermark SELECT 0 WHERE NOT EXISTS (SELECT * FROM rollup_watermark)",
        };
    }
}
