package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ResourceVector;
import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * History in a PostgreSQL database, for deployments that share one server. Raw rows go in with {@code COPY},
 * the bulk path (one round trip per batch), which commits them by itself; rollups, retention and queries are
 * {@link JdbcHistoryStore}'s, on the same tables as the DuckDB store plus B-tree indexes. The writer session
 * holds an advisory lock on the schema while the store is open, so a second store on the same schema fails
 * at open (after waiting {@link #LOCK_WAIT} for it) instead of interleaving sequence numbers; the lock goes with
 * the session, also when the process dies.
 */
public final class PostgresHistoryStore extends JdbcHistoryStore {

    /** First key of the advisory lock; the second is the schema's hash. */
    private static final String LOCK = "SELECT pg_advisory_lock(hashtext('forewarm-history'), hashtext(?))";
    /**
     * How long opening waits for the schema's lock: a process killed a moment ago holds it until the server
     * notices its connection is gone, which a restart should not trip over.
     */
    static final String LOCK_WAIT = "5s";
    /** PostgreSQL's SQLSTATE for a lock wait that ran out of time. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private PostgresHistoryStore(HistoryOptions options, String name, Connection writer, Connection reader)
            throws SQLException {
        super(options, HistorySql.POSTGRES, name, writer, reader);
    }

    /**
     * Connects to {@code target}, creates its schema and tables when missing, and starts the writer; batching
     * and retention come from {@code options}, which must not name a DuckDB file.
     *
     * @throws HistoryException naming the URL when the server cannot be reached, refuses the login, or another
     *                          store holds the schema
     */
    public static PostgresHistoryStore open(PostgresTarget target, HistoryOptions options) {
        Objects.requireNonNull(target, "history target");
        Objects.requireNonNull(options, "history options");
        if (options.file() != null) {
            throw new IllegalArgumentException("history options name the DuckDB file " + options.file()
                    + " but the store is PostgreSQL " + target);
        }
        String where = "history.url=" + target.safeUrl();
        Connection writer = null;
        Connection reader = null;
        try {
            writer = target.connect();
            reader = target.connect();
        } catch (SQLException e) {
            closeQuietly(writer);
            throw new HistoryException(where + ": cannot connect: " + e.getMessage(), e);
        }
        String name = "PostgreSQL history " + target;
        try {
            lockSchema(writer, target.schema(), name);
            try (Statement s = writer.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + target.schema());
            }
            writer.setSchema(target.schema());
            reader.setSchema(target.schema());
            // The driver streams a result in chunks of defaultRowFetchSize only inside a transaction; otherwise
            // forEach over months of records would hold them all in memory at once.
            reader.setAutoCommit(false);
            return new PostgresHistoryStore(options, name, writer, reader).start(PostgresHistoryStore.class);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(reader);
            closeQuietly(writer);
            if (e instanceof HistoryException h) {
                throw h;
            }
            throw new HistoryException("cannot open " + name + ": " + e.getMessage(), e);
        }
    }

    private static void lockSchema(Connection writer, String schema, String name) throws SQLException {
        try (Statement s = writer.createStatement(); PreparedStatement ps = writer.prepareStatement(LOCK)) {
            s.execute("SET lock_timeout = '" + LOCK_WAIT + "'");
            ps.setString(1, schema);
            ps.executeQuery().close();
            s.execute("RESET lock_timeout");
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw new HistoryException("cannot open " + name + ": another history store is writing schema "
                        + schema + " (it has held the schema's advisory lock for " + LOCK_WAIT + "); give each"
                        + " server its own history.schema", e);
            }
            throw e;
        }
    }

    @Override
    void writeRows(Connection writer, List<ExecutionRecord> batch, long firstSeq, Map<String, Integer> functionIds)
            throws SQLException {
        StringBuilder rows = new StringBuilder(batch.size() * 160);
        long seq = firstSeq;
        for (ExecutionRecord r : batch) {
            appendRow(rows, seq++, functionIds.get(r.function()), r);
        }
        try {
            writer.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY executions FROM STDIN", new StringReader(rows.toString()));
        } catch (java.io.IOException e) {
            throw new SQLException("COPY of " + batch.size() + " rows failed: " + e.getMessage(), e);
        }
    }

    /**
     * One line of COPY's text format: tab-separated, {@code \N} for NULL. No field needs escaping: the
     * function is its id, the exit an enum name, the rest numbers, booleans and a timestamp.
     */
    static void appendRow(StringBuilder out, long seq, int fn, ExecutionRecord r) {
        ResourceVector lim = r.limits();
        // Truncated to the microsecond like the DuckDB store, rather than rounded as PostgreSQL would.
        LocalDateTime arrival = LocalDateTime.ofInstant(Records.instant(Records.micros(r.arrival())), ZoneOffset.UTC);
        out.append(seq).append('\t').append(fn).append('\t').append(arrival).append('\t')
                .append(r.queueMillis()).append('\t').append(r.cold()).append('\t').append(r.initMillis())
                .append('\t').append(r.runMillis());
        for (long known : new long[] {r.cpuMillis(), r.peakMemoryBytes(), r.ioReadBytes(), r.ioWriteBytes(),
                r.netBytes()}) {
            out.append('\t');
            if (known < 0) {
                out.append("\\N");
            } else {
                out.append(known);
            }
        }
        out.append('\t').append(r.exit().name()).append('\t').append(lim.cpuCores()).append('\t')
                .append(lim.memoryBytes()).append('\t').append(lim.diskBytes()).append('\t')
                .append(lim.ioBytesPerSecond()).append('\t').append(lim.netBytesPerSecond()).append('\t')
                .append(r.limitRaised()).append('\n');
    }
}
