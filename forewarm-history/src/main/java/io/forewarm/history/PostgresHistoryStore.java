package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ResourceVector;
import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
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
 *
 * <p>A lost connection (SQLSTATE class 08, or the server ending the session: 57P01-57P03) is not the end: the
 * writer reconnects with backoff, takes the schema's lock again (if another store took it meanwhile, the store
 * stops, as at open) and relearns its state as opening does; a query reopens its connection and runs again
 * (see {@link JdbcHistoryStore}).
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

    /** Who a session is: a pid alone could be another session's by now. */
    private static final String SESSION = "SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()";
    private static final String END_SESSION = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE pid = ? AND backend_start = ?";

    private final PostgresTarget target;
    // The writer's session (pid, start), ended before reconnecting; touched on the writer's side only.
    private int writerPid;
    private Timestamp writerStart;

    private PostgresHistoryStore(PostgresTarget target, HistoryOptions options, String name, Connection writer,
                                 Connection reader) throws SQLException {
        super(options, HistorySql.POSTGRES, name, writer, reader);
        this.target = target;
        rememberSession(writer);
    }

    private void rememberSession(Connection writer) throws SQLException {
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery(SESSION)) {
            rs.next();
            writerPid = rs.getInt(1);
            writerStart = rs.getTimestamp(2);
        }
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
            setUpWriter(writer, target, "cannot open " + name);
            setUpReader(reader, target);
            return new PostgresHistoryStore(target, options, name, writer, reader).start(PostgresHistoryStore.class);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(reader);
            closeQuietly(writer);
            if (e instanceof HistoryException h) {
                throw h;
            }
            throw new HistoryException("cannot open " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes the schema's lock, then creates the schema when missing and works in it; {@code failing} begins the
     * message when another store holds the lock.
     */
    private static void setUpWriter(Connection writer, PostgresTarget target, String failing) throws SQLException {
        lockSchema(writer, target.schema(), failing);
        try (Statement s = writer.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + target.schema());
        }
        writer.setSchema(target.schema());
    }

    private static void setUpReader(Connection reader, PostgresTarget target) throws SQLException {
        reader.setSchema(target.schema());
        // The driver streams a result in chunks of defaultRowFetchSize only inside a transaction; otherwise
        // forEach over months of records would hold them all in memory at once.
        reader.setAutoCommit(false);
    }

    @Override
    boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && lostConnection(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a SQLSTATE means the session is gone: class 08 (connection exception: refused, broken, closed)
     * or the server ending it (57P01 terminated by an administrator or a shutdown, 57P02 crash, 57P03 still
     * starting up).
     */
    static boolean lostConnection(String sqlState) {
        return sqlState.startsWith("08") || sqlState.matches("57P0[123]");
    }

    @Override
    Connection reconnectWriter() throws SQLException {
        return connect(writer -> {
            // When the network, not the server, dropped the old session, the server may not know yet and the
            // session would hold the schema's lock until it does: end it, it is ours.
            try (PreparedStatement ps = writer.prepareStatement(END_SESSION)) {
                ps.setInt(1, writerPid);
                ps.setTimestamp(2, writerStart);
                ps.executeQuery().close();
            }
            setUpWriter(writer, target, "cannot reconnect " + this);
            rememberSession(writer);
        });
    }

    @Override
    Connection reconnectReader() throws SQLException {
        return connect(reader -> setUpReader(reader, target));
    }

    /** A new connection to the target, set up by {@code setUp}; closed again when that fails. */
    private Connection connect(SetUp setUp) throws SQLException {
        Connection conn = target.connect();
        try {
            setUp.on(conn);
            return conn;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
    }

    /** What a new connection needs before it is used. */
    private interface SetUp {
        void on(Connection conn) throws SQLException;
    }

    private static void lockSchema(Connection writer, String schema, String failing) throws SQLException {
        try (Statement s = writer.createStatement(); PreparedStatement ps = writer.prepareStatement(LOCK)) {
            s.execute("SET lock_timeout = '" + LOCK_WAIT + "'");
            ps.setString(1, schema);
            ps.executeQuery().close();
            s.execute("RESET lock_timeout");
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw new HistoryException(failing + ": another history store is writing schema "
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
