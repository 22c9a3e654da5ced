package io.forewarm.history;

/**
 * Tables and statements of the DuckDB store. Function names live once in {@code functions}; raw rows and
 * rollups refer to them by a small integer, which keeps both tables compact and their filters cheap.
 * Unknown measurements (-1 in a record) are stored as NULL so aggregates skip them.
 */
final class DuckDbSchema {

    private DuckDbSchema() {
    }

    static final String[] CREATE = {
        // Fewer, larger automatic checkpoints: each one recompresses the open row group, and at the 16 MB
        // default that work recurs every few batches under heavy ingest.
        "SET checkpoint_threshold = '256MB'",
        "CREATE TABLE IF NOT EXISTS functions (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE)",
        """
        CREATE TABLE IF NOT EXISTS executions (
          seq BIGINT NOT NULL, fn INTEGER NOT NULL, arrival TIMESTAMP NOT NULL, queue_ms BIGINT NOT NULL,
          cold BOOLEAN NOT NULL, init_ms BIGINT NOT NULL, run_ms BIGINT NOT NULL, cpu_ms BIGINT,
          peak_mem_bytes BIGINT, io_read_bytes BIGINT, io_write_bytes BIGINT, net_bytes BIGINT,
          exit VARCHAR NOT NULL, limit_cpu DOUBLE NOT NULL, limit_mem_bytes BIGINT NOT NULL,
          limit_disk_bytes BIGINT NOT NULL, limit_io_bps BIGINT NOT NULL, limit_net_bps BIGINT NOT NULL,
          limit_raised BOOLEAN NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS rollups (
          fn INTEGER NOT NULL, minute BIGINT NOT NULL, invocations BIGINT NOT NULL, cold BIGINT NOT NULL,
          run_ms_sum BIGINT NOT NULL, run_ms_max BIGINT NOT NULL, peak_mem_max BIGINT, cpu_ms_sum BIGINT,
          errors BIGINT NOT NULL, PRIMARY KEY (fn, minute))""",
        // Whole past days of rollups, moved out of `rollups` and written sorted by function: a function's
        // minutes then sit together in a few row groups, which DuckDB's zone maps skip to, so a 14-day bucket
        // query reads a few row groups instead of scanning every function's rows. No key: a late arrival
        // for a sealed minute adds a row in `rollups`, and queries add the two tables up.
        "CREATE TABLE IF NOT EXISTS rollups_sealed AS SELECT * FROM rollups LIMIT 0",
        // Raw rows below this sequence number are in the rollups. The appender commits raw rows by itself, so
        // a crash can come between a batch's rows and its rollups; opening the store rolls up the rest.
        "CREATE TABLE IF NOT EXISTS rollup_watermark (next_seq BIGINT NOT NULL)",
        "INSERT INTO rollup_watermark SELECT 0 WHERE NOT EXISTS (SELECT * FROM rollup_watermark)",
    };

    static final String INSERT_FUNCTION = "INSERT INTO functions VALUES (?, ?)";
    static final String WATERMARK = "SELECT next_seq FROM rollup_watermark";
    static final String SET_WATERMARK = "UPDATE rollup_watermark SET next_seq = ?";

    /** Folds the raw rows with sequence numbers in {@code [?, ?)} into the per-minute rollups. */
    static final String ROLL_UP = """
        INSERT INTO rollups
        SELECT fn, epoch_us(date_trunc('minute', arrival)) // 60000000 AS minute, count(*),
               count(*) FILTER (WHERE cold), sum(run_ms), max(run_ms), max(peak_mem_bytes), sum(cpu_ms),
               count(*) FILTER (WHERE exit <> 'OK')
        FROM executions WHERE seq >= ? AND seq < ? GROUP BY fn, minute
        ON CONFLICT (fn, minute) DO UPDATE SET
          invocations = invocations + excluded.invocations,
          cold = cold + excluded.cold,
          run_ms_sum = run_ms_sum + excluded.run_ms_sum,
          run_ms_max = greatest(run_ms_max, excluded.run_ms_max),
          peak_mem_max = greatest(peak_mem_max, excluded.peak_mem_max),
          cpu_ms_sum = coalesce(cpu_ms_sum + excluded.cpu_ms_sum, cpu_ms_sum, excluded.cpu_ms_sum),
          errors = errors + excluded.errors""";

