package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What both history stores do alike, around one dialect-specific step: writing a batch's raw rows.
 *
 * <p>{@link #append} only validates the record and puts it in a bounded buffer. One writer thread drains the
 * buffer into batches and writes a batch when it is full or {@code batchInterval} after the previous write:
 * the dialect writes the raw rows (and commits them). At most every {@link #ROLL_UP_EVERY}, and before a flush,
 * a close or retention completes, one transaction folds the raw rows written since into the per-minute rollups
 * and moves a watermark: a rollup costs about as much for a few batches as for one (a statement, a commit,
 * an upsert per function and minute), so under load the rollups lag the raw rows by up to that period, but
 * never once {@link #flush} has returned. Opening the store rolls up any rows above the watermark, so after a
 * crash raw rows and rollups agree again. When the buffer is full, {@code append} blocks until the writer has
 * made room: back-pressure slows the producer instead of dropping history. A committed batch survives kill -9, so
 * a crash loses at most the records of the last batch interval; {@link #close} writes everything.
 *
 * <p>Sequence numbers and function ids are handed out by the one writer in memory, so one store writes a
 * database (DuckDB locks its file; the PostgreSQL store takes an advisory lock on its schema).
 *
 * <p>If the store's connection to the database is lost ({@link #connectionLost}: only PostgreSQL's can be), the
 * writer keeps the batch it was writing and reconnects, waiting {@link #FIRST_RETRY} doubling up to
 * {@link #LAST_RETRY} between attempts, while {@code append} keeps buffering (and blocks once the buffer is full).
 * A new connection is set up the way opening sets one up ({@link #reconnectWriter}, then {@link #learnState}):
 * function ids, the next sequence number from what is committed (so a batch that committed just before the
 * loss is not written again) and rollups above the watermark. A query on a lost reader connection reopens it
 * and runs once more. One WARN says the connection is lost, one INFO that it is back. Any other failure of a
 * write, or a reconnect that fails otherwise than by a lost connection, stops the store: it stops accepting
 * records and every later call reports the failure.
 */
abstract sealed class JdbcHistoryStore implements HistoryStore permits DuckDbHistoryStore, PostgresHistoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcHistoryStore.class);
    private static final int SIZE_ROUNDS = 4;
    /** Longest the rollups lag the committed raw rows while records keep coming (flush does not wait for it). */
    static final Duration ROLL_UP_EVERY = Duration.ofSeconds(1);
    /** The wait before the first reconnect attempt; each failed attempt doubles it. */
    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    /** The longest wait between reconnect attempts. */
    static final Duration LAST_RETRY = Duration.ofSeconds(5);
    /** How long a closing store keeps trying to reconnect before it gives up its buffered records. */
    static final Duration CLOSE_PATIENCE = Duration.ofSeconds(30);

    /** A point in the buffer: completed once everything queued before it is committed. */
    private record Barrier(CompletableFuture<Void> done, boolean stop) {
    }

    private final HistoryOptions options;
    private final HistorySql sql;
    private final String name;
    private final BlockingQueue<Object> buffer;
    // Appenders hold the read lock while enqueueing, close() takes the write lock to set closed: no record
    // can slip into the buffer after the final barrier.
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    // Guards the reader and its statements; not the reader itself, which a reconnect replaces.
    private final Object readLock = new Object();
    // Guarded by writeLock (and used by the constructor before the writer starts), like the writer's statements.
    private Connection writer;
    private StatementCache writerStatements;
    // Guarded by readLock.
    private Connection reader;
    private StatementCache readerStatements;
    private final Map<String, Integer> functionIds = new HashMap<>();
    private final Thread writerThread;
    private long nextSeq;
    /** Raw rows below this sequence number are in the rollups: the watermark as last committed. */
    private long rolledUpTo;
    private int nextFunctionId;
    private volatile boolean closed;
    /** When close() was called (System.nanoTime), for {@link #CLOSE_PATIENCE}. */
    private volatile long closedAt;
    private volatile Throwable failure;

    /**
     * Creates what is missing in the database behind {@code writer} and rolls up rows a crash left behind;
     * {@link #start} then starts the writer. {@code reader} serves the queries, so they need not wait for a
     * batch being written.
     */
    JdbcHistoryStore(HistoryOptions options, HistorySql sql, String name, Connection writer, Connection reader)
            throws SQLException {
        this.options = options;
        this.sql = sql;
        this.name = name;
        this.buffer = new LinkedBlockingQueue<>(options.bufferCapacity());
        this.writer = writer;
        this.reader = reader;
        this.writerStatements = new StatementCache(writer);
        this.readerStatements = new StatementCache(reader);
        try {
            learnState();
        } catch (SQLException | RuntimeException e) {
            writerStatements.closeAll();
            closeQuietly(reader); // the caller closes the writer it opened
            throw e;
        }
        this.writerThread = Thread.ofPlatform().name("history-writer").daemon(true).unstarted(this::runWriter);
    }

    /**
     * Creates what is missing, then learns what the writer hands out from what the database holds: function ids,
     * the next sequence number (after every committed row) and the rollups of rows above the watermark. Run at
     * open and after every reconnect, so a reconnected store is in the state a freshly opened one would be.
     */
    private void learnState() throws SQLException {
        try (Statement s = writer.createStatement()) {
            for (String ddl : sql.create) {
                s.execute(ddl);
            }
        }
        nextSeq = queryLong(HistorySql.NEXT_SEQ);
        loadFunctionIds();
        recoverRollups();
    }

    /** Starts the writer thread; called once the subclass is fully constructed. */
    final <S extends JdbcHistoryStore> S start(Class<S> type) {
        writerThread.start();
        return type.cast(this);
    }

    /**
     * Writes {@code batch} as raw rows numbered from {@code firstSeq}, committed when this returns, each
     * referring to its function by {@code functionIds}; called on the writer thread only.
     */
    abstract void writeRows(Connection writer, List<ExecutionRecord> batch, long firstSeq,
                            Map<String, Integer> functionIds) throws SQLException;

    /** Whether {@code e} means the connection is gone and a new one may work; never for DuckDB, which has none. */
    boolean connectionLost(Throwable e) {
        return false;
    }

    /** A new writer connection, set up as opening sets one up; called only after {@link #connectionLost}. */
    Connection reconnectWriter() throws SQLException {
        throw new UnsupportedOperationException(name + " cannot reconnect");
    }

    /** A new reader connection, set up as opening sets one up; called only after {@link #connectionLost}. */
    Connection reconnectReader() throws SQLException {
        throw new UnsupportedOperationException(name + " cannot reconnect");
    }

    @Override
    public void append(ExecutionRecord record) {
        Records.validate(record);
        enqueue(record);
    }

    @Override
    public void flush() {
        Barrier barrier = new Barrier(new CompletableFuture<>(), false);
        enqueue(barrier);
        await(barrier);
    }

    private void enqueue(Object item) {
        ReentrantReadWriteLock.ReadLock lock = gate.readLock();
        lock.lock();
        try {
            ensureOpen();
            buffer.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for room in the buffer of " + name, e);
        } finally {
            lock.unlock();
        }
    }

    private void await(Barrier barrier) {
        try {
            barrier.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while flushing " + name, e);
        } catch (ExecutionException e) {
            throw new HistoryException("writing " + name + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException(name + " stopped after a failed write: " + f.getMessage(), f);
        }
    }

    // ---- the writer thread ----

    private void runWriter() {
        List<ExecutionRecord> batch = new ArrayList<>(options.batchSize());
        List<Object> drained = new ArrayList<>(options.batchSize());
        long intervalNanos = options.batchInterval().toNanos();
        long retentionNanos = options.retentionEvery().toNanos();
        long rollUpNanos = ROLL_UP_EVERY.toNanos();
        long nextWrite = System.nanoTime() + intervalNanos;
        long nextRollUp = System.nanoTime() + rollUpNanos;
        long nextRetention = System.nanoTime() + retentionNanos;
        boolean stop = false;
        while (!stop) {
            try {
                long wait = nextWrite - System.nanoTime();
                Object head = wait > 0 ? buffer.poll(wait, TimeUnit.NANOSECONDS) : buffer.poll();
                if (head != null) {
                    drained.add(head);
                    buffer.drainTo(drained, options.batchSize());
                }
            } catch (InterruptedException e) {
                // Nobody interrupts this thread but close() failing to stop it; finish what is queued.
                buffer.drainTo(drained);
                stop = true;
            }
            for (Object item : drained) {
                if (item instanceof ExecutionRecord r) {
                    batch.add(r);
                    if (batch.size() >= options.batchSize()) {
                        write(batch);
                    }
                } else {
                    Barrier b = (Barrier) item;
                    write(batch);
                    rollUpPending();
                    Throwable f = failure;
                    if (f == null) {
                        b.done().complete(null);
                    } else {
                        b.done().completeExceptionally(f);
                    }
                    stop |= b.stop();
                }
            }
            drained.clear();
            long now = System.nanoTime();
            if (now - nextWrite >= 0) {
                write(batch);
                nextWrite = now + intervalNanos;
            }
            if (now - nextRollUp >= 0) {
                rollUpPending();
                nextRollUp = now + rollUpNanos;
            }
            if (retentionNanos > 0 && now - nextRetention >= 0 && failure == null && !closed) {
                nextRetention = now + retentionNanos;
                try {
                    applyRetention(options.clock().instant());
                } catch (RuntimeException e) {
                    LOG.warn("periodic retention of {} failed; retrying in {}", name, options.retentionEvery(), e);
                }
            }
        }
    }

    private void write(List<ExecutionRecord> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (failure == null) {
            writeLock.lock();
            try {
                long first = nextSeq;
                // After a reconnect nextSeq follows the committed rows: a batch that committed before the
                // connection went is not written again.
                persistently(() -> {
                    int done = (int) Math.min(batch.size(), Math.max(0, nextSeq - first));
                    if (done < batch.size()) {
                        writeBatch(batch.subList(done, batch.size()));
                    }
                    return null;
                });
            } catch (SQLException | RuntimeException e) {
                failure = e;
                LOG.error("writing a batch of {} records to {} failed; the store stops accepting records",
                        batch.size(), name, e);
            } finally {
                writeLock.unlock();
            }
        }
        batch.clear();
    }

    private void writeBatch(List<ExecutionRecord> batch) throws SQLException {
        registerFunctions(batch);
        long first = nextSeq;
        // The raw rows commit by themselves; the rollup transaction, later, records how far they got.
        writeRows(writer, batch, first, functionIds);
        nextSeq = first + batch.size();
    }

    /** Rolls up the raw rows written since the last rollup; a failure stops the store like a failed write. */
    private void rollUpPending() {
        writeLock.lock();
        try {
            if (failure == null) {
                persistently(() -> {
                    rollUp();
                    return null;
                });
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
            LOG.error("rolling up records {} to {} of {} failed; the store stops accepting records", rolledUpTo,
                    nextSeq, name, e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs {@code work} on the writer connection; when the connection is lost, reconnects (waiting, with
     * backoff, for as long as it takes) and runs it again. Call holding the write lock.
     *
     * @throws SQLException the first failure that is not a lost connection, or a lost connection while closing
     *                      once {@link #CLOSE_PATIENCE} has passed
     */
    private <T> T persistently(Work<T> work) throws SQLException {
        long wait = FIRST_RETRY.toNanos();
        boolean lost = false;
        while (true) {
            try {
                if (lost) {
                    reopenWriter();
                }
                T result = work.run();
                if (lost) {
                    LOG.info("{}: reconnected to the database; writing again", name);
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                if (!connectionLost(e) || closed && System.nanoTime() - closedAt > CLOSE_PATIENCE.toNanos()) {
                    throw e;
                }
                if (!lost) {
                    LOG.warn("{}: lost the connection to the database ({}); keeping the records and reconnecting",
                            name, e.getMessage());
                    lost = true;
                } else {
                    LOG.debug("{}: reconnecting failed: {}", name, e.getMessage());
                }
            }
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while reconnecting " + name, e);
            }
            wait = Math.min(wait * 2, LAST_RETRY.toNanos());
        }
    }

    /** Replaces the writer connection with a new one and relearns the state from what it sees, as opening does. */
    private void reopenWriter() throws SQLException {
        discard(writerStatements, writer);
        writer = reconnectWriter(); // on failure the closed connection stays, and the next attempt replaces it
        writerStatements = new StatementCache(writer);
        learnState();
    }

    /** Gives new function names their ids, committed before any raw row can refer to them. */
    private void registerFunctions(List<ExecutionRecord> batch) throws SQLException {
        Map<String, Integer> added = new LinkedHashMap<>();
        for (ExecutionRecord r : batch) {
            if (!functionIds.containsKey(r.function()) && !added.containsKey(r.function())) {
                added.put(r.function(), nextFunctionId + added.size());
            }
        }
        if (added.isEmpty()) {
            return;
        }
        inTransaction(() -> {
            PreparedStatement ps = writerStatements.prepared(HistorySql.INSERT_FUNCTION);
            for (Map.Entry<String, Integer> e : added.entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setString(2, e.getKey());
                ps.executeUpdate();
            }
            return 0L;
        });
        functionIds.putAll(added);
        nextFunctionId += added.size();
    }

    /**
     * Folds the raw rows written since the last rollup ({@code [rolledUpTo, nextSeq)}) into the rollups and moves
     * the watermark, in one transaction; nothing when there are none.
     */
    private void rollUp() throws SQLException {
        long from = rolledUpTo;
        long to = nextSeq;
        if (from >= to) {
            return;
        }
        inTransaction(() -> {
            update(sql.rollUp, from, to);
            return update(HistorySql.SET_WATERMARK, to);
        });
        rolledUpTo = to;
    }

    /** Rolls up raw rows a crash left behind between their commit and their rollup. */
    private void recoverRollups() throws SQLException {
        rolledUpTo = queryLong(HistorySql.WATERMARK);
        if (rolledUpTo < nextSeq) {
            LOG.info("{}: rolling up {} records committed without their rollups (an unclean shutdown or a lost"
                    + " connection)", name, nextSeq - rolledUpTo);
            rollUp();
        }
    }

    /** A unit of work on the writer connection. */
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        writer.setAutoCommit(false);
        try {
            T result = work.run();
            writer.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            writer.rollback();
            throw e;
        } finally {
            writer.setAutoCommit(true);
        }
    }

    private void loadFunctionIds() throws SQLException {
        functionIds.clear();
        int max = -1;
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery(HistorySql.FUNCTION_IDS)) {
            while (rs.next()) {
                functionIds.put(rs.getString(1), rs.getInt(2));
                max = Math.max(max, rs.getInt(2));
            }
        }
        nextFunctionId = max + 1;
    }

    // ---- retention ----

    @Override
    public RetentionResult applyRetention(Instant now) {
        Objects.requireNonNull(now, "now");
        ensureOpen();
        RetentionPolicy policy = options.retention();
        writeLock.lock();
        try {
            // Run again whole after a reconnect: each step is a cutoff or a limit, so repeating it is harmless.
            return persistently(() -> retain(now, policy));
        } catch (SQLException e) {
            throw new HistoryException("retention of " + name + " failed: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    /** One retention pass: see {@link #applyRetention}. */
    private RetentionResult retain(Instant now, RetentionPolicy policy) throws SQLException {
        // Raw rows about to go must be in the rollups first, or their minutes would be lost with them.
        rollUp();
        long rawByAge = 0;
        long rollupsByAge = 0;
        Instant rawCutoff = policy.rawCutoff(now);
        if (!rawCutoff.equals(Instant.MIN)) {
            rawByAge = update(sql.deleteRawBefore, Records.boundMicros(rawCutoff));
        }
        Instant rollupCutoff = policy.rollupCutoff(now);
        if (!rollupCutoff.equals(Instant.MIN)) {
            long minute = Records.firstMinuteFrom(Records.boundMicros(rollupCutoff));
            rollupsByAge = update(HistorySql.DELETE_ROLLUPS_BEFORE, minute)
                    + update(HistorySql.DELETE_SEALED_BEFORE, minute);
        }
        long sealed = seal(RollupSealing.sealBeforeMinute(now, queryLong(HistorySql.OLDEST_HOT_MINUTE)));
        if (rawByAge + rollupsByAge > 0) {
            checkpoint(); // so the byte count below sees the freed blocks
        }
        long rawBySize = 0;
        // The byte estimate charges all space to raw rows while rollups hold some of it, so one round can
        // fall short; a few rounds converge (each re-measures after the checkpoint has freed blocks).
        for (int round = 0; round < SIZE_ROUNDS; round++) {
            long rows = queryLong(HistorySql.RAW_ROWS);
            // Measuring can mean reading every row (PostgreSQL), so only a byte limit pays for it.
            long used = policy.maxBytes() == Long.MAX_VALUE ? 0 : queryLong(sql.usedBytes);
            long drop = policy.rawRowsToDrop(rows, used);
            LOG.debug("retention of {}: {} raw rows in {} used bytes, dropping {}", name, rows, used, drop);
            if (drop == 0) {
                break;
            }
            rawBySize += update(HistorySql.DELETE_OLDEST_RAW, drop);
            checkpoint();
        }
        if (rawByAge + rollupsByAge + rawBySize > 0) {
            update(HistorySql.DELETE_ORPHAN_FUNCTIONS);
            loadFunctionIds();
        }
        RetentionResult result = new RetentionResult(rawByAge, rawBySize, rollupsByAge, sealed);
        LOG.debug("retention of {} at {}: {}", name, now, result);
        return result;
    }

    /** Moves the hot rollups of minutes before {@code beforeMinute} into the sealed table, in one transaction. */
    private long seal(long beforeMinute) throws SQLException {
        long sealed = inTransaction(() -> {
            long moved = update(HistorySql.SEAL_ROLLUPS, beforeMinute);
            update(HistorySql.DELETE_SEALED_FROM_HOT, beforeMinute);
            return moved;
        });
        if (sealed > 0 && sql.afterSeal != null) {
            try (Statement s = writer.createStatement()) {
                s.execute(sql.afterSeal);
            }
        }
        return sealed;
    }

    private long update(String sql, long... params) throws SQLException {
        PreparedStatement ps = writerStatements.prepared(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setLong(i + 1, params[i]);
        }
        return ps.executeUpdate();
    }

    /**
     * What the byte limit is held to: DuckDB's used blocks (0 for an in-memory database), PostgreSQL's live
     * row bytes.
     */
    long usedBytes() {
        return read("database size", () -> queryLong(reader, sql.usedBytes));
    }

    private long queryLong(String sql) throws SQLException {
        return queryLong(writer, sql);
    }

    private static long queryLong(Connection conn, String sql) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void checkpoint() throws SQLException {
        if (sql.checkpoint == null) {
            return;
        }
        try (Statement s = writer.createStatement()) {
            s.execute(sql.checkpoint);
        }
    }

    // ---- queries ----

    /** A query body run on the reader connection, under the read lock; it builds its result afresh each run. */
    private interface Query<T> {
        T run() throws SQLException;
    }

    /** The reader's statement for {@code sql}, prepared once; call only while holding the read lock. */
    private PreparedStatement prepared(String sql) throws SQLException {
        return readerStatements.prepared(sql);
    }

    private <T> T read(String what, Query<T> query) {
        return read(what, () -> true, query);
    }

    /**
     * Runs {@code query} on the reader; when the reader's connection turns out lost, reopens it and runs the
     * query once more if {@code mayRepeat} says so (not once rows have gone to a caller's sink).
     */
    private <T> T read(String what, BooleanSupplier mayRepeat, Query<T> query) {
        synchronized (readLock) {
            ensureOpen();
            try {
                try {
                    return runRead(query);
                } catch (SQLException | RuntimeException e) {
                    if (!connectionLost(e) || !mayRepeat.getAsBoolean()) {
                        throw e;
                    }
                    LOG.info("{}: the query connection was lost ({}); reopening it", name, e.getMessage());
                    reopenReader();
                    return runRead(query);
                }
            } catch (SQLException e) {
                throw new HistoryException(what + " on " + name + " failed: " + e.getMessage(), e);
            }
        }
    }

    private <T> T runRead(Query<T> query) throws SQLException {
        try {
            return query.run();
        } finally {
            endReadTransaction();
        }
    }

    private void reopenReader() throws SQLException {
        discard(readerStatements, reader);
        reader = reconnectReader();
        readerStatements = new StatementCache(reader);
    }

    /**
     * Ends the transaction a reader outside auto-commit opened (PostgreSQL's, which needs one to stream a
     * result in chunks), so no snapshot outlives its query; a read changes nothing, so rolling back is ending.
     * On a connection already lost there is no transaction to end.
     */
    private void endReadTransaction() throws SQLException {
        if (!reader.isClosed() && !reader.getAutoCommit()) {
            reader.rollback();
        }
    }

    @Override
    public List<ExecutionRecord> records(String function, Instant from, Instant to) {
        Objects.requireNonNull(function, "function");
        Records.checkRange(from, to);
        return read("records of " + function, () -> {
            PreparedStatement ps = prepared(sql.recordsOf);
            ps.setString(1, function);
            ps.setLong(2, Records.boundMicros(from));
            ps.setLong(3, Records.boundMicros(to));
            return collect(ps);
        });
    }

    @Override
    public void forEach(Instant from, Instant to, Consumer<? super ExecutionRecord> sink) {
        Records.checkRange(from, to);
        Objects.requireNonNull(sink, "sink");
        boolean[] delivered = {false};
        read("records", () -> !delivered[0], () -> {
            PreparedStatement ps = prepared(sql.recordsAll);
            ps.setLong(1, Records.boundMicros(from));
            ps.setLong(2, Records.boundMicros(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    delivered[0] = true;
                    sink.accept(toRecord(rs));
                }
            }
            return null;
        });
    }

    @Override
    public List<ExecutionRecord> latest(int n) {
        requirePositive(n);
        return read("latest records", () -> {
            PreparedStatement ps = prepared(sql.latestAll);
            ps.setInt(1, n);
            return collect(ps);
        });
    }

    @Override
    public List<ExecutionRecord> latest(String function, int n) {
        Objects.requireNonNull(function, "function");
        requirePositive(n);
        return read("latest records of " + function, () -> {
            PreparedStatement ps = prepared(sql.latestOf);
            ps.setString(1, function);
            ps.setInt(2, n);
            return collect(ps);
        });
    }

    private static void requirePositive(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("number of latest records must be > 0, got " + n);
        }
    }

    @Override
    public long[] arrivalsPerMinute(String function, Instant from, int minutes) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(from, "from");
        if (minutes < 0) {
            throw new IllegalArgumentException("number of minutes must be >= 0, got " + minutes);
        }
        long first = Records.minuteOf(Records.boundMicros(from));
        return read("arrivals of " + function, () -> {
            long[] buckets = new long[minutes];
            Integer fn = functionId(function);
            if (fn == null || minutes == 0) {
                return buckets;
            }
            PreparedStatement ps = prepared(HistorySql.ARRIVALS);
            bindRollupRange(ps, fn, first, first + minutes);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    buckets[(int) (rs.getLong(1) - first)] += rs.getLong(2);
                }
            }
            return buckets;
        });
    }

    @Override
    public List<MinuteRollup> rollups(String function, Instant from, Instant to) {
        Objects.requireNonNull(function, "function");
        Records.checkRange(from, to);
        return read("rollups of " + function, () -> {
            List<MinuteRollup> out = new ArrayList<>();
            Integer fn = functionId(function);
            if (fn == null) {
                return out;
            }
            PreparedStatement ps = prepared(HistorySql.ROLLUPS);
            bindRollupRange(ps, fn, Records.firstMinuteFrom(Records.boundMicros(from)),
                    Records.firstMinuteFrom(Records.boundMicros(to)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new MinuteRollup(function, Instant.ofEpochSecond(rs.getLong(1) * 60),
                            rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), knownOrMinusOne(rs, 6),
                            knownOrMinusOne(rs, 7), rs.getLong(8)));
                }
            }
            return out;
        });
    }

    @Override
    public List<String> functions() {
        return read("function names", () -> {
            List<String> out = new ArrayList<>();
            try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery(HistorySql.FUNCTION_NAMES)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    private static void bindRollupRange(PreparedStatement ps, int fn, long firstMinute, long endMinute)
            throws SQLException {
        for (int table = 0; table < 2; table++) {
            ps.setInt(3 * table + 1, fn);
            ps.setLong(3 * table + 2, firstMinute);
            ps.setLong(3 * table + 3, endMinute);
        }
    }

    private Integer functionId(String function) throws SQLException {
        PreparedStatement ps = prepared(HistorySql.FUNCTION_ID);
        ps.setString(1, function);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : null;
        }
    }

    private static List<ExecutionRecord> collect(PreparedStatement ps) throws SQLException {
        List<ExecutionRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(toRecord(rs));
            }
        }
        return out;
    }

    private static ExecutionRecord toRecord(ResultSet rs) throws SQLException {
        ResourceVector limits = new ResourceVector(rs.getDouble(13), rs.getLong(14), rs.getLong(15),
                rs.getLong(16), rs.getLong(17));
        return new ExecutionRecord(rs.getString(1), Records.instant(rs.getLong(2)), rs.getLong(3),
                rs.getBoolean(4), rs.getLong(5), rs.getLong(6), knownOrMinusOne(rs, 7), knownOrMinusOne(rs, 8),
                knownOrMinusOne(rs, 9), knownOrMinusOne(rs, 10), knownOrMinusOne(rs, 11),
                ExitKind.valueOf(rs.getString(12)), limits, rs.getBoolean(18));
    }

    private static long knownOrMinusOne(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? -1 : v;
    }

    // ---- shutdown ----

    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock lock = gate.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closedAt = System.nanoTime();
            closed = true;
        } finally {
            lock.unlock();
        }
        Barrier last = new Barrier(new CompletableFuture<>(), true);
        Throwable problem = null;
        try {
            buffer.put(last);
            last.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writerThread.interrupt();
            problem = e;
        } catch (ExecutionException e) {
            problem = e.getCause();
        }
        try {
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = problem == null ? e : problem;
        }
        writeLock.lock();
        try {
            checkpoint(); // whatever was committed goes into the database file, failure or not
        } catch (SQLException e) {
            problem = problem == null ? e : problem;
        } finally {
            synchronized (readLock) {
                readerStatements.closeAll();
                closeQuietly(reader);
            }
            writerStatements.closeAll();
            closeQuietly(writer);
            writeLock.unlock();
        }
        if (problem != null) {
            throw new HistoryException("closing " + name + " lost buffered records: " + problem.getMessage(), problem);
        }
    }

    /**
     * Closes a lost connection and its statements; closing one cannot go well and says nothing new (the loss is
     * already reported), so failures are logged at debug only.
     */
    private void discard(StatementCache statements, Connection conn) {
        statements.clear();
        try {
            conn.close();
        } catch (SQLException e) {
            LOG.debug("{}: closing a lost connection: {}", name, e.getMessage());
        }
    }

    /** Closes {@code c}, logging rather than throwing: used where an earlier failure is being reported. */
    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", c, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
