package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ResourceVector;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * History in an embedded DuckDB database (a file, or memory for tests). Raw rows go in through DuckDB's
 * appender, which commits them by itself; the write-ahead log keeps a committed batch through kill -9 and
 * {@link #close} checkpoints. Everything else is {@link JdbcHistoryStore}'s.
 */
public final class DuckDbHistoryStore extends JdbcHistoryStore {

    private DuckDbHistoryStore(HistoryOptions options, DuckDBConnection writer) throws SQLException {
        super(options, HistorySql.DUCKDB, options.describe(), writer, writer.duplicate());
    }

    /** Opens (creating if needed) the database {@code options} names and starts its writer. */
    public static DuckDbHistoryStore open(HistoryOptions options) {
        Objects.requireNonNull(options, "history options");
        DuckDBConnection conn = null;
        try {
            conn = (DuckDBConnection) DriverManager.getConnection(options.jdbcUrl());
            return new DuckDbHistoryStore(options, conn).start(DuckDbHistoryStore.class);
        } catch (SQLException e) {
            closeQuietly(conn);
            throw new HistoryException("cannot open " + options.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void writeRows(Connection writer, List<ExecutionRecord> batch, long firstSeq, Map<String, Integer> functionIds)
            throws SQLException {
        long seq = firstSeq;
        try (DuckDBAppender app = writer.unwrap(DuckDBConnection.class).createAppender("executions")) {
            for (ExecutionRecord r : batch) {
                appendRow(app, seq++, functionIds.get(r.function()), r);
            }
        }
    }

    private static void appendRow(DuckDBAppender app, long seq, int fn, ExecutionRecord r) throws SQLException {
        ResourceVector lim = r.limits();
        app.beginRow().append(seq).append(fn).appendEpochMicros(Records.micros(r.arrival()))
                .append(r.queueMillis()).append(r.cold()).append(r.initMillis()).append(r.runMillis());
        appendKnown(app, r.cpuMillis());
        appendKnown(app, r.peakMemoryBytes());
        appendKnown(app, r.ioReadBytes());
        appendKnown(app, r.ioWriteBytes());
        appendKnown(app, r.netBytes());
        app.append(r.exit().name()).append(lim.cpuCores()).append(lim.memoryBytes()).append(lim.diskBytes())
                .append(lim.ioBytesPerSecond()).append(lim.netBytesPerSecond()).append(r.limitRaised())
                .endRow();
    }

    private static void appendKnown(DuckDBAppender app, long value) throws SQLException {
        if (value < 0) {
            app.appendNull();
        } else {
            app.append(value);
        }
    }
}