    static final String RECORD_COLUMNS = """
        f.name, epoch_us(e.arrival), e.queue_ms, e.cold, e.init_ms, e.run_ms, e.cpu_ms, e.peak_mem_bytes,
        e.io_read_bytes, e.io_write_bytes, e.net_bytes, e.exit, e.limit_cpu, e.limit_mem_bytes,
        e.limit_disk_bytes, e.limit_io_bps, e.limit_net_bps, e.limit_raised
        FROM executions e JOIN functions f ON f.id = e.fn""";

    static final String RECORDS_OF = "SELECT " + RECORD_COLUMNS
            + " WHERE f.name = ? AND e.arrival >= make_timestamp(?) AND e.arrival < make_timestamp(?)"
            + " ORDER BY e.arrival, e.seq";
    static final String RECORDS_ALL = "SELECT " + RECORD_COLUMNS
            + " WHERE e.arrival >= make_timestamp(?) AND e.arrival < make_timestamp(?) ORDER BY e.arrival, e.seq";
    static final String LATEST_ALL = "SELECT " + RECORD_COLUMNS + " ORDER BY e.arrival DESC, e.seq DESC LIMIT ?";
    static final String LATEST_OF = "SELECT " + RECORD_COLUMNS
            + " WHERE f.name = ? ORDER BY e.arrival DESC, e.seq DESC LIMIT ?";

    static final String FUNCTION_ID = "SELECT id FROM functions WHERE name = ?";
    static final String FUNCTION_NAMES = "SELECT name FROM functions ORDER BY name";
    static final String FUNCTION_IDS = "SELECT name, id FROM functions";
    /** Retention may have deleted the newest rows, so the watermark also bounds the next sequence number. */
    static final String NEXT_SEQ = "SELECT greatest(coalesce(max(seq) + 1, 0), (SELECT next_seq FROM rollup_watermark)) FROM executions";

    private static final String BOTH_ROLLUPS = """
        (SELECT * FROM rollups WHERE fn = ? AND minute >= ? AND minute < ?
         UNION ALL
         SELECT * FROM rollups_sealed WHERE fn = ? AND minute >= ? AND minute < ?)""";

    /** Parameters: (fn, first minute, end minute) twice, once per rollup table. */
    static final String ARRIVALS = "SELECT minute, invocations FROM " + BOTH_ROLLUPS;
    /** Parameters: as {@link #ARRIVALS}; a minute found in both tables is merged. */
    static final String ROLLUPS = """
        SELECT minute, sum(invocations), sum(cold), sum(run_ms_sum), max(run_ms_max), max(peak_mem_max),
               sum(cpu_ms_sum), sum(errors)
        FROM """ + BOTH_ROLLUPS + " GROUP BY minute ORDER BY minute";

    static final String SEAL_ROLLUPS = "INSERT INTO rollups_sealed SELECT * FROM rollups WHERE minute < ? ORDER BY fn, minute";
    static final String OLDEST_HOT_MINUTE = "SELECT coalesce(min(minute), 9223372036854775807 // 2) FROM rollups";
    static final String DELETE_SEALED_FROM_HOT = "DELETE FROM rollups WHERE minute < ?";

    static final String DELETE_RAW_BEFORE = "DELETE FROM executions WHERE arrival < make_timestamp(?)";
    static final String DELETE_ROLLUPS_BEFORE = "DELETE FROM rollups WHERE minute < ?";
    static final String DELETE_SEALED_BEFORE = "DELETE FROM rollups_sealed WHERE minute < ?";
    static final String DELETE_OLDEST_RAW = """
        DELETE FROM executions WHERE seq IN (SELECT seq FROM executions ORDER BY arrival, seq LIMIT ?)""";
    static final String DELETE_ORPHAN_FUNCTIONS = """
        DELETE FROM functions WHERE id NOT IN (SELECT DISTINCT fn FROM executions)
          AND id NOT IN (SELECT DISTINCT fn FROM rollups) AND id NOT IN (SELECT DISTINCT fn FROM rollups_sealed)""";
    static final String RAW_ROWS = "SELECT count(*) FROM executions";
    static final String USED_BYTES = "SELECT used_blocks * block_size FROM pragma_database_size() WHERE database_name = current_database()";
    static final String CHECKPOINT = "CHECKPOINT";
}
